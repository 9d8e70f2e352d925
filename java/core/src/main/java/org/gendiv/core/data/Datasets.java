package org.gendiv.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.diversity.JsonErrors;

/**
 * Readers for the data sets people have for the study's two tasks, each file either JSONL (one
 * object per line) or one JSON array of objects:
 * <ul>
 *   <li>{@code tldr}: Reddit TL;DR, {subreddit, title, post, summary}.</li>
 *   <li>{@code cnndm}: CNN/DailyMail, {article, highlights}.</li>
 *   <li>{@code alpaca}: Alpaca / AlpacaFarm, {instruction, input, output}.</li>
 *   <li>{@code alpaca_eval}: AlpacaEval's evaluation sets and the Sequential Instructions set
 *       (published in AlpacaEval's layout), {instruction, output, ...}.</li>
 *   <li>{@code pairs}: preference pairs, {prompt, chosen, rejected} (the prompt used as is).</li>
 *   <li>{@code summarize_from_feedback}: OpenAI's comparisons, {info: {subreddit, title, post},
 *       summaries: [{text}, {text}], choice}.</li>
 * </ul>
 * Prompts are made by the task's {@link Templates}. A missing field, a wrong type or a malformed
 * line stops with an error naming the file and line (the array index + 1 in a JSON array).
 */
public final class Datasets {
    private Datasets() {}

    /** An input with its reference output (the data set's own answer). */
    public record Example(String prompt, String reference) {}

    public static final List<String> EXAMPLE_FORMATS = List.of("tldr", "cnndm", "alpaca", "alpaca_eval");
    public static final List<String> PAIR_FORMATS = List.of("pairs", "summarize_from_feedback");

    /** Prompt templates: {field} is replaced by the record's field. Defaults are the study's formats. */
    public record Templates(String tldr, String cnndm, String alpaca, String alpacaNoInput) {
        public static Templates defaults() {
            return new Templates("SUBREDDIT: r/{subreddit}\nTITLE: {title}\nPOST: {post}\nTL;DR:",
                    "ARTICLE: {article}\nTL;DR:",
                    "Below is an instruction that describes a task, paired with an input that provides further context. "
                            + "Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n"
                            + "### Input:\n{input}\n\n### Response:",
                    "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                            + "### Instruction:\n{instruction}\n\n### Response:");
        }
    }

    public static List<Example> examples(Path file, String format, Templates t) throws IOException {
        List<Example> out = new ArrayList<>();
        for (Row r : rows(file))
            out.add(switch (format) {
                case "tldr" -> new Example(tldrPrompt(r, t), r.string("summary").strip());
                case "cnndm" -> new Example(fill(t.cnndm(), Map.of("article", r.string("article"))), r.string("highlights").strip());
                case "alpaca" -> new Example(alpacaPrompt(r, r.optional("input"), t), r.string("output").strip());
                case "alpaca_eval" -> new Example(alpacaPrompt(r, "", t), r.string("output").strip());
                default -> throw new Configs.BadConfig(file + ": format '" + format + "' is not an example format (formats: "
                        + String.join(", ", EXAMPLE_FORMATS) + ")");
            });
        if (out.isEmpty()) throw new Configs.BadConfig(file + ": no records");
        return out;
    }

    public static List<RewardTraining.Pair> pairs(Path file, String format, Templates t) throws IOException {
        List<RewardTraining.Pair> out = new ArrayList<>();
        for (Row r : rows(file))
            switch (format) {
                case "pairs" -> out.add(new RewardTraining.Pair(r.string("prompt"), r.string("chosen").strip(), r.string("rejected").strip()));
                case "summarize_from_feedback" -> {
                    Row info = r.object("info");
                    JsonArray summaries = r.array("summaries");
                    if (summaries.size() != 2) throw r.bad("summaries must hold 2 entries, got " + summaries.size());
                    int choice = r.integer("choice");
                    if (choice != 0 && choice != 1) throw r.bad("choice must be 0 or 1, got " + choice);
                    String[] text = new String[2];
                    for (int i = 0; i < 2; i++) {
                        if (!summaries.get(i).isJsonObject()) throw r.bad("summaries[" + i + "] must be an object");
                        text[i] = new Row(summaries.get(i).getAsJsonObject(), r.where).string("text").strip();
                    }
                    out.add(new RewardTraining.Pair(tldrPrompt(info, t), text[choice], text[1 - choice]));
                }
                default -> throw new Configs.BadConfig(file + ": format '" + format + "' is not a preference format (formats: "
                        + String.join(", ", PAIR_FORMATS) + ")");
            }
        if (out.isEmpty()) throw new Configs.BadConfig(file + ": no records");
        return out;
    }

    private static String tldrPrompt(Row fields, Templates t) {
        return fill(t.tldr(), Map.of("subreddit", fields.string("subreddit"), "title", fields.string("title"),
                "post", fields.string("post")));
    }

    private static String alpacaPrompt(Row r, String input, Templates t) {
        String instruction = r.string("instruction");
        return input == null || input.isBlank() ? fill(t.alpacaNoInput(), Map.of("instruction", instruction))
                : fill(t.alpaca(), Map.of("instruction", instruction, "input", input));
    }

    /** Replaces each {key} of the template with its value (one pass: values are never re-read as placeholders). */
    public static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i), close = open < 0 ? -1 : template.indexOf('}', open);
            String key = close < 0 ? null : template.substring(open + 1, close);
            if (key == null || !values.containsKey(key)) {
                int end = open < 0 ? template.length() : open + 1;
                out.append(template, i, end);
                i = end;
                continue;
            }
            out.append(template, i, open).append(values.get(key));
            i = close + 1;
        }
        return out.toString();
    }

    /** One record and where it came from ("file:line"), with typed field reads that name both. */
    record Row(JsonObject o, String where) {
        Configs.BadConfig bad(String what) {
            return new Configs.BadConfig(where + ": " + what);
        }

        String string(String key) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) throw bad("missing field \"" + key + "\"");
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw bad("field \"" + key + "\" must be a string");
            return e.getAsString();
        }

        String optional(String key) {
            return o.has(key) && !o.get(key).isJsonNull() ? string(key) : null;
        }

        int integer(String key) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw bad("field \"" + key + "\" must be an integer");
            return e.getAsInt();
        }

        Row object(String key) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonObject()) throw bad("field \"" + key + "\" must be an object");
            return new Row(e.getAsJsonObject(), where);
        }

        JsonArray array(String key) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonArray()) throw bad("field \"" + key + "\" must be an array");
            return e.getAsJsonArray();
        }
    }

    /** The records of a JSONL file or a JSON array file. */
    static List<Row> rows(Path file) throws IOException {
        String text;
        try {
            text = TextFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new Configs.BadConfig(file + ": no such file");
        }
        List<Row> rows = new ArrayList<>();
        if (text.stripLeading().startsWith("[")) {
            JsonArray a;
            try {
                a = JsonParser.parseString(text).getAsJsonArray();
            } catch (RuntimeException e) {
                throw new Configs.BadConfig(file + ": not a JSON array (" + JsonErrors.reason(e) + ")");
            }
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isJsonObject()) throw new Configs.BadConfig(file + ": record " + (i + 1) + " is not an object");
                rows.add(new Row(a.get(i).getAsJsonObject(), file + ": record " + (i + 1)));
            }
            return rows;
        }
        for (var line : Jsonl.objects(file, text)) rows.add(new Row(line.json(), line.where()));
        return rows;
    }

    /** The format name as a config gives it, normalised ("AlpacaEval" and "alpaca-eval" read as alpaca_eval). */
    public static String format(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_').replace("alpacaeval", "alpaca_eval");
    }
}
