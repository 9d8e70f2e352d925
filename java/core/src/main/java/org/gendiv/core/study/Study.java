package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.JsonObject;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Flops;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.semantic.MiniLm;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.Pretrain;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Scoring;
import org.gendiv.core.train.Sft;
import org.gendiv.core.train.Stage;
import org.gendiv.core.train.Trainer;
import org.gendiv.core.world.World;
import org.gendiv.kernels.Kernels;

/**
 * `gendiv study`: the whole study of STUDY.md on the embedded worlds. Per seed: one base model
 * pretrained on both worlds' raw text; per task: SFT on demonstrations, the reward model on
 * simulated preferences, PPO against it, and Best-of-N; then every method is sampled K times per
 * input on the ID split and each OOD split, judged by the world, and measured for diversity.
 * Every stage lives in its own run directory, so a killed study resumes where it stopped.
 *
 * <p>On several ranks ({@link #distributed}) every training stage runs data-parallel on all of
 * them; rank 0 alone writes (the run directory must be shared) and evaluates, while the others
 * wait for it before the next task's stages.
 */
public final class Study {
    public static final List<String> METHODS = Methods.NAMES;

    private final StudyConfig c;
    private final Path out;
    private final Kernels kernels = Kernels.cpu();
    /** How the methods sample and score, and the worlds' data (both drawn from the config and seed). */
    final Methods methods;
    final WorldData data;
    /**
     * Seconds and model GFLOP per stage and evaluation (KEY_s, KEY_gflop), the total, and
     * LibTorch's 512^3 float32 matmul rate measured at the end (matmul_gflops) as the yardstick.
     */
    private final Map<String, Double> timings = new LinkedHashMap<>();
    private Group group = Group.single();
    /** How long the other ranks wait for rank 0's evaluation of a task before giving up on it. */
    static final java.time.Duration EVALUATION_WAIT = java.time.Duration.ofHours(24);
    static final int MATMUL_N = 512;
    static final double MATMUL_SECONDS = 1.0;

    /** Seconds per stage so far (stage runs add to it). */
    Map<String, Double> timings() {
        return timings;
    }

    public Study(StudyConfig c, Path out) {
        this.c = c;
        this.out = out;
        this.methods = new Methods(c.eval(), kernels);
        this.data = new WorldData(c, methods);
    }

    /** Trains every stage data-parallel on the group's ranks (default: alone). */
    public Study distributed(Group g) {
        group = g;
        return this;
    }

    /** The data the study trains on, as the JSONL files `gendiv train` reads ({@link WorldData#exportData}). */
    public void exportData(Path dir) throws IOException {
        data.exportData(dir);
    }

    /** Starts (or, with resume, continues) the study; returns results.json's content. */
    public JsonObject run(boolean resume) throws IOException {
        if (group.isMain()) begin(resume);
        group.barrier();  // config.json is there (or the study stopped) before any rank looks at the directory
        long t0 = System.nanoTime();
        List<JsonObject> perSeed = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int s = 0; s < c.seeds(); s++) {
            long seed = c.seed() + s;
            perSeed.add(runSeed(seed, samples));
        }
        if (!group.isMain()) return new JsonObject();  // rank 0 writes the results
        AtomicFiles.writeString(out.resolve("samples.jsonl"), String.join("\n", samples) + "\n");
        timings.put("total_s", (System.nanoTime() - t0) / 1e9);
        measureMatmulRate();
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
        if (resume) Configs.requireSame(cfg, Configs.toJson(c));
        Files.createDirectories(out);
        AtomicFiles.writeString(cfg, Configs.pretty(Configs.toJson(c)) + "\n");
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

    private void log(String msg) {
        if (group.isMain()) System.err.println("gendiv study: " + msg);
    }

    /** One seed: the base model, then each task's stages and evaluation. */
    JsonObject runSeed(long seed, List<String> samples) throws IOException {
        Path dir = out.resolve("seed-" + seed);
        Path base = pretrainBase(seed, dir);
        JsonObject tasks = new JsonObject();
        for (String task : c.tasks()) {
            World w = World.of(task);
            Path td = dir.resolve(task);
            Path sft = trainSft(w, seed, base, td);
            Path rm = trainRm(w, seed, sft, td);
            Path ppo = trainPpo(w, seed, sft, rm, td.resolve("ppo"), c.ppo());
            if (group.isMain()) tasks.add(task, evaluate(w, seed, sft, rm, ppo, task, samples));
            group.await("evaluated/" + seed + "/" + task, EVALUATION_WAIT);
        }
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.add("tasks", tasks);
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

    /** LibTorch's matmul rate on this machine, at the end of the run: the yardstick for the stages' FLOP rates (timings.matmul_gflops). */
    void measureMatmulRate() {
        timings.put("matmul_gflops", Flops.matmulRate(MATMUL_N, MATMUL_SECONDS));
    }

    /** Adds the seconds and the model FLOPs (GFLOP) since t0 and flops0 to the timings, under key_s and key_gflop. */
    void account(String key, long t0, long flops0) {
        timings.merge(key + "_s", (System.nanoTime() - t0) / 1e9, Double::sum);
        timings.merge(key + "_gflop", (Flops.total() - flops0) / 1e9, Double::sum);
    }

    Path pretrainBase(long seed, Path dir) throws IOException {
        Path tokFile = dir.resolve("tokenizer.json");
        return stage(dir.resolve("base"), c.pretrain(), c.pretrain().schedule(), () -> {
            List<String> corpus = data.corpus(seed);
            if (group.isMain() && !Files.exists(tokFile)) data.trainTokenizer(seed, corpus, tokFile);
            group.barrier();  // rank 0's tokenizer is written
            Tokenizer tok = Tokenizer.load(tokFile);
            log("seed " + seed + ": pretraining the base model on " + corpus.size() + " documents (vocabulary " + tok.vocabSize() + ")");
            torch.manual_seed(seed);
            return Pretrain.stage(c.pretrain(), tok, tokFile, corpus, List.of());
        });
    }

    Path trainSft(World w, long seed, Path base, Path td) throws IOException {
        return stage(td.resolve("sft"), c.sft(), c.sft().schedule(), () -> {
            List<Sft.Demo> all = data.demos(w, seed);
            var train = all.subList(0, c.world().sftExamples());
            var eval = all.subList(c.world().sftExamples(), all.size());
            log("seed " + seed + ", " + w.name() + ": SFT on " + train.size() + " demonstrations");
            return Sft.stage(c.sft(), ModelDir.policy(base), ModelDir.tokenizer(base), ModelDir.tokenizerFile(base), train, eval);
        });
    }

    /** The reward model's held-out pairs, with what the annotator knew (for the instrument checks), in its stage directory. */
    static Path heldOutPairs(Path rmStageDir) {
        return rmStageDir.resolve("heldout-pairs.jsonl");
    }

    Path trainRm(World w, long seed, Path sft, Path td) throws IOException {
        return stage(td.resolve("rm"), c.rm(), c.rm().schedule(), () -> {
            WorldData.RmData pairs = data.rmData(w, seed, sft);
            if (group.isMain()) Preferences.write(heldOutPairs(td.resolve("rm")), pairs.test());
            log("seed " + seed + ", " + w.name() + ": reward model on " + pairs.train().size() + " untied preference pairs ("
                    + c.world().rmSamples() + (c.world().rmCandidates().equals("policy") ? " SFT samples" : " demonstrations")
                    + " per prompt, all pairs" + (c.world().rmDemonstratorPrompts() > 0 ? "; and " + c.world().rmDemonstratorPrompts()
                    + " prompts of demonstrations" : "") + "); held out: " + pairs.validation().size() + " to choose the checkpoint by, "
                    + pairs.test().size() + " for the instrument check");
            if (pairs.train().size() < c.rm().batchSize())
                throw new Configs.BadConfig("the world gave " + pairs.train().size() + " untied preference pairs, fewer than rm.batch_size ("
                        + c.rm().batchSize() + "): raise world.rm_prompts or lower world.tie_threshold");
            torch.manual_seed(seed + 1);
            return new RewardTraining(c.rm(), ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.tokenizer(sft),
                    ModelDir.tokenizerFile(sft), Preferences.pairs(pairs.train()), Preferences.pairs(pairs.validation()));
        });
    }

    Path trainPpo(World w, long seed, Path sft, Path rm, Path dir, Ppo.Config pc) throws IOException {
        return stage(dir, pc, pc.schedule(), () -> {
            List<String> prompts = data.ppoPrompts(w, seed);
            log("seed " + seed + ", " + w.name() + ": PPO (beta " + pc.beta() + ") on " + prompts.size() + " prompts");
            torch.manual_seed(seed + 2);
            return new Ppo(pc, ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.rewardModel(rm),
                    ModelDir.tokenizer(sft), ModelDir.tokenizerFile(sft), prompts, kernels);
        });
    }

    /**
     * The diversity semantics of an evaluation: the world's exact ones, and all-MiniLM-L6-v2's
     * embedding diversity when the config asks for it.
     */
    Evaluation.Semantics semantics(World w, List<World.Example> inputs) throws IOException {
        return Evaluation.of(w, inputs, c.eval().embedding() ? MiniLm.shared() : null);
    }

    /** Every method on every split: the task's block of results.json; judged samples appended to samples. */
    JsonObject evaluate(World w, long seed, Path sftDir, Path rmDir, Path ppoDir, String task, List<String> samples)
            throws IOException {
        long t0 = System.nanoTime(), flops0 = Flops.total();
        Tokenizer tok = ModelDir.tokenizer(sftDir);
        Gpt sft = ModelDir.policy(sftDir), ppo = ModelDir.policy(ppoDir);
        RewardModel rm = ModelDir.rewardModel(rmDir);
        var e = c.eval();
        JsonObject splits = new JsonObject();
        Map<String, Evaluation.MethodResults> methods = new LinkedHashMap<>();
        for (String m : METHODS) methods.put(m, new Evaluation.MethodResults());
        Map<String, List<Evaluation.Judged>> onId = new LinkedHashMap<>();
        JsonObject splitChecks = new JsonObject();
        for (String split : w.splits()) {
            log("seed " + seed + ", " + task + ": evaluating on " + split + " (" + w.describe(split) + ")");
            splits.addProperty(split, w.describe(split));
            WorldData.Split s = data.split(w, seed, split);
            List<String> prompts = WorldData.prompts(s.inputs());
            Map<String, Evaluation.Outputs> outputs = this.methods.outputs(sft, ppo, rm, tok, prompts, seed, task, split);
            for (var o : outputs.entrySet()) {
                var judged = Evaluation.judge(w, s.inputs(), o.getValue(), s.referenceGold());
                methods.get(o.getKey()).add(split, o.getValue(), judged, semantics(w, s.inputs()), w.splits().indexOf(split),
                        e.bootstrap(), seed);
                for (var j : judged) samples.add(sampleLine(seed, task, o.getKey(), split, j).toString());
                if (split.equals("id")) onId.put(o.getKey(), judged);
                if (o.getKey().equals("sft"))
                    splitChecks.add(split, Instruments.split(w, split, s.inputs(), s.referenceGold(),
                            judged.stream().mapToDouble(Evaluation.Judged::win).average().orElse(Double.NaN), WorldData.rng(seed, task, split, "scripted")));
            }
            for (int i = 0; i < s.references().length; i++)
                samples.add(sampleLine(seed, task, "reference", split,
                        new Evaluation.Judged(i, 0, s.references()[i], s.referenceGold()[i], 0.5, Float.NaN, Double.NaN, "")).toString());
        }
        JsonObject block = new JsonObject();
        if (c.eval().embedding()) block.addProperty("embedding_model", MiniLm.NAME);
        block.add("instruments", Instruments.of(rewardModelCheck(rm, tok, rmDir, onId.get("sft")),
                Instruments.ppo(onId.get("sft"), onId.get("ppo")), splitChecks));
        block.add("splits", splits);
        block.add("methods", Evaluation.MethodResults.json(methods, e.bootstrap(), seed));
        block.add("effects", Effects.of(methods, e.bootstrap(), seed));
        block.add("training", training(sftDir, rmDir, ppoDir));
        account(task + "/eval", t0, flops0);
        return block;
    }

    /** The reward model's instrument check: its held-out pairs (written when it was trained) scored by it, and SFT's ID samples. */
    JsonObject rewardModelCheck(RewardModel rm, Tokenizer tok, Path rmDir, List<Evaluation.Judged> sftOnId) throws IOException {
        List<Preferences.Labelled> held = Preferences.read(heldOutPairs(rmDir.getParent()));  // rmDir is the stage's model/
        List<String> prompts = new ArrayList<>(), chosen = new ArrayList<>(), rejected = new ArrayList<>();
        for (var p : held) {
            prompts.add(p.pair().prompt());
            chosen.add(p.pair().chosen());
            rejected.add(p.pair().rejected());
        }
        return Instruments.rewardModel(held, Scoring.scores(rm, tok, prompts, chosen, c.eval().batch()),
                Scoring.scores(rm, tok, prompts, rejected, c.eval().batch()), sftOnId);
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

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
