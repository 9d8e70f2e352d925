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
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.data.Datasets;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.judge.CommandJudge;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.judge.RewardModelJudge;
import org.gendiv.core.model.Flops;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.semantic.Embedder;
import org.gendiv.core.semantic.MiniLm;
import org.gendiv.core.semantic.NliModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;
import org.gendiv.diversity.JsonErrors;
import org.gendiv.kernels.Kernels;

/**
 * The study on a real base model and real data sets: `gendiv study --config real.json` with a
 * config that names a base_model. The same stages and measurements as the embedded study (SFT ->
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
                o.has("eval") ? Configs.merge(d.eval(), obj(o, "eval", file), file.toString(), "eval.") : d.eval());
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

    // ---- the run ------------------------------------------------------------------------------

    private final Spec spec;
    private final Path out;
    private final Study study;  // the embedded study's stage runner, sampler and scorer
    private final StudyConfig c;

    public DataStudy(Spec spec, Path out) {
        this.spec = spec;
        this.out = out;
        this.c = spec.stages();
        this.study = new Study(c, out);
    }

    private static void log(String msg) {
        System.err.println("gendiv study: " + msg);
    }

    public JsonObject run(boolean resume) throws IOException {
        Path cfg = out.resolve("config.json");
        if (Files.exists(cfg) && !resume)
            throw new Configs.BadConfig(out + ": already holds a study; pass --resume to continue it, or choose another --out");
        Files.createDirectories(out);
        AtomicFiles.writeString(cfg, Configs.pretty(describe(spec)) + "\n");
        long t0 = System.nanoTime();
        Data data = load();
        List<JsonObject> perSeed = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int s = 0; s < c.seeds(); s++) perSeed.add(runSeed(c.seed() + s, data, samples));
        AtomicFiles.writeString(out.resolve("samples.jsonl"), String.join("\n", samples) + "\n");
        study.timings().put("total_s", (System.nanoTime() - t0) / 1e9);
        study.measureMatmulRate();
        Map<String, Double> timings = study.timings();
        JsonObject results = Results.combine(c, perSeed, timings);
        Results.write(out.resolve("results.json"), results);
        Report.write(out, results);
        return results;
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

    /** Everything read from the files, checked before any training starts. */
    record Data(List<Sft.Demo> demos, List<Sft.Demo> demosEval, List<RewardTraining.Pair> pairs, List<RewardTraining.Pair> pairsEval,
            List<String> ppoPrompts, Map<String, List<Datasets.Example>> tests) {}

    Data load() throws IOException {
        var t = spec.templates();
        List<Datasets.Example> train = Datasets.examples(spec.train().file(), spec.train().format(), t);
        List<Sft.Demo> demos = new ArrayList<>();
        for (var e : train) demos.add(new Sft.Demo(e.prompt(), e.reference()));
        int heldDemos = Math.max(1, (int) Math.round(demos.size() * spec.heldOut()));
        List<RewardTraining.Pair> pairs = Datasets.pairs(spec.preferences().file(), spec.preferences().format(), t);
        int heldPairs = Math.max(1, (int) Math.round(pairs.size() * spec.heldOut()));
        if (demos.size() < 2 || pairs.size() < 2)
            throw new Configs.BadConfig("the study needs at least 2 demonstrations and 2 preference pairs (got " + demos.size()
                    + " in " + spec.train().file() + ", " + pairs.size() + " in " + spec.preferences().file() + ")");
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < Math.min(spec.ppoPrompts(), train.size()); i++) prompts.add(train.get(i).prompt());
        Map<String, List<Datasets.Example>> tests = new LinkedHashMap<>();
        tests.put("id", first(Datasets.examples(spec.idTest().file(), spec.idTest().format(), t)));
        for (var e : spec.oodTests().entrySet()) tests.put(e.getKey(), first(Datasets.examples(e.getValue().file(), e.getValue().format(), t)));
        return new Data(demos.subList(0, demos.size() - heldDemos), demos.subList(demos.size() - heldDemos, demos.size()),
                pairs.subList(0, pairs.size() - heldPairs), pairs.subList(pairs.size() - heldPairs, pairs.size()), prompts, tests);
    }

    private List<Datasets.Example> first(List<Datasets.Example> all) {
        return all.subList(0, Math.min(c.eval().inputs(), all.size()));
    }

    JsonObject runSeed(long seed, Data data, List<String> samples) throws IOException {
        Path td = out.resolve("seed-" + seed).resolve(spec.task());
        Path base = spec.baseModel();
        Path sft = study.stage(td.resolve("sft"), c.sft(), c.sft().schedule(), () -> {
            log("seed " + seed + ": SFT of " + base.getFileName() + " on " + data.demos().size() + " demonstrations");
            torch.manual_seed(seed);
            return Sft.stage(c.sft(), ModelDir.policy(base), ModelDir.tokenizer(base), ModelDir.tokenizerFile(base), data.demos(), data.demosEval());
        });
        Path rm = study.stage(td.resolve("rm"), c.rm(), c.rm().schedule(), () -> {
            log("seed " + seed + ": reward model on " + data.pairs().size() + " preference pairs");
            torch.manual_seed(seed + 1);
            return new RewardTraining(c.rm(), ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.tokenizer(sft),
                    ModelDir.tokenizerFile(sft), data.pairs(), data.pairsEval());
        });
        Path ppo = study.stage(td.resolve("ppo"), c.ppo(), c.ppo().schedule(), () -> {
            log("seed " + seed + ": PPO (beta " + c.ppo().beta() + ") on " + data.ppoPrompts().size() + " prompts");
            torch.manual_seed(seed + 2);
            return new Ppo(c.ppo(), ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.rewardModel(rm),
                    ModelDir.tokenizer(sft), ModelDir.tokenizerFile(sft), data.ppoPrompts(), Kernels.cpu());
        });
        JsonObject tasks = new JsonObject();
        tasks.add(spec.task(), evaluate(seed, data, sft, rm, ppo, samples));
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.add("tasks", tasks);
        return o;
    }

    JsonObject evaluate(long seed, Data data, Path sftDir, Path rmDir, Path ppoDir, List<String> samples) throws IOException {
        long t0 = System.nanoTime(), flops0 = Flops.total();
        Tokenizer tok = ModelDir.tokenizer(sftDir);
        Gpt sft = ModelDir.policy(sftDir), ppo = ModelDir.policy(ppoDir);
        RewardModel rm = ModelDir.rewardModel(rmDir);
        var e = c.eval();
        Judge judge = spec.judgeCommand() == null ? new RewardModelJudge(rm, tok, e.batch()) : new CommandJudge(spec.judgeCommand());
        Evaluation.Semantics semantics = semantics(e.batch());
        JsonObject splits = new JsonObject();
        Map<String, Evaluation.MethodResults> methods = new LinkedHashMap<>();
        for (String m : Study.METHODS) methods.put(m, new Evaluation.MethodResults());
        int shift = 0;  // the OOD tests in the config's order: shift 1, 2, ...
        for (var test : data.tests().entrySet()) {
            String split = test.getKey();
            Source src = split.equals("id") ? spec.idTest() : spec.oodTests().get(split);
            splits.addProperty(split, src.format() + " (" + src.file().getFileName() + ", " + test.getValue().size() + " inputs)");
            log("seed " + seed + ": evaluating on " + split + " (" + test.getValue().size() + " inputs)");
            List<String> prompts = test.getValue().stream().map(Datasets.Example::prompt).toList();
            for (var o : study.methods.outputs(sft, ppo, rm, tok, prompts, seed, spec.task(), split).entrySet()) {
                List<Evaluation.Judged> judged = judge(judge, test.getValue(), o.getValue());
                methods.get(o.getKey()).add(split, o.getValue(), judged, semantics, shift, e.bootstrap(), seed);
                for (var j : judged) samples.add(Study.sampleLine(seed, spec.task(), o.getKey(), split, j).toString());
            }
            shift++;
        }
        JsonObject block = new JsonObject();
        block.addProperty("judge", judge.describe());
        if (spec.embeddingModel() != null || c.eval().embedding())
            block.addProperty("embedding_model", spec.embeddingModel() != null ? spec.embeddingModel().toString() : MiniLm.NAME);
        block.add("splits", splits);
        block.add("methods", Evaluation.MethodResults.json(methods, e.bootstrap(), seed));
        block.add("effects", Effects.of(methods, e.bootstrap(), seed));
        block.add("training", Study.training(sftDir, rmDir, ppoDir));
        study.account(spec.task() + "/eval", t0, flops0);
        return block;
    }

    /**
     * Model-backed semantic diversity: embedding diversity (per input and across inputs) from the
     * sentence-transformers model the config names, else from the built-in all-MiniLM-L6-v2
     * (unless eval.embedding is false); NLI diversity from the MNLI classifier it names (per input).
     */
    private Embedder embedder(int batch) throws IOException {
        return spec.embeddingModel() != null || c.eval().embedding() ? Embedder.open(spec.embeddingModel(), batch) : null;
    }

    private Evaluation.Semantics semantics(int batch) throws IOException {
        Embedder embedder = embedder(batch);
        NliModel nli = spec.nliModel() == null ? null : new NliModel(spec.nliModel());
        if (embedder == null && nli == null) return Evaluation.Semantics.NONE;
        return new Evaluation.Semantics() {
            public Map<String, Double> perInput(int input, List<String> set, String[] meanings) {
                Map<String, Double> m = new LinkedHashMap<>();
                if (embedder != null) m.put("embedding", embedder.diversity(set));
                if (nli != null) m.put("nli", nli.diversity(set, batch));
                return m;
            }

            public Map<String, Double> across(List<String> firsts, String[] meanings) {
                return embedder == null ? Map.of() : Map.of("embedding", embedder.diversity(firsts));
            }
        };
    }

    /** Every output against its input's reference, in one call to the judge. */
    static List<Evaluation.Judged> judge(Judge judge, List<Datasets.Example> inputs, Evaluation.Outputs o) throws IOException {
        List<Judge.Comparison> cs = new ArrayList<>();
        for (int i = 0; i < o.texts().length; i++)
            for (String text : o.texts()[i]) cs.add(new Judge.Comparison(inputs.get(i).prompt(), text, inputs.get(i).reference()));
        double[] p = judge.preferences(cs);
        List<Evaluation.Judged> out = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < o.texts().length; i++)
            for (int k = 0; k < o.texts()[i].length; k++, at++)
                out.add(new Evaluation.Judged(i, k, o.texts()[i][k], Double.NaN, p[at], o.rmScores()[i][k], o.kl(i, k), ""));
        return out;
    }
}
