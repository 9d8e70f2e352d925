package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Flops;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.PpoConfig;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;
import org.gendiv.core.train.Stage;
import org.gendiv.core.train.Trainer;
import org.gendiv.kernels.Kernels;

/**
 * `gendiv study`: the whole study on one source of data (the embedded worlds by default, or the
 * user's base model and data sets; {@link StudySource}). Per seed: the base model; per task: SFT
 * on demonstrations, the reward model on preference pairs, PPO against it, and Best-of-N; then
 * every method is sampled K times per input on the ID split and each OOD split, judged against
 * the input's reference, and measured for diversity. Every stage lives in its own run directory,
 * so a killed study resumes where it stopped.
 *
 * <p>On several ranks ({@link #distributed}) every training stage runs data-parallel on all of
 * them; rank 0 alone writes (the run directory must be shared) and evaluates, on all the
 * machine's cores ({@link BatchWorkers#onAllCores}), while the others wait for it before the next
 * task's stages.
 */
public final class Study {
    public static final List<String> METHODS = Methods.NAMES;

    private final StudyConfig c;
    private final Path out;
    private final Kernels kernels = Kernels.cpu();
    /** How the methods sample and score (drawn from the config and seed). */
    final Methods methods;
    /** Where the data come from. */
    final StudySource source;
    /**
     * Seconds and model GFLOP per stage and evaluation (KEY_s, KEY_gflop), the total, and
     * LibTorch's 512^3 float32 matmul rate measured at the end (matmul_gflops) as the yardstick.
     */
    private final Map<String, Double> timings = new LinkedHashMap<>();
    private Group group = Group.single();
    /** How long the other ranks wait for rank 0's evaluation of a task before giving up on it. */
    static final Duration EVALUATION_WAIT = Duration.ofHours(24);
    static final int MATMUL_N = 512;
    static final double MATMUL_SECONDS = 1.0;

    /** The study on the embedded worlds. */
    public Study(StudyConfig c, Path out) {
        this.c = c;
        this.out = out;
        this.methods = new Methods(c.eval(), kernels);
        this.source = new WorldSource(c, methods);
    }

    /** The study on the user's base model and data sets. */
    public Study(DataStudy.Spec spec, Path out) {
        this.c = spec.stages();
        this.out = out;
        this.methods = new Methods(c.eval(), kernels);
        this.source = new DataSource(spec);
    }

    /** Trains every stage data-parallel on the group's ranks (default: alone). */
    public Study distributed(Group g) {
        group = g;
        return this;
    }

    Group group() {
        return group;
    }

    /** The embedded worlds' data (for the commands that work on them alone). */
    WorldData worlds() {
        if (source instanceof WorldSource w) return w.data;
        throw new Configs.BadConfig("this works on the embedded worlds only, not on a study of real data");
    }

    /** The data the study trains on, as the JSONL files `gendiv train` reads ({@link WorldData#exportData}). */
    public void exportData(Path dir) throws IOException {
        worlds().exportData(dir);
    }

    /** Starts (or, with resume, continues) the study; returns results.json's content. */
    public JsonObject run(boolean resume) throws IOException {
        source.prepare();  // the source's files read and checked before the run directory is claimed
        if (group.isMain()) begin(resume);
        group.barrier();  // config.json is there (or the study stopped) before any rank looks at the directory
        long t0 = System.nanoTime();
        List<JsonObject> perSeed = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        JsonObject results = new JsonObject();
        for (int s = 0; s < c.seeds(); s++) {
            long seed = c.seed() + s;
            perSeed.add(runSeed(seed, samples));
            // each finished seed is written at once: a long --seeds N run stopped later keeps what it has
            if (group.isMain()) results = write(perSeed, samples, t0);
        }
        return results;  // rank 0 wrote the results; the other ranks return an empty object
    }

    /** results.json, report.md and samples.jsonl of the seeds done so far (report.md says how many of --seeds are). */
    private JsonObject write(List<JsonObject> perSeed, List<String> samples, long t0) throws IOException {
        AtomicFiles.writeString(out.resolve("samples.jsonl"), String.join("\n", samples) + "\n");
        timings.put("total_s", (System.nanoTime() - t0) / 1e9);
        timings.put("matmul_gflops", Flops.matmulRate(MATMUL_N, MATMUL_SECONDS));  // the yardstick of the stages' FLOP rates
        JsonObject results = Results.combine(c, perSeed, timings);
        Results.write(out.resolve("results.json"), results);
        Report.write(out, results);
        return results;
    }

    /** Claims the run directory and writes config.json (on resume, the stored settings must be the ones asked for). */
    void begin(boolean resume) throws IOException {
        Path cfg = out.resolve("config.json");
        if (Files.exists(cfg) && !resume)
            throw new Configs.BadConfig(out + ": already holds a study; pass --resume to continue it, or choose another --out");
        if (resume) Configs.requireSame(cfg, source.config());
        Files.createDirectories(out);
        AtomicFiles.writeString(cfg, Configs.pretty(source.config()) + "\n");
    }

    /** For sweeps: uses the directory as it is, writing config.json only when the study is new. */
    void join() throws IOException {
        if (Files.exists(out.resolve("config.json"))) return;
        if (Files.isDirectory(out))
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent())
                    throw new Configs.BadConfig(out + ": not empty and holds no study (config.json); give a study's directory"
                            + " or a new one");
            }
        begin(false);
    }

    void log(String msg) {
        if (group.isMain()) System.err.println("gendiv study: " + msg);
    }

    /** One seed: the base model, then each task's stages and evaluation. */
    JsonObject runSeed(long seed, List<String> samples) throws IOException {
        Map<String, Double> before = new LinkedHashMap<>(timings);
        long t0 = System.nanoTime();
        Path dir = out.resolve("seed-" + seed);
        Path base = baseModel(seed, dir);
        JsonObject tasks = new JsonObject();
        for (String task : source.tasks()) {
            Path td = dir.resolve(task);
            Path sft = trainSft(task, seed, base, td);
            Path rm = trainRm(task, seed, sft, td);
            Path ppo = trainPpo(task, seed, sft, rm, td.resolve("ppo"), c.forTask(task).ppo());
            if (group.isMain()) {  // alone: the other ranks wait, so their cores are rank 0's
                var block = group.size() > 1 ? BatchWorkers.onAllCores(() -> evaluate(task, seed, sft, rm, ppo, samples))
                        : evaluate(task, seed, sft, rm, ppo, samples);
                tasks.add(task, block);
            }
            group.await("evaluated/" + seed + "/" + task, EVALUATION_WAIT);
        }
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.add("tasks", tasks);
        JsonObject own = new JsonObject();  // this seed's share of the timings (results.json's timings sum the seeds)
        timings.forEach((k, v) -> {
            boolean stage = (k.endsWith("_s") || k.endsWith("_gflop")) && !k.equals("total_s");
            if (stage && !v.equals(before.get(k))) own.addProperty(k, Math.round((v - before.getOrDefault(k, 0.0)) * 10) / 10.0);
        });
        own.addProperty("total_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        o.add("timings", own);
        return o;
    }

    /** Makes a stage; may read model directories. */
    @FunctionalInterface
    interface StageMaker {
        Stage make() throws IOException;
    }

    /** Runs a stage in dir unless its model is already there (a resumed study skips finished stages). */
    Path stage(Path dir, Record config, Trainer.Schedule schedule, StageMaker make) throws IOException {
        RunDir run = new RunDir(dir);
        if (Files.exists(run.model().resolve("model.safetensors"))) {
            log("keeping the finished stage in " + dir);
            return run.model();
        }
        boolean resume = Files.exists(dir.resolve("checkpoint"));
        group.barrier();  // every rank has looked before rank 0 writes
        if (group.isMain()) run.begin(Configs.toJson(config), resume);
        long t0 = System.nanoTime(), flops0 = Flops.total();
        try (PointerScope scope = new PointerScope()) {
            Stage s = make.make();
            new Trainer(run, schedule).group(group).run(s, resume);
        }
        account(dir.getParent().getFileName() + "/" + dir.getFileName(), t0, flops0);
        return run.model();
    }

    /** Adds the seconds and the model FLOPs (GFLOP) since t0 and flops0 to the timings, under key_s and key_gflop. */
    void account(String key, long t0, long flops0) {
        timings.merge(key + "_s", (System.nanoTime() - t0) / 1e9, Double::sum);
        timings.merge(key + "_gflop", (Flops.total() - flops0) / 1e9, Double::sum);
    }

    Path baseModel(long seed, Path seedDir) throws IOException {
        return source.baseModel(this, seed, seedDir);
    }

    Path trainSft(String task, long seed, Path base, Path td) throws IOException {
        Sft.Config sc = c.forTask(task).sft();
        return stage(td.resolve("sft"), sc, sc.schedule(), () -> {
            StudySource.Demonstrations d = source.demonstrations(task, seed);
            log("seed " + seed + ", " + task + ": SFT on " + d.train().size() + " demonstrations");
            torch.manual_seed(seed);
            return Sft.stage(sc, ModelDir.policy(base), ModelDir.tokenizer(base), ModelDir.tokenizerFile(base), d.train(),
                    d.heldOut());
        });
    }

    Path trainRm(String task, long seed, Path sft, Path td) throws IOException {
        Path dir = td.resolve("rm");
        RewardTraining.Config rc = c.forTask(task).rm();
        return stage(dir, rc, rc.schedule(), () -> {
            StudySource.Pairs pairs = source.rewardModelPairs(task, seed, sft, dir, group.isMain());
            log("seed " + seed + ", " + task + ": reward model on " + pairs.describe());
            torch.manual_seed(seed + 1);
            return new RewardTraining(rc, ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.tokenizer(sft),
                    ModelDir.tokenizerFile(sft), pairs.train(), pairs.validation());
        });
    }

    Path trainPpo(String task, long seed, Path sft, Path rm, Path dir, PpoConfig pc) throws IOException {
        return stage(dir, pc, pc.schedule(), () -> {
            List<String> prompts = source.ppoPrompts(task, seed);
            log("seed " + seed + ", " + task + ": PPO (beta " + pc.beta() + ") on " + prompts.size() + " prompts");
            torch.manual_seed(seed + 2);
            return new Ppo(pc, ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.rewardModel(rm),
                    ModelDir.tokenizer(sft), ModelDir.tokenizerFile(sft), prompts, kernels);
        });
    }

    /**
     * Every method on every test split: the task's block of results.json; the judged outputs (and,
     * where the judge knows their gold, the references) appended to samples.
     */
    JsonObject evaluate(String task, long seed, Path sftDir, Path rmDir, Path ppoDir, List<String> samples) throws IOException {
        long t0 = System.nanoTime(), flops0 = Flops.total();
        Tokenizer tok = ModelDir.tokenizer(sftDir);
        Gpt sft = ModelDir.policy(sftDir), ppo = ModelDir.policy(ppoDir);
        RewardModel rm = ModelDir.rewardModel(rmDir);
        var e = c.eval();
        List<TestSplit> splits = source.testSplits(task, seed, rm, tok);
        JsonObject described = new JsonObject();
        Map<String, MethodResults> methods = new LinkedHashMap<>();
        for (String m : METHODS) methods.put(m, new MethodResults());
        Map<String, Map<String, List<Evaluation.Judged>>> judged = new LinkedHashMap<>();
        for (int shift = 0; shift < splits.size(); shift++) {
            TestSplit s = splits.get(shift);
            log("seed " + seed + ", " + task + ": evaluating on " + s.name() + " (" + s.description() + ")");
            described.addProperty(s.name(), s.description());
            for (var o : this.methods.outputs(sft, ppo, rm, tok, s.prompts(), seed, task, s.name()).entrySet()) {
                var j = Evaluation.judge(s.judge(), s.prompts(), s.references(), o.getValue());
                methods.get(o.getKey()).add(s.name(), o.getValue(), j, s.semantics(), shift, e.bootstrap(), seed);
                for (var x : j) samples.add(sampleLine(seed, task, o.getKey(), s.name(), x).toString());
                judged.computeIfAbsent(s.name(), x -> new LinkedHashMap<>()).put(o.getKey(), j);
            }
            if (s.referenceGold() != null)
                for (int i = 0; i < s.references().size(); i++)
                    samples.add(sampleLine(seed, task, "reference", s.name(), new Evaluation.Judged(i, 0, s.references().get(i),
                            s.referenceGold()[i], 0.5, Float.NaN, Double.NaN, "")).toString());
        }
        JsonObject block = source.head(task, seed, rmDir, rm, tok, splits, judged);
        block.add("splits", described);
        block.add("methods", MethodResults.json(methods, e.bootstrap(), seed));
        block.add("effects", Effects.of(methods, e.bootstrap(), seed));
        block.add("training", training(sftDir, rmDir, ppoDir));
        account(task + "/eval", t0, flops0);
        return block;
    }

    /** A line of samples.jsonl (gold where the world judges, NaN values left out). */
    static JsonObject sampleLine(long seed, String task, String method, String split, Evaluation.Judged j) {
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.addProperty("task", task);
        o.addProperty("method", method);
        o.addProperty("split", split);
        o.addProperty("input_id", split + "-" + j.input());
        o.addProperty("sample_index", j.sample());
        o.addProperty("text", j.text());
        if (Double.isFinite(j.gold())) o.addProperty("gold", Math.round(j.gold() * 1e4) / 1e4);
        if (!method.equals("reference")) {
            o.addProperty("win", j.win());
            if (Float.isFinite(j.rmScore())) o.addProperty("rm_score", j.rmScore());
            if (Double.isFinite(j.klToSft())) o.addProperty("kl_to_sft", j.klToSft());
        }
        return o;
    }

    /** Each stage's last logged metrics (held-out loss and accuracy, PPO's reward and KL). */
    static JsonObject training(Path sft, Path rm, Path ppo) throws IOException {
        JsonObject t = new JsonObject();
        t.add("sft", Results.lastMetrics(sft.getParent().resolve("metrics.jsonl"), "eval_loss", "loss"));
        t.add("rm", Results.lastMetrics(rm.getParent().resolve("metrics.jsonl"), "eval_accuracy", "accuracy"));
        t.add("ppo", Results.lastMetrics(ppo.getParent().resolve("metrics.jsonl"), "reward", "kl", "entropy", "response_length"));
        return t;
    }
}
