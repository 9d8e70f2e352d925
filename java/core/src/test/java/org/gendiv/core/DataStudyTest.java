package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gendiv.core.data.Datasets;
import org.gendiv.core.io.Configs;
import org.gendiv.core.judge.CommandJudge;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.study.DataStudy;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Data-set readers, the real-data study's config and the command judge, by hand; and the fixtures
 * (small data sets in every supported layout, tokenizers, results checks) that gendiv-cli's
 * RealStudyCommandTest runs `gendiv study --config` on, end to end.
 */
public class DataStudyTest {
    @TempDir
    Path dir;

    static final String[] WHO = {"anna", "ben", "carla", "dev", "emil", "fay"};
    static final String[] WHAT = {"lost my keys", "got a new job", "moved to a farm", "adopted a cat", "failed an exam", "ran a marathon"};

    static JsonObject obj(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.addProperty(kv[i], kv[i + 1]);
        return o;
    }

    static void jsonl(Path f, List<JsonObject> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonObject r : rows) b.append(r).append('\n');
        Files.writeString(f, b);
    }

    static void array(Path f, List<JsonObject> rows) throws IOException {
        JsonArray a = new JsonArray();
        rows.forEach(a::add);
        Files.writeString(f, a.toString());
    }

    static JsonObject post(int i) {
        String who = WHO[i % WHO.length], what = WHAT[(i / 2) % WHAT.length];
        return obj("subreddit", "tifu", "title", who + " " + what, "post", "so today " + who + " " + what + " and it was a long day",
                "summary", " " + who + " " + what);
    }

    /** TL;DR train and test (JSONL), summarize-from-feedback comparisons, CNN/DailyMail (a JSON array). */
    public static void summarisationData(Path d) throws IOException {
        Files.createDirectories(d);
        List<JsonObject> train = new ArrayList<>(), test = new ArrayList<>(), cmp = new ArrayList<>(), news = new ArrayList<>();
        for (int i = 0; i < 16; i++) train.add(post(i));
        for (int i = 16; i < 20; i++) test.add(post(i));
        for (int i = 0; i < 12; i++) {
            JsonObject p = post(i), c = new JsonObject();
            c.add("info", obj("id", "t" + i, "subreddit", "tifu", "title", p.get("title").getAsString(), "post", p.get("post").getAsString()));
            JsonArray s = new JsonArray();
            s.add(obj("text", p.get("summary").getAsString(), "policy", "ref"));
            s.add(obj("text", " it was a long day", "policy", "sup"));
            c.add("summaries", s);
            c.addProperty("choice", i % 3 == 0 ? 1 : 0);
            cmp.add(c);
        }
        for (int i = 0; i < 4; i++)
            news.add(obj("article", "news : " + WHO[i] + " " + WHAT[i] + " , officials said on monday", "highlights", WHO[i] + " " + WHAT[i]));
        jsonl(d.resolve("tldr-train.jsonl"), train);
        jsonl(d.resolve("tldr-test.jsonl"), test);
        jsonl(d.resolve("comparisons.jsonl"), cmp);
        array(d.resolve("cnndm.json"), news);
        List<JsonObject> pairs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            JsonObject p = post(i);
            pairs.add(obj("prompt", "POST: " + p.get("post").getAsString() + "\nTL;DR:", "chosen", p.get("summary").getAsString(),
                    "rejected", " it was a long day"));
        }
        jsonl(d.resolve("pairs.jsonl"), pairs);
    }

    /** Alpaca train (a JSON array), preference pairs (JSONL), AlpacaFarm test, AlpacaEval and Sequential Instructions (AlpacaEval's layout). */
    public static void instructionData(Path d) throws IOException {
        Files.createDirectories(d);
        List<JsonObject> train = new ArrayList<>(), test = new ArrayList<>(), eval = new ArrayList<>(), seq = new ArrayList<>(), pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String a = WHO[i % 6], b = WHO[(i + 2) % 6];
            JsonObject r = i % 4 == 0 ? obj("instruction", "name a friend of " + a, "input", "", "output", b)
                    : obj("instruction", "sort these names", "input", b + " , " + a, "output", a.compareTo(b) < 0 ? a + " , " + b : b + " , " + a);
            (i < 16 ? train : test).add(r);
            if (i < 12) pairs.add(obj("prompt", "sort these names : " + b + " , " + a, "chosen", r.get("output").getAsString(), "rejected", b));
        }
        for (int i = 0; i < 3; i++) {
            eval.add(obj("instruction", "say hello to " + WHO[i], "output", "hello " + WHO[i], "generator", "text_davinci_003", "dataset", "helpful_base"));
            seq.add(obj("instruction", "first sort " + WHO[i] + " , " + WHO[i + 1] + " then say hello to the first", "output", "hello " + WHO[i],
                    "generator", "gpt4", "dataset", "sequential"));
        }
        array(d.resolve("alpaca.json"), train);
        array(d.resolve("alpaca-test.json"), test);
        array(d.resolve("alpaca-eval.json"), eval);
        jsonl(d.resolve("sequential.jsonl"), seq);
        jsonl(d.resolve("pairs.jsonl"), pairs);
    }

    /** gendiv's word tokenizer over every prompt and output the readers make, saved beside the model. */
    public static int tokenizer(Path modelDir, List<String> texts) throws IOException {
        Files.createDirectories(modelDir);
        WordTokenizer t = WordTokenizer.train(texts, 1000, 1);
        t.save(modelDir.resolve("tokenizer.json"));
        return t.vocabSize();
    }

    public static List<String> texts(Path data) throws IOException {
        List<String> out = new ArrayList<>();
        var t = Datasets.Templates.defaults();
        try (var files = Files.list(data)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                boolean pairs = name.startsWith("pairs") || name.startsWith("comparisons");
                if (pairs) {
                    for (var p : Datasets.pairs(f, name.startsWith("pairs") ? "pairs" : "summarize_from_feedback", t))
                        out.addAll(List.of(p.prompt(), p.chosen(), p.rejected()));
                    continue;
                }
                String format = name.startsWith("tldr") ? "tldr" : name.startsWith("cnndm") ? "cnndm"
                        : name.startsWith("alpaca-eval") || name.startsWith("sequential") ? "alpaca_eval" : "alpaca";
                for (var e : Datasets.examples(f, format, t)) out.addAll(List.of(e.prompt(), e.reference()));
            }
        }
        return out;
    }

    public static final String TINY_STAGES = "\"sft\": {\"steps\": 3, \"batch_size\": 4}, \"rm\": {\"steps\": 3, \"batch_size\": 4, \"normalize_samples\": 4},"
            + " \"ppo\": {\"steps\": 1, \"rollout_batch\": 4, \"minibatch\": 2, \"epochs\": 1, \"max_new_tokens\": 6, \"critic\": {\"warmup_steps\": 0}},"
            + " \"eval\": {\"inputs\": 3, \"samples\": 2, \"bon_n\": 2, \"max_new_tokens\": 6, \"bootstrap\": 20}";

    public static void assertComplete(JsonObject r, String task, List<String> splits) {
        assertPublicFormat(r, task, splits, List.of("ead", "distinct", "self_bleu", "compression"));
        JsonObject t = r.getAsJsonObject("tasks").getAsJsonObject(task);
        assertTrue(t.has("judge") && t.has("training"), t.keySet().toString());
        for (String k : List.of("sft", "rm", "ppo")) assertTrue(t.getAsJsonObject("training").has(k), "training lacks " + k);
    }

    /**
     * results.json in the public format of the README: seeds a list; per method, each split's
     * block (shift = its place, ID first; win rate, RM score, KL to SFT and length with CIs;
     * per-input metrics with mean, std and CI; across-input values) and the generalisation gap
     * (ID minus mean OOD win rate) with its CI. SFT's KL to itself is 0 and BoN's the analytic
     * log N - (N - 1) / N for the config's N.
     */
    public static void assertPublicFormat(JsonObject r, String task, List<String> splits, List<String> perInput) {
        assertTrue(r.get("seeds").isJsonArray() && r.has("config"), "seeds and config");
        JsonObject t = r.getAsJsonObject("tasks").getAsJsonObject(task);
        assertEquals(splits, List.copyOf(t.getAsJsonObject("splits").keySet()));
        int bonN = r.getAsJsonObject("config").getAsJsonObject("eval").get("bon_n").getAsInt();
        for (String m : List.of("sft", "bon", "ppo")) {
            JsonObject mo = t.getAsJsonObject("methods").getAsJsonObject(m);
            assertEquals(splits, List.copyOf(mo.getAsJsonObject("splits").keySet()), m);
            double ood = 0;
            for (int i = 0; i < splits.size(); i++) {
                String s = splits.get(i), where = m + "/" + s;
                JsonObject b = mo.getAsJsonObject("splits").getAsJsonObject(s);
                assertEquals(i, b.get("shift").getAsInt(), where + " shift");
                for (String k : List.of("win_rate", "rm_score", "kl_to_sft", "length")) interval(b.getAsJsonObject(k), where + " " + k);
                double win = b.getAsJsonObject("win_rate").get("mean").getAsDouble();
                assertTrue(win >= 0 && win <= 1, where + " win " + win);
                if (i > 0) ood += win / (splits.size() - 1);
                double kl = b.getAsJsonObject("kl_to_sft").get("mean").getAsDouble();
                if (m.equals("sft")) assertEquals(0.0, kl, where + " KL of SFT to itself");
                if (m.equals("bon")) assertEquals(Math.log(bonN) - (bonN - 1.0) / bonN, kl, 1e-12, where + " BoN KL");
                assertTrue(Double.isFinite(kl), where + " KL " + kl);
                assertTrue(b.getAsJsonObject("length").get("mean").getAsDouble() >= 0, where + " length");
                for (String k : perInput) {
                    JsonObject v = b.getAsJsonObject("per_input").getAsJsonObject(k);
                    interval(v, where + " per_input " + k);
                    assertTrue(v.has("std") && v.get("std").getAsDouble() >= 0, where + " per_input " + k + " std");
                    if (!k.equals("nli"))  // NLI diversity is a per-input measure only
                        assertTrue(b.getAsJsonObject("across_input").get(k).getAsJsonPrimitive().isNumber(), where + " across_input " + k);
                }
            }
            JsonObject gap = mo.getAsJsonObject("generalisation_gap");
            interval(gap, m + " generalisation_gap");
            double id = mo.getAsJsonObject("splits").getAsJsonObject("id").getAsJsonObject("win_rate").get("mean").getAsDouble();
            assertEquals(id - ood, gap.get("mean").getAsDouble(), 1e-12, m + " gap = ID - mean OOD");
        }
    }

    /** {"mean": finite, "ci95": [lo, hi]} with lo <= hi. */
    static void interval(JsonObject v, String what) {
        assertTrue(v != null && Double.isFinite(v.get("mean").getAsDouble()), what + ": " + v);
        var ci = v.getAsJsonArray("ci95");
        assertTrue(ci.get(0).getAsDouble() <= ci.get(1).getAsDouble(), what + " ci95 " + ci);
    }

    /** The README's real.json example reads as written (its files made here, empty). */
    @Test
    void theReadmeExampleConfigReads() throws IOException {
        String readme = Files.readString(Path.of("../../README.md"));
        int at = readme.indexOf("`real.json`:");
        assertTrue(at > 0, "README has the real.json example");
        int open = readme.indexOf("```json\n", at) + "```json\n".length(), close = readme.indexOf("```", open);
        String json = readme.substring(open, close);
        Path cfg = dir.resolve("real.json");
        Files.writeString(cfg, json);
        for (String d : List.of("models/opt-125m", "models/all-mpnet-base", "models/roberta-mnli")) Files.createDirectories(dir.resolve(d));
        for (String f : List.of("data/tldr/train.jsonl", "data/tldr/test.jsonl", "data/tldr/comparisons.jsonl", "data/cnndm/test.jsonl")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), "");
        }
        DataStudy.Spec spec = DataStudy.read(cfg);
        assertEquals(0.8, spec.stages().sft().optim().freezeFraction());
        assertEquals(500, spec.stages().eval().inputs());
        assertEquals(List.of("python3", "judge.py"), spec.judgeCommand());
        assertEquals("cnndm", spec.oodTests().get("cnndm").format());
    }

    // ---- readers and judges, by hand ----------------------------------------------------------

    @Test
    void readersMakeTheStudysPrompts() throws IOException {
        Path data = dir.resolve("d");
        summarisationData(data);
        instructionData(data);
        var t = Datasets.Templates.defaults();
        var tldr = Datasets.examples(data.resolve("tldr-train.jsonl"), "tldr", t).get(0);
        assertEquals("SUBREDDIT: r/tifu\nTITLE: anna lost my keys\nPOST: so today anna lost my keys and it was a long day\nTL;DR:", tldr.prompt());
        assertEquals("anna lost my keys", tldr.reference());
        var sff = Datasets.pairs(data.resolve("comparisons.jsonl"), "summarize_from_feedback", t);
        assertEquals("it was a long day", sff.get(0).chosen());  // choice 1 in record 0
        assertEquals("ben lost my keys", sff.get(1).chosen());  // choice 0 in record 1
        var alpaca = Datasets.examples(data.resolve("alpaca.json"), "alpaca", t);
        assertTrue(alpaca.get(0).prompt().endsWith("### Instruction:\nname a friend of anna\n\n### Response:"), alpaca.get(0).prompt());
        assertTrue(alpaca.get(1).prompt().contains("### Input:\ndev , ben\n\n### Response:"), alpaca.get(1).prompt());
        assertEquals("{post} a {x}", Datasets.fill("{title} a {x}", Map.of("title", "{post}")));
    }

    @Test
    void badDataNamesTheFileAndLine() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"subreddit\": \"a\", \"title\": \"b\", \"post\": \"c\", \"summary\": \"d\"}\n{\"subreddit\": \"a\"\n");
        var e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "tldr", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl:2: malformed JSON"), e.getMessage());
        Files.writeString(f, "{\"subreddit\": \"a\", \"title\": \"b\", \"post\": 3, \"summary\": \"d\"}\n");
        e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "tldr", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl:1: field \"post\" must be a string"), e.getMessage());
        Files.writeString(f, "[{\"instruction\": \"x\", \"output\": \"y\"}, {\"instruction\": \"x\"}]");
        e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "alpaca", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl: record 2: missing field \"output\""), e.getMessage());
        Path cfg = dir.resolve("real.json");
        Files.writeString(cfg, "{\"base_model\": \".\", \"trian\": {}}");
        e = assertThrows(Configs.BadConfig.class, () -> DataStudy.read(cfg));
        assertTrue(e.getMessage().contains("unknown key 'trian'"), e.getMessage());
    }

    @Test
    void aBrokenJudgeCommandIsNamed() throws IOException {
        var one = List.of(new Judge.Comparison("p", "o", "r"));
        var e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo oops >&2; exit 3")).preferences(one));
        assertTrue(e.getMessage().contains("exited with status 3: oops"), e.getMessage());
        e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo '{\"id\": 0, \"preference\": 2}'")).preferences(one));
        assertTrue(e.getMessage().contains("output line 1: preference 2.0 is outside [0, 1]"), e.getMessage());
        e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null")).preferences(one));
        assertTrue(e.getMessage().contains("no preference for id 0"), e.getMessage());
        assertEquals(0.5, new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo '{\"id\": 0, \"preference\": 0.5}'")).preferences(one)[0]);
    }
}
