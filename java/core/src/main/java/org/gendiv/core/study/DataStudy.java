package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.data.Datasets;
import org.gendiv.core.io.Configs;
import org.gendiv.core.judge.Judge;
import org.gendiv.diversity.JsonErrors;

/**
 * The config of a study on a real base model and real data sets: `gendiv study --config real.json`
 * with a config that names a base_model ({@link #read}); {@link DataSource} is its data, and
 * {@link Study} runs it. The same stages and measurements as the embedded study (SFT ->
 * RM -> PPO, and BoN; K samples per input on the ID test set and each OOD test set; win rate
 * against the data set's reference through a {@link Judge}; per-input and across-input
 * diversity), with the base model, the demonstrations, the preference pairs and the test sets read
 * from the user's files ({@link Datasets}). Paths in the config are relative to the config file.
 */
public final class DataStudy {
    /** A data file and its format (one of {@link Datasets}' formats). */
    public record Source(Path file, String format) {}

    /** What the config names; stages holds the sft, rm, ppo and eval settings and the seeds. */
    public record Spec(String task, Path baseModel, Source train, Source preferences, Source idTest, Map<String, Source> oodTests,
            Datasets.Templates templates, List<String> judgeCommand, double heldOut, int ppoPrompts, Path embeddingModel,
            Path nliModel, StudyConfig stages) {
        public Spec withSeeds(int n) {
            return new Spec(task, baseModel, train, preferences, idTest, oodTests, templates, judgeCommand, heldOut, ppoPrompts,
                    embeddingModel, nliModel, stages.withSeeds(n));
        }
    }

    static final Set<String> KEYS = Set.of("task", "base_model", "train", "preferences", "id_test", "ood_tests", "templates",
            "judge", "held_out", "ppo_prompts", "embedding_model", "nli_model", "seeds", "seed", "sft", "rm", "ppo", "eval");

    /** Does this config file describe a study on real data (it names a base_model)? */
    public static boolean isDataConfig(Path file) throws IOException {
        return object(file).has("base_model");
    }

    private static JsonObject object(Path file) throws IOException {
        try {
            return JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new Configs.BadConfig(file + ": no such file");
        } catch (RuntimeException e) {
            throw new Configs.BadConfig(file + ": not a JSON object (" + JsonErrors.reason(e) + ")");
        }
    }

    public static Spec read(Path file) throws IOException {
        JsonObject o = object(file);
        for (String k : o.keySet())
            if (!KEYS.contains(k)) throw new Configs.BadConfig(file + ": unknown key '" + k + "' (keys: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        Path base = file.toAbsolutePath().getParent();
        StudyConfig d = StudyConfig.defaults();
        String task = string(o, "task", file, "summarisation");
        Source train = source(o, "train", file, base, Datasets.EXAMPLE_FORMATS);
        Source prefs = source(o, "preferences", file, base, Datasets.PAIR_FORMATS);
        Source id = source(o, "id_test", file, base, Datasets.EXAMPLE_FORMATS);
        Map<String, Source> ood = new LinkedHashMap<>();
        if (!o.has("ood_tests") || !o.get("ood_tests").isJsonObject() || o.getAsJsonObject("ood_tests").isEmpty())
            throw new Configs.BadConfig(file + ": key 'ood_tests' must be an object of name -> {\"file\", \"format\"} (at least one)");
        for (var e : o.getAsJsonObject("ood_tests").entrySet()) {
            if (e.getKey().equals("id")) throw new Configs.BadConfig(file + ": key 'ood_tests.id': the name id is the ID split's");
            ood.put(e.getKey(), source(o.getAsJsonObject("ood_tests"), e.getKey(), file, base, Datasets.EXAMPLE_FORMATS));
        }
        Datasets.Templates templates = o.has("templates")
                ? Configs.merge(Datasets.Templates.defaults(), obj(o, "templates", file), file.toString(), "templates.")
                : Datasets.Templates.defaults();
        List<String> judge = judge(o, file);
        double heldOut = o.has("held_out") ? number(o, "held_out", file) : 0.05;
        if (!(heldOut > 0 && heldOut < 0.5)) throw new Configs.BadConfig(file + ": key 'held_out' must be in (0, 0.5), got " + heldOut);
        int ppoPrompts = o.has("ppo_prompts") ? (int) number(o, "ppo_prompts", file) : 256;
        if (ppoPrompts < 1) throw new Configs.BadConfig(file + ": key 'ppo_prompts' must be >= 1");
        StudyConfig stages = new StudyConfig(task, o.has("seeds") ? (int) number(o, "seeds", file) : 1,
                o.has("seed") ? (long) number(o, "seed", file) : d.seed(), d.world(), d.pretrain(),
                o.has("sft") ? Configs.merge(d.sft(), obj(o, "sft", file), file.toString(), "sft.") : d.sft(),
                o.has("rm") ? Configs.merge(d.rm(), obj(o, "rm", file), file.toString(), "rm.") : d.rm(),
                o.has("ppo") ? Configs.merge(d.ppo(), obj(o, "ppo", file), file.toString(), "ppo.") : d.ppo(),
                o.has("eval") ? Configs.merge(d.eval(), obj(o, "eval", file), file.toString(), "eval.") : d.eval(),
                new JsonObject());  // one task: its settings are the config's sft, rm and ppo
        Path model = base.resolve(string(o, "base_model", file, null));
        if (!Files.isDirectory(model)) throw new Configs.BadConfig(file + ": key 'base_model': no such directory " + model);
        return new Spec(task, model, train, prefs, id, ood, templates, judge, heldOut, ppoPrompts,
                directory(o, "embedding_model", file, base), directory(o, "nli_model", file, base), stages);
    }

    private static Path directory(JsonObject o, String key, Path file, Path base) {
        if (!o.has(key)) return null;
        Path d = base.resolve(string(o, key, file, null));
        if (!Files.isDirectory(d)) throw new Configs.BadConfig(file + ": key '" + key + "': no such directory " + d);
        return d;
    }

    private static JsonObject obj(JsonObject o, String key, Path file) {
        if (!o.get(key).isJsonObject()) throw new Configs.BadConfig(file + ": key '" + key + "' must be an object");
        return o.getAsJsonObject(key);
    }

    private static String string(JsonObject o, String key, Path file, String fallback) {
        if (!o.has(key)) {
            if (fallback == null) throw new Configs.BadConfig(file + ": key '" + key + "' is missing");
            return fallback;
        }
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new Configs.BadConfig(file + ": key '" + key + "' must be a string");
        return e.getAsString();
    }

    private static double number(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new Configs.BadConfig(file + ": key '" + key + "' must be a number");
        return e.getAsDouble();
    }

    private static Source source(JsonObject o, String key, Path file, Path base, List<String> formats) {
        if (!o.has(key) || !o.get(key).isJsonObject())
            throw new Configs.BadConfig(file + ": key '" + key + "' must be {\"file\": ..., \"format\": one of " + formats + "}");
        JsonObject s = o.getAsJsonObject(key);
        String format = Datasets.format(string(s, "format", file, null));
        if (!formats.contains(format))
            throw new Configs.BadConfig(file + ": key '" + key + ".format' must be one of " + formats + ", got '" + format + "'");
        Path f = base.resolve(string(s, "file", file, null));
        if (!Files.exists(f)) throw new Configs.BadConfig(file + ": key '" + key + ".file': no such file " + f);
        return new Source(f, format);
    }

    /** null: the trained reward model judges; else the command to run. */
    private static List<String> judge(JsonObject o, Path file) {
        if (!o.has("judge")) return null;
        JsonObject j = obj(o, "judge", file);
        String kind = string(j, "kind", file, "reward_model");
        if (kind.equals("reward_model")) return null;
        if (!kind.equals("command")) throw new Configs.BadConfig(file + ": key 'judge.kind' must be reward_model or command, got '" + kind + "'");
        if (!j.has("command") || !j.get("command").isJsonArray() || j.getAsJsonArray("command").isEmpty())
            throw new Configs.BadConfig(file + ": key 'judge.command' must be a non-empty array of strings (the program and its arguments)");
        List<String> cmd = new ArrayList<>();
        for (JsonElement e : j.getAsJsonArray("command")) cmd.add(e.getAsString());
        return cmd;
    }

    /** The config as it was read, with every path absolute and the stage settings in force. */
    public static JsonObject describe(Spec spec) {
        StudyConfig c = spec.stages();
        JsonObject o = new JsonObject();
        o.addProperty("task", spec.task());
        o.addProperty("base_model", spec.baseModel().toString());
        o.add("train", source(spec.train()));
        o.add("preferences", source(spec.preferences()));
        o.add("id_test", source(spec.idTest()));
        JsonObject ood = new JsonObject();
        spec.oodTests().forEach((k, v) -> ood.add(k, source(v)));
        o.add("ood_tests", ood);
        o.add("templates", Configs.toJson(spec.templates()));
        JsonObject j = new JsonObject();
        j.addProperty("kind", spec.judgeCommand() == null ? "reward_model" : "command");
        if (spec.judgeCommand() != null) {
            JsonArray a = new JsonArray();
            spec.judgeCommand().forEach(a::add);
            j.add("command", a);
        }
        o.add("judge", j);
        if (spec.embeddingModel() != null) o.addProperty("embedding_model", spec.embeddingModel().toString());
        if (spec.nliModel() != null) o.addProperty("nli_model", spec.nliModel().toString());
        o.addProperty("held_out", spec.heldOut());
        o.addProperty("ppo_prompts", spec.ppoPrompts());
        o.addProperty("seeds", c.seeds());
        o.addProperty("seed", c.seed());
        for (String k : List.of("sft", "rm", "ppo", "eval")) o.add(k, Configs.toJson(c).get(k));
        return o;
    }

    private static JsonObject source(Source s) {
        JsonObject o = new JsonObject();
        o.addProperty("file", s.file().toString());
        o.addProperty("format", s.format());
        return o;
    }
}
