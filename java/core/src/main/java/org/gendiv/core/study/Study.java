package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import com.google.gson.JsonObject;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.Progress;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Flops;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.semantic.MiniLm;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.BestOfN;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.Pretrain;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Rollouts;
import org.gendiv.core.train.Scoring;
import org.gendiv.core.train.Sft;
import org.gendiv.core.train.Stage;
import org.gendiv.core.train.Trainer;
import org.gendiv.core.world.World;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * `gendiv study`: the whole study of STUDY.md on the embedded worlds. Per seed: one base model
 * pretrained on both worlds' raw text; per task: SFT on demonstrations, the reward model on
 * simulated preferences, PPO against it, and Best-of-N; then every method is sampled K times per
 * input on the ID split and each OOD split, judged by the world, and measured for diversity.
 * Every stage lives in its own run directory, so a killed study resumes where it stopped.
 */
public final class Study {
    public static final List<String> METHODS = List.of("sft", "bon", "ppo");

    private final StudyConfig c;
    private final Path out;
    private final Kernels kernels = Kernels.cpu();
    /**
     * Seconds and model GFLOP per stage and evaluation (KEY_s, KEY_gflop), the total, and
     * LibTorch's 512^3 float32 matmul rate measured at the start (matmul_gflops) as the yardstick.
     */
    private final Map<String, Double> timings = new LinkedHashMap<>();
    static final int MATMUL_N = 512;
    static final double MATMUL_SECONDS = 1.0;

    /** Seconds per stage so far (stage runs add to it). */
    Map<String, Double> timings() {
        return timings;
    }

    public Study(StudyConfig c, Path out) {
        this.c = c;
        this.out = out;
    }

    /** Starts (or, with resume, continues) the study; returns results.json's content. */
    public JsonObject run(boolean resume) throws IOException {
        begin(resume);
        measureMatmulRate();
        long t0 = System.nanoTime();
        List<JsonObject> perSeed = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        for (int s = 0; s < c.seeds(); s++) {
            long seed = c.seed() + s;
            perSeed.add(runSeed(seed, samples));
        }
        AtomicFiles.writeString(out.resolve("samples.jsonl"), String.join("\n", samples) + "\n");
        timings.put("total_s", (System.nanoTime() - t0) / 1e9);
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

    private static void log(String msg) {
        System.err.println("gendiv study: " + msg);
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
            tasks.add(task, evaluate(w, seed, sft, rm, ppo, task, samples));
        }
        JsonObject o = new JsonObject();
        o.addProperty("seed", seed);
        o.add("tasks", tasks);
        return o;
    }

    static SplittableRandom rng(long seed, String... purpose) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (String p : purpose) h = h * 31 + p.hashCode();
        return new SplittableRandom(h);
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
        run.begin(Configs.toJson(config), resume);
        long t0 = System.nanoTime(), flops0 = Flops.total();
        try (PointerScope scope = new PointerScope()) {
            Stage s = make.make();
            new Trainer(run, schedule).run(s, resume);
        }
        account(dir.getParent().getFileName() + "/" + dir.getFileName(), t0, flops0);
        return run.model();
    }

    /** LibTorch's matmul rate on this machine now, the yardstick for the stages' FLOP rates (timings.matmul_gflops). */
    void measureMatmulRate() {
        timings.put("matmul_gflops", Flops.matmulRate(MATMUL_N, MATMUL_SECONDS));
    }

    /** Adds the seconds and the model FLOPs (GFLOP) since t0 and flops0 to the timings, under key_s and key_gflop. */
    void account(String key, long t0, long flops0) {
        timings.merge(key + "_s", (System.nanoTime() - t0) / 1e9, Double::sum);
        timings.merge(key + "_gflop", (Flops.total() - flops0) / 1e9, Double::sum);
    }

    /**
     * The data the study trains on, as the JSONL files `gendiv train` reads: corpus.jsonl (text)
     * and its tokenizer.json,
     * and per task sft.jsonl / sft-eval.jsonl (prompt, response), prefs.jsonl / prefs-eval.jsonl
     * (prompt, chosen, rejected), prompts.jsonl (prompt).
     */
    public void exportData(Path dir) throws IOException {
        long seed = c.seed();
        List<JsonObject> rows = new ArrayList<>();
        List<String> corpus = corpus(seed);
        for (String t : corpus) rows.add(obj("text", t));
        trainTokenizer(seed, corpus, dir.resolve("tokenizer.json"));
        Jsonl.write(dir.resolve("corpus.jsonl"), rows);
        for (String task : c.tasks()) {
            World w = World.of(task);
            Path td = dir.resolve(task);
            List<Sft.Demo> demos = demos(w, seed);
            List<JsonObject> train = new ArrayList<>(), eval = new ArrayList<>();
            for (int i = 0; i < demos.size(); i++)
                (i < c.world().sftExamples() ? train : eval).add(obj("prompt", demos.get(i).prompt(), "response", demos.get(i).response()));
            Jsonl.write(td.resolve("sft.jsonl"), train);
            Jsonl.write(td.resolve("sft-eval.jsonl"), eval);
            RmData prefs = rmData(w, seed, null);
            Preferences.write(td.resolve("prefs.jsonl"), prefs.train());
            Preferences.write(td.resolve("prefs-eval.jsonl"), prefs.eval());
            rows = new ArrayList<>();
            for (String p : ppoPrompts(w, seed)) rows.add(obj("prompt", p));
            Jsonl.write(td.resolve("prompts.jsonl"), rows);
            Jsonl.write(td.resolve("eval.jsonl"), evalInputs(w));
        }
    }

    /** The evaluation inputs of every split and seed, with their references: what gendiv evaluate judges outputs for. */
    List<JsonObject> evalInputs(World w) {
        List<JsonObject> rows = new ArrayList<>();
        for (int k = 0; k < c.seeds(); k++) {
            long seed = c.seed() + k;
            for (String split : w.splits()) {
                Split s = split(w, seed, split);
                for (int i = 0; i < s.inputs().size(); i++) {
                    JsonObject o = obj("task", w.name(), "split", split, "input_id", split + "-" + i, "prompt", s.inputs().get(i).prompt(),
                            "reference", s.references()[i]);
                    o.addProperty("seed", seed);
                    o.addProperty("shift", w.splits().indexOf(split));
                    rows.add(o);
                }
            }
        }
        return rows;
    }

    /** The word-level tokenizer of the corpus; every word the worlds can write gets a token, even rare ones. */
    void trainTokenizer(long seed, List<String> corpus, Path file) throws IOException {
        List<String> texts = new ArrayList<>(corpus);
        for (String name : List.of("summarisation", "instructions"))
            texts.addAll(World.of(name).vocabularyTexts(rng(seed, "vocabulary", name), 2000));
        WordTokenizer.train(texts, c.pretrain().vocabSize(), 1).save(file);
    }

    private static JsonObject obj(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.addProperty(kv[i], kv[i + 1]);
        return o;
    }

    Path pretrainBase(long seed, Path dir) throws IOException {
        Path tokFile = dir.resolve("tokenizer.json");
        return stage(dir.resolve("base"), c.pretrain(), c.pretrain().schedule(), () -> {
            List<String> corpus = corpus(seed);
            if (!Files.exists(tokFile)) trainTokenizer(seed, corpus, tokFile);
            Tokenizer tok = Tokenizer.load(tokFile);
            log("seed " + seed + ": pretraining the base model on " + corpus.size() + " documents (vocabulary " + tok.vocabSize() + ")");
            torch.manual_seed(seed);
            return Pretrain.stage(c.pretrain(), tok, tokFile, corpus, List.of());
        });
    }

    /** Demonstrations on the ID split: the first sftExamples train, the rest are held out. */
    List<Sft.Demo> demos(World w, long seed) {
        SplittableRandom rng = rng(seed, w.name(), "sft");
        List<Sft.Demo> out = new ArrayList<>();
        for (int i = 0; i < c.world().sftExamples() + c.world().sftEval(); i++) {
            World.Example e = w.example("id", rng);
            out.add(new Sft.Demo(e.prompt(), w.demonstrate(e, c.world().demoError(), rng)));
        }
        return out;
    }

    Path trainSft(World w, long seed, Path base, Path td) throws IOException {
        return stage(td.resolve("sft"), c.sft(), c.sft().schedule(), () -> {
            List<Sft.Demo> all = demos(w, seed);
            var train = all.subList(0, c.world().sftExamples());
            var eval = all.subList(c.world().sftExamples(), all.size());
            log("seed " + seed + ", " + w.name() + ": SFT on " + train.size() + " demonstrations");
            return Sft.stage(c.sft(), ModelDir.policy(base), ModelDir.tokenizer(base), ModelDir.tokenizerFile(base), train, eval);
        });
    }

    /** The reward model's labelled pairs: from the first rm_prompts prompts to train on, from the next rm_eval_prompts held out. */
    record RmData(List<Preferences.Labelled> train, List<Preferences.Labelled> eval) {}

    /**
     * rm_samples candidates per prompt, all their untied pairs labelled by the annotator: samples of
     * the SFT policy in sftDir (rm_candidates "policy"), or demonstrations erring at
     * candidate_error when sftDir is null or rm_candidates is "demonstrator". Held-out pairs come
     * from prompts of their own, so no held-out prompt is trained on.
     */
    RmData rmData(World w, long seed, Path sftDir) throws IOException {
        var wd = c.world();
        SplittableRandom rng = rng(seed, w.name(), "rm");
        List<World.Example> inputs = new ArrayList<>();
        for (int i = 0; i < wd.rmPrompts() + wd.rmEvalPrompts(); i++) inputs.add(w.example("id", rng));
        String[][] candidates;
        if (sftDir != null && wd.rmCandidates().equals("policy"))
            candidates = sample(ModelDir.policy(sftDir), ModelDir.tokenizer(sftDir), prompts(inputs), wd.rmSamples(), 1.0f,
                    seed * 4001 + 17);
        else {
            candidates = new String[inputs.size()][wd.rmSamples()];
            for (int i = 0; i < inputs.size(); i++)
                for (int j = 0; j < wd.rmSamples(); j++) candidates[i][j] = w.demonstrate(inputs.get(i), wd.candidateError(), rng);
        }
        var annotator = Preferences.Annotator.of(wd);
        int n = wd.rmPrompts();
        return new RmData(
                Preferences.label(w, inputs.subList(0, n), Arrays.copyOfRange(candidates, 0, n), annotator, rng),
                Preferences.label(w, inputs.subList(n, inputs.size()), Arrays.copyOfRange(candidates, n, inputs.size()),
                        annotator, rng));
    }

    /** The reward model's held-out pairs, with what the annotator knew (for the instrument checks), in its stage directory. */
    static Path heldOutPairs(Path rmStageDir) {
        return rmStageDir.resolve("heldout-pairs.jsonl");
    }

    Path trainRm(World w, long seed, Path sft, Path td) throws IOException {
        return stage(td.resolve("rm"), c.rm(), c.rm().schedule(), () -> {
            RmData data = rmData(w, seed, sft);
            Preferences.write(heldOutPairs(td.resolve("rm")), data.eval());
            log("seed " + seed + ", " + w.name() + ": reward model on " + data.train().size() + " untied preference pairs ("
                    + c.world().rmSamples() + (c.world().rmCandidates().equals("policy") ? " SFT samples" : " demonstrations")
                    + " per prompt, all pairs), " + data.eval().size() + " held out");
            if (data.train().size() < c.rm().batchSize())
                throw new Configs.BadConfig("the world gave " + data.train().size() + " untied preference pairs, fewer than rm.batch_size ("
                        + c.rm().batchSize() + "): raise world.rm_prompts or lower world.tie_threshold");
            torch.manual_seed(seed + 1);
            return new RewardTraining(c.rm(), ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.tokenizer(sft),
                    ModelDir.tokenizerFile(sft), Preferences.pairs(data.train()), Preferences.pairs(data.eval()));
        });
    }

    List<String> ppoPrompts(World w, long seed) {
        SplittableRandom rng = rng(seed, w.name(), "ppo");
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < c.world().ppoPrompts(); i++) prompts.add(w.example("id", rng).prompt());
        return prompts;
    }

    List<String> corpus(long seed) {
        List<String> corpus = new ArrayList<>();
        SplittableRandom rng = rng(seed, "corpus");
        List<World> worlds = List.of(World.of("summarisation"), World.of("instructions"));
        for (int i = 0; i < c.world().corpusDocs(); i++) corpus.add(worlds.get(i % 2).document(rng));
        return corpus;
    }

    Path trainPpo(World w, long seed, Path sft, Path rm, Path dir, Ppo.Config pc) throws IOException {
        return stage(dir, pc, pc.schedule(), () -> {
            List<String> prompts = ppoPrompts(w, seed);
            log("seed " + seed + ", " + w.name() + ": PPO (beta " + pc.beta() + ") on " + prompts.size() + " prompts");
            torch.manual_seed(seed + 2);
            return new Ppo(pc, ModelDir.policy(sft), ModelDir.policy(sft), ModelDir.rewardModel(rm),
                    ModelDir.tokenizer(sft), ModelDir.tokenizerFile(sft), prompts, kernels);
        });
    }

    /** The evaluation inputs of a split, their references (the demonstrators' outputs) and the references' gold quality. */
    record Split(List<World.Example> inputs, String[] references, double[] referenceGold) {}

    Split split(World w, long seed, String split) {
        SplittableRandom rng = rng(seed, w.name(), "eval", split);
        List<World.Example> inputs = new ArrayList<>();
        String[] refs = new String[c.eval().inputs()];
        double[] gold = new double[refs.length];
        for (int i = 0; i < refs.length; i++) {
            World.Example e = w.example(split, rng);
            inputs.add(e);
            refs[i] = w.demonstrate(e, c.world().referenceError(), rng);
            gold[i] = w.judge(e, refs[i]).quality();
        }
        return new Split(inputs, refs, gold);
    }

    /** k samples per input at a temperature: texts[input][k], and the rollouts they decode (input-major). */
    record Samples(String[][] texts, List<Rollouts.Rollout> rollouts) {}

    Samples draw(Gpt model, Tokenizer tok, List<String> inputs, int k, float temperature, long seed) {
        List<String> prompts = new ArrayList<>();
        for (String p : inputs) for (int j = 0; j < k; j++) prompts.add(p);
        var bar = new Progress("sample", prompts.size());
        var rollouts = Rollouts.generate(model, kernels, tok, prompts, Params.Sampling.of(temperature, seed), c.eval().batch(),
                c.eval().maxNewTokens(), done -> bar.update(done, 0, k + " per input"));
        String[] flat = Rollouts.texts(tok, rollouts);
        String[][] out = new String[inputs.size()][k];
        for (int i = 0; i < flat.length; i++) out[i / k][i % k] = flat[i];
        return new Samples(out, rollouts);
    }

    /** texts[input][k]: k samples per input at a temperature. */
    String[][] sample(Gpt model, Tokenizer tok, List<String> inputs, int k, float temperature, long seed) {
        return draw(model, tok, inputs, k, temperature, seed).texts();
    }

    /**
     * Each sample's KL to the SFT policy, log pi(y) - log pi_sft(y) over its tokens at the
     * sampling temperature (the sampler's own log-probs against SFT's teacher-forced ones): its
     * mean over samples estimates KL(pi || pi_sft) per response.
     */
    double[][] klToSft(Gpt sft, Samples s, float temperature) {
        int k = s.texts()[0].length;
        double[] ref = Scoring.responseLogprobs(sft, kernels, s.rollouts(), temperature, c.eval().batch());
        double[][] kl = new double[s.texts().length][k];
        for (int i = 0; i < ref.length; i++) {
            double own = 0;
            for (float lp : s.rollouts().get(i).logprobs()) own += lp;
            kl[i / k][i % k] = own - ref[i];
        }
        return kl;
    }

    /** KL(BoN || base) of best-of-N: log N - (N - 1) / N (Stiennon et al. 2020; exact without ties), the same for every sample. */
    static double[][] bestOfNKl(int inputs, int k, int n) {
        double[][] kl = new double[inputs][k];
        for (double[] row : kl) Arrays.fill(row, Math.log(n) - (n - 1.0) / n);
        return kl;
    }

    float[][] score(RewardModel rm, Tokenizer tok, List<String> prompts, String[][] texts) {
        List<String> ps = new ArrayList<>(), ts = new ArrayList<>();
        for (int i = 0; i < texts.length; i++)
            for (String t : texts[i]) {
                ps.add(prompts.get(i));
                ts.add(t);
            }
        float[] flat = Scoring.scores(rm, tok, ps, ts, c.eval().batch());
        float[][] out = new float[texts.length][];
        for (int i = 0, at = 0; i < texts.length; at += texts[i].length, i++) out[i] = Arrays.copyOfRange(flat, at, at + texts[i].length);
        return out;
    }

    /**
     * Best-of-N from K * N samples per input: output j is the RM's best of samples [j N, (j + 1) N),
     * so the K outputs come from K disjoint groups of fresh samples and are as independent as
     * the SFT policy's own.
     */
    static Evaluation.Outputs bestOfN(String[][] pool, float[][] poolScores, int k, int n) {
        String[][] texts = new String[pool.length][k];
        float[][] scores = new float[pool.length][k];
        for (int i = 0; i < pool.length; i++) {
            if (pool[i].length != k * n) throw new IllegalArgumentException("input " + i + " has " + pool[i].length
                    + " samples for Best-of-N, not K * N = " + k * n);
            for (int j = 0; j < k; j++) {
                int best = BestOfN.best(poolScores[i], j * n, n);
                texts[i][j] = pool[i][best];
                scores[i][j] = poolScores[i][best];
            }
        }
        return new Evaluation.Outputs(texts, scores);
    }

    /** SFT's outputs from the pool of K groups of n: each group's first sample, an independent SFT sample each (KL 0). */
    static Evaluation.Outputs firstOfGroups(String[][] pool, float[][] scores, int n) {
        String[][] texts = new String[pool.length][];
        float[][] rm = new float[pool.length][];
        double[][] kl = new double[pool.length][];
        for (int i = 0; i < pool.length; i++) {
            int k = pool[i].length / n;
            texts[i] = new String[k];
            rm[i] = new float[k];
            kl[i] = new double[k];
            for (int j = 0; j < k; j++) {
                texts[i][j] = pool[i][j * n];
                rm[i][j] = scores[i][j * n];
            }
        }
        return new Evaluation.Outputs(texts, rm, kl);
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
            Split s = split(w, seed, split);
            List<String> prompts = prompts(s.inputs());
            Map<String, Evaluation.Outputs> outputs = outputs(sft, ppo, rm, tok, prompts, seed, task, split);
            for (var o : outputs.entrySet()) {
                var judged = Evaluation.judge(w, s.inputs(), o.getValue(), s.referenceGold());
                methods.get(o.getKey()).add(split, o.getValue(), judged, semantics(w, s.inputs()), w.splits().indexOf(split),
                        e.bootstrap(), seed);
                for (var j : judged) samples.add(sampleLine(seed, task, o.getKey(), split, j).toString());
                if (split.equals("id")) onId.put(o.getKey(), judged);
                if (o.getKey().equals("sft"))
                    splitChecks.add(split, Instruments.split(w, split, s.inputs(), s.referenceGold(),
                            judged.stream().mapToDouble(Evaluation.Judged::win).average().orElse(Double.NaN), rng(seed, task, split, "scripted")));
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

    /**
     * Every method's K outputs per prompt on a split, with their RM scores: K * N SFT samples per
     * prompt in K groups of N; SFT's outputs are each group's first sample, BoN's each group's
     * best; and K PPO samples.
     */
    Map<String, Evaluation.Outputs> outputs(Gpt sft, Gpt ppo, RewardModel rm, Tokenizer tok, List<String> prompts, long seed,
            String task, String split) {
        var e = c.eval();
        String[][] pool = sample(sft, tok, prompts, e.samples() * e.bonN(), e.temperature(), seed * 1009 + split.hashCode());
        float[][] poolScores = score(rm, tok, prompts, pool);
        Map<String, Evaluation.Outputs> outputs = new LinkedHashMap<>();
        outputs.put("sft", firstOfGroups(pool, poolScores, e.bonN()));
        Evaluation.Outputs bon = bestOfN(pool, poolScores, e.samples(), e.bonN());
        outputs.put("bon", new Evaluation.Outputs(bon.texts(), bon.rmScores(), bestOfNKl(pool.length, e.samples(), e.bonN())));
        Samples ppoSamples = draw(ppo, tok, prompts, e.samples(), e.temperature(), seed * 2003 + split.hashCode());
        String[][] ppoTexts = ppoSamples.texts();
        outputs.put("ppo", new Evaluation.Outputs(ppoTexts, score(rm, tok, prompts, ppoTexts), klToSft(sft, ppoSamples, e.temperature())));
        return outputs;
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

    static List<String> prompts(List<World.Example> inputs) {
        return inputs.stream().map(World.Example::prompt).toList();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
