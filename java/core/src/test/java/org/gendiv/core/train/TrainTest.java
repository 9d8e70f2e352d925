package org.gendiv.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.model.Tensors;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stage moves its objective on {@link TinyTask}; resumes are bit-exact; bad configs stop early. */
class TrainTest {
    @TempDir
    static Path dir;
    static TinyTask task;
    static Path sftDir, rmDir;
    static double sftFirstLoss, sftEvalLoss, rmAccuracy;

    static Sft.Config sftConfig(int steps, int checkpointEvery) {
        return new Sft.Config(null, null, null, OptimConfig.of(3e-3).withWarmup(5), steps, 16,
                TinyTask.schedule(checkpointEvery));
    }

    @BeforeAll
    static void trainSftAndRewardModel() throws IOException {
        task = new TinyTask(dir);
        Gpt base = task.freshModel(1);
        RunDir sftRun = new RunDir(dir.resolve("sft"));
        sftRun.begin(Configs.toJson(sftConfig(120, 0)), false);
        Stage sft = Sft.stage(sftConfig(120, 0), base, task.tok, task.tokFile, TinyTask.demos(256, 2), TinyTask.demos(64, 3));
        sftFirstLoss = sft.evaluate().get("loss");
        sftEvalLoss = new Trainer(sftRun, TinyTask.schedule(0)).quiet(true).run(sft, false).get("loss");
        sftDir = sftRun.model();

        var rmConfig = new RewardTraining.Config(null, null, null, OptimConfig.of(1e-3).withWarmup(5), 150, 16, 64, true,
                "mean", 0.0, 0, false, TinyTask.schedule(0));
        RunDir rmRun = new RunDir(dir.resolve("rm"));
        rmRun.begin(Configs.toJson(rmConfig), false);
        var rm = new RewardTraining(rmConfig, ModelDir.policy(sftDir), ModelDir.policy(sftDir), task.tok, task.tokFile,
                TinyTask.pairs(400, 4), TinyTask.pairs(100, 5));
        rmAccuracy = new Trainer(rmRun, TinyTask.schedule(0)).quiet(true).run(rm, false).get("accuracy");
        rmDir = rmRun.model();
    }

    @Test
    void sftLossFalls() {
        // Three uniform words then EOS: the best possible loss is 3 ln 4 / 4 = 1.04 nats per token.
        assertTrue(sftEvalLoss < 0.5 * sftFirstLoss && sftEvalLoss < 1.3, sftFirstLoss + " -> " + sftEvalLoss);
    }

    @Test
    void rewardModelBeatsChance() {
        assertTrue(rmAccuracy > 0.8, "held-out accuracy " + rmAccuracy);
    }

    /** Fresh SFT samples (not the 64 the scale was set on) score mean about 0 and standard deviation about 1. */
    @Test
    void rewardModelNormalisedToTheSftPolicy() throws IOException {
        RewardModel rm = ModelDir.rewardModel(rmDir);
        Gpt sft = ModelDir.policy(sftDir);
        var rollouts = Rollouts.generate(sft, Kernels.cpu(), task.tok, TinyTask.prompts(256, 9), Params.Sampling.of(1f, 3), 32);
        float[] s = Scoring.rolloutScores(rm, task.tok, rollouts, 64);
        double mean = 0, ss = 0;
        for (float v : s) mean += v / s.length;
        for (float v : s) ss += (v - mean) * (v - mean) / (s.length - 1);
        assertTrue(Math.abs(mean) < 0.3, "mean score of fresh SFT samples " + mean);
        assertTrue(Math.sqrt(ss) > 0.75 && Math.sqrt(ss) < 1.33, "std of fresh SFT samples' scores " + Math.sqrt(ss));
    }

    /** keep_best exports the evaluation with the best held-out accuracy, not the last step's weights. */
    @Test
    void rewardModelKeepsItsBestEvaluation() throws IOException {
        long seed = 4;  // a head whose best evaluation has a near-tie pair (the tolerance below)
        org.bytedeco.pytorch.global.torch.manual_seed(seed);
        var c = new RewardTraining.Config(null, null, null, OptimConfig.of(3e-2).withWarmup(0), 40, 16, 0, true,
                "last", 0.0, 0, false, new Trainer.Schedule(1, 5, 0, 3));  // an lr too high on purpose: accuracy moves between evaluations
        RunDir run = new RunDir(dir.resolve("rm-best"));
        run.begin(Configs.toJson(c), false);
        List<RewardTraining.Pair> eval = TinyTask.pairs(100, 5);
        new Trainer(run, c.schedule()).quiet(true).run(new RewardTraining(c, ModelDir.policy(sftDir), null, task.tok, task.tokFile,
                TinyTask.pairs(400, 4), eval), false);
        double best = -1, last = -1;
        for (String line : Files.readAllLines(run.metrics())) {
            var o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            if (o.has("eval_accuracy")) best = Math.max(best, last = o.get("eval_accuracy").getAsDouble());
        }
        RewardModel rm = ModelDir.rewardModel(run.model());
        List<String> prompts = new ArrayList<>(), chosen = new ArrayList<>(), rejected = new ArrayList<>();
        for (var p : eval) {
            prompts.add(p.prompt());
            chosen.add(p.chosen());
            rejected.add(p.rejected());
        }
        float[] a = Scoring.scores(rm, task.tok, prompts, chosen, 50), b = Scoring.scores(rm, task.tok, prompts, rejected, 50);
        // Scored here in other batches than in training, a pair whose margin is within float noise
        // may fall either way: the exported model must agree with its best evaluation up to those.
        double acc = 0, nearTies = 0;
        for (int i = 0; i < a.length; i++) {
            acc += a[i] > b[i] ? 1.0 / a.length : 0;
            nearTies += Math.abs(a[i] - b[i]) <= 1e-5f * Math.max(1f, Math.abs(a[i])) ? 1.0 / a.length : 0;
        }
        assertEquals(best, acc, nearTies + 1e-6, "the exported model's held-out accuracy (last evaluation " + last + ")");
    }

    /** probe_steps: the first steps move the head alone (the trunk stays bit for bit), then every parameter trains. */
    @Test
    void rewardModelProbeTrainsTheHeadAloneFirst() throws IOException {
        var c = new RewardTraining.Config(null, null, null, OptimConfig.of(1e-2).withWarmup(0), 6, 8, 0, false, "mean", 0.0, 3,
                false, TinyTask.schedule(0));
        var stage = new RewardTraining(c, ModelDir.policy(sftDir), null, task.tok, task.tokFile, TinyTask.pairs(64, 4), List.of());
        var rm = stage.model();
        java.util.Map<String, org.bytedeco.pytorch.Tensor> before = new java.util.LinkedHashMap<>();
        rm.trunk.namedParameters().forEach((k, v) -> before.put(k, v.detach().clone()));
        var head = rm.head.weight().detach().clone();
        for (int step = 0; step < 3; step++) stage.step(step);
        rm.trunk.namedParameters().forEach((k, v) -> assertTrue(org.bytedeco.pytorch.global.torch.equal(v, before.get(k)), k + " moved while probing"));
        assertTrue(!org.bytedeco.pytorch.global.torch.equal(rm.head.weight(), head), "the head did not move while probing");
        stage.step(3);
        long moved = rm.trunk.namedParameters().entrySet().stream()
                .filter(e -> !org.bytedeco.pytorch.global.torch.equal(e.getValue(), before.get(e.getKey()))).count();
        assertTrue(moved > 0, "no trunk parameter moved after the probe");
        assertTrue(stage.state().containsKey("probe.adamw.steps"), "the probe's optimizer is checkpointed");
        assertThrows(IllegalArgumentException.class, () -> new RewardTraining.Config(null, null, null, OptimConfig.of(1e-2), 6, 8, 0,
                false, "mean", 0.0, 6, false, TinyTask.schedule(0)));
    }

    /**
     * pack_responses reads each prompt once with its responses after it: from the same start the
     * loss, the accuracy and the gradients of a step are those of one row per sequence (the
     * reference), to float rounding; a held-out evaluation likewise.
     */
    @Test
    void rewardModelPackedRowsTrainAsOneRowPerSequence() throws IOException {
        for (double logratio : new double[] {0, 0.5}) {
            double[][] losses = new double[2][];
            double[] accuracy = new double[2];
            float[][] head = new float[2][];
            for (int packed = 0; packed < 2; packed++) {
                var c = new RewardTraining.Config(null, null, null, OptimConfig.of(1e-2).withWarmup(0), 3, 8, 0, false, "mean",
                        logratio, 0, packed == 1, TinyTask.schedule(0));
                torch.manual_seed(31);
                var stage = new RewardTraining(c, ModelDir.policy(sftDir), logratio > 0 ? ModelDir.policy(sftDir) : null, task.tok,
                        task.tokFile, TinyTask.pairs(64, 4), TinyTask.pairs(16, 9));
                losses[packed] = new double[3];
                for (int step = 0; step < 3; step++) losses[packed][step] = stage.step(step).get("loss");
                accuracy[packed] = stage.evaluate().get("accuracy");
                head[packed] = Tensors.floats(stage.model().head.weight());
            }
            String what = "logratio " + logratio + ": ";
            for (int step = 0; step < 3; step++) assertEquals(losses[0][step], losses[1][step], 1e-4, what + "loss at step " + step);
            assertEquals(accuracy[0], accuracy[1], 1e-9, what + "held-out accuracy");
            for (int i = 0; i < head[0].length; i++)
                assertEquals(head[0][i], head[1][i], 1e-4, what + "head weight " + i + " after 3 steps");
        }
    }

    /**
     * Scoring with packed rows gives every text the score one row per sequence gives it (the
     * reference), in the texts' order: runs of a repeated prompt cut perRow to a row, a prompt
     * seen once, rows spread over several batches.
     */
    @Test
    void packedScoringScoresAsOneRowPerSequence() throws IOException {
        RewardModel rm = ModelDir.rewardModel(rmDir);
        List<String> prompts = new ArrayList<>(), texts = new ArrayList<>();
        List<RewardTraining.Pair> pairs = TinyTask.pairs(12, 8);
        for (int i = 0; i < pairs.size(); i++) {
            int repeat = i % 3 == 0 ? 5 : 1;
            for (int k = 0; k < repeat; k++) {
                prompts.add(pairs.get(i).prompt());
                texts.add(k % 2 == 0 ? pairs.get(i).chosen() : pairs.get(i).rejected());
            }
        }
        float[] want = Scoring.scores(rm, task.tok, prompts, texts, 7);
        float[] got = Scoring.packedScores(rm, task.tok, prompts, texts, 2, 6);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5, "text " + i);
    }

    /** The RM directory's reward.json says how it pools; a bad one is a one-line error naming the file. */
    @Test
    void rewardJsonRecordsThePooling() throws IOException {
        assertEquals(RewardModel.Pooling.MEAN, ModelDir.rewardModel(rmDir).pooling);
        Path copy = dir.resolve("rm-copy");
        Files.createDirectories(copy);
        try (var files = Files.list(rmDir)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        for (String bad : List.of("{\"pooling\": \"max\"}", "{\"pooling\": 1, \"x\": 2}", "not json",
                "{\"pooling\": \"mean\", \"logratio\": -1}", "{\"pooling\": \"mean\", \"logratio\": \"x\"}",
                "{\"pooling\": \"mean\", \"logratio\": 0.5}")) {  // the last: no reference/ beside it
            Files.writeString(copy.resolve("reward.json"), bad);
            var e = assertThrows(Configs.BadConfig.class, () -> ModelDir.rewardModel(copy));
            assertTrue(e.getMessage().startsWith(copy.resolve("reward.json").toString()) && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
        Files.delete(copy.resolve("reward.json"));  // a directory without one (an older RM, an HF checkpoint): the last token
        assertEquals(RewardModel.Pooling.LAST, ModelDir.rewardModel(copy).pooling);
    }

    /** A reward model with a log-ratio term saves its beta and its reference, and loads to the same scores. */
    @Test
    void rewardModelDirectoryKeepsTheLogratioTerm() throws IOException {
        torch.manual_seed(32);
        var rm = new RewardModel(ModelDir.policy(rmDir), RewardModel.Pooling.MEAN, ModelDir.policy(sftDir), 0.25);
        Path saved = dir.resolve("rm-logratio");
        ModelDir.saveRewardModel(rm, task.tokFile, saved);
        assertTrue(Files.readString(saved.resolve("reward.json")).contains("\"logratio\": 0.25"));
        RewardModel back = ModelDir.rewardModel(saved);
        assertEquals(0.25, back.logratio());
        List<String> prompts = new ArrayList<>(), texts = new ArrayList<>();
        for (RewardTraining.Pair p : TinyTask.pairs(6, 11)) {
            prompts.add(p.prompt());
            texts.add(p.chosen());
        }
        float[] want = Scoring.scores(rm, task.tok, prompts, texts, 4), got = Scoring.scores(back, task.tok, prompts, texts, 4);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-6, "text " + i);
        float[] plain = Scoring.scores(ModelDir.rewardModel(rmDir), task.tok, prompts, texts, 4);
        assertTrue(!Arrays.equals(plain, want), "the reference (the SFT) differs from the trunk (the RM), so the term is not 0");
    }

    Ppo ppo(PpoConfig c) throws IOException {
        return new Ppo(c, ModelDir.policy(sftDir), ModelDir.policy(sftDir), ModelDir.rewardModel(rmDir), task.tok,
                task.tokFile, TinyTask.prompts(64, 11), Kernels.cpu());
    }

    static PpoConfig ppoConfig(int steps, float beta, int checkpointEvery) {
        return new PpoConfig(null, null, null, false, OptimConfig.of(1e-3).withWarmup(0), steps, 16, 8, 2, 4, 1f, 0.2f,
                0.2f, 0.1f, 1f, 0.95f, beta, Params.KlEstimator.K2, 0f, 10000, 0f, 0f, TINY_CRITIC, 0f,
                TinyTask.schedule(checkpointEvery));
    }

    /** The critic: a zero value head (as the study's) at the actor's rate, no warm-up. */
    static final PpoConfig.Critic TINY_CRITIC = new PpoConfig.Critic(1e-3, 0, "zero");

    static List<Map<String, Double>> metrics(Ppo stage) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (int s = 0; s < stage.steps(); s++)
            try (var scope = new org.bytedeco.javacpp.PointerScope()) {
                org.bytedeco.pytorch.global.torch.manual_seed(s);
                out.add(stage.step(s));
            }
        return out;
    }

    static double mean(List<Map<String, Double>> m, String key, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += m.get(i).get(key);
        return s / (to - from);
    }

    /** PPO raises the reward while the KL to the reference levels off; a very large beta keeps the policy near it. */
    @Test
    void ppoRaisesRewardWithBoundedKlAndBetaHoldsItBack() throws IOException {
        var m = metrics(ppo(ppoConfig(40, 0.05f, 0)));
        double early = mean(m, "reward", 0, 5), late = mean(m, "reward", 35, 40), kl = mean(m, "kl", 35, 40);
        // Scores are in SFT standard deviations (the RM is normalised to SFT's samples): half of one at least.
        assertTrue(late > early + 0.5, "reward " + early + " -> " + late);
        // The tiny policy ends up saying "good good good": about 3.5 nats per token from the reference.
        assertTrue(kl < 20 && Math.abs(kl - mean(m, "kl", 25, 30)) < 5, "KL per sequence " + kl);
        for (var step : m) assertTrue(Double.isFinite(step.get("loss")) && Double.isFinite(step.get("value_loss")));

        var held = metrics(ppo(ppoConfig(40, 50f, 0)));
        double heldKl = mean(held, "kl", 35, 40), heldReward = mean(held, "reward", 35, 40);
        assertTrue(heldKl < 1.0 && heldKl < kl / 10, "KL per sequence with beta 50: " + heldKl + " (beta 0.05: " + kl + ")");
        assertTrue(heldReward < late - 0.4, "reward with beta 50: " + heldReward + " (beta 0.05: " + late + ")");
    }

    /** The adaptive controller raises beta while the KL is above its target and lowers it below. */
    @Test
    void adaptiveKlControllerFollowsItsTarget() throws IOException {
        for (float target : new float[] {1e-4f, 1e4f}) {
            var base = ppoConfig(4, 0.05f, 0);
            var c = new PpoConfig(null, null, null, false, base.optim(), 4, 16, 8, 2, 4, 1f, 0.2f, 0.2f, 0.1f, 1f, 0.95f,
                    0.05f, Params.KlEstimator.K2, target, 100, 0f, 0f, TINY_CRITIC, 0f, base.schedule());
            var m = metrics(ppo(c));
            double first = m.get(1).get("beta"), last = m.get(3).get("beta");
            // Step 0 has KL 0 (policy = reference), so the first move is down; after it, KL > 1e-4 raises beta.
            if (target < 1) assertTrue(last > first, "beta " + first + " -> " + last + " with KL above target");
            else assertTrue(last < first && last < 0.05, "beta " + first + " -> " + last + " with KL below target");
        }
    }

    /** The fused kernel's gradients equal those of the same loss built from LibTorch ops, through the whole model. */
    @Test
    void fusedLossGradientsMatchTheLibTorchComposite() throws IOException {
        var c = new PpoConfig(null, null, null, true, new OptimConfig(1e-3, 0, 0.9, 0.95, 1e-8, 0, 0.1, 0, 0), 1, 16, 16,
                1, 4, 1f, 0.2f, 0.2f, 0.1f, 1f, 0.95f, 0.05f, Params.KlEstimator.K2, 0f, 10000, 0f, 0.01f, TINY_CRITIC, 0f,
                TinyTask.schedule(0));
        Ppo stage = ppo(c);
        var rollouts = Rollouts.generate(stage.policy(), Kernels.cpu(), task.tok, TinyTask.prompts(16, 5),
                Params.Sampling.of(1f, 5), 16, 4);
        Experience x = stage.score(rollouts);
        // Advantages and returns from a fixed pattern; old log-probs shifted so some ratios clip.
        int n = x.rows * x.length;
        x.advantages = new float[n];
        x.returns = new float[n];
        for (int i = 0; i < n; i++) {
            x.advantages[i] = (float) Math.sin(i * 0.7);
            x.returns[i] = (float) Math.cos(i * 0.3);
            x.oldLogprobs[i] += (i % 3 - 1) * 0.3f;
        }
        int[] rows = new int[x.rows];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        Map<String, Tensor> params = stage.policy().namedParameters();
        stage.compositeLoss = false;
        double[] fused = stage.minibatchStep(x, rows, 0.0, true);
        Map<String, float[]> fusedGrads = grads(params);
        stage.compositeLoss = true;
        double[] composite = stage.minibatchStep(x, rows, 0.0, true);
        Map<String, float[]> compositeGrads = grads(params);
        for (int i = 0; i < 5; i++) assertEquals(composite[i], fused[i], 1e-5 * (1 + Math.abs(composite[i])), "stat " + i);
        double worst = 0, scale = 0;
        for (String k : fusedGrads.keySet()) {
            float[] a = fusedGrads.get(k), b = compositeGrads.get(k);
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                scale = Math.max(scale, Math.abs(b[i]));
            }
        }
        assertTrue(scale > 0 && worst <= 1e-4 * scale, "max gradient difference " + worst + " (largest gradient " + scale + ")");
    }

    private static Map<String, float[]> grads(Map<String, Tensor> params) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, org.gendiv.core.model.Tensors.floats(v.grad())));
        return out;
    }

    /**
     * The language-modelling loss, which runs the LM head on the learned positions alone, against
     * float64 log-softmax of the full logits by hand (prompt tokens and padding not learned), and
     * its gradients against the same loss computed over every position with the rest masked.
     */
    @Test
    void languageModellingLossReadsTheLearnedPositionsOnly() {
        Gpt model = task.freshModel(7);
        int v = model.config.vocab();
        var examples = List.of(new LanguageModelling.Example(new int[] {1, 5, 6, 7, 8, 2}, 3),
                new LanguageModelling.Example(new int[] {1, 9, 2}, 1), new LanguageModelling.Example(new int[] {1, 4, 4, 5, 6, 7, 8, 9, 2}, 6));
        var stage = new LanguageModelling("sft", model, null, examples, List.of(), OptimConfig.of(1e-3), 1, 3, 1);
        model.train(false);
        Tensor[] lossAndCount = stage.loss(examples);

        int w = 8;  // the longest row less one: inputs are tokens [0, 8), targets [1, 9)
        long[] x = new long[examples.size() * w];
        float[] mask = new float[x.length];
        long[] y = new long[x.length];
        for (int r = 0; r < examples.size(); r++) {
            int[] t = examples.get(r).tokens();
            for (int j = 0; j < w; j++) {
                x[r * w + j] = j < t.length ? t[j] : 0;
                y[r * w + j] = j + 1 < t.length ? t[j + 1] : 0;
                mask[r * w + j] = j + 1 >= examples.get(r).promptLength() && j + 1 < t.length ? 1 : 0;
            }
        }
        Tensor logits = model.forward(Tensor.create(x, examples.size(), w));
        float[] l = Tensors.floats(logits.detach().contiguous());
        double nll = 0;
        int count = 0;
        for (int k = 0; k < x.length; k++) {
            if (mask[k] == 0) continue;
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < v; i++) max = Math.max(max, l[k * v + i]);
            for (int i = 0; i < v; i++) z += Math.exp(l[k * v + i] - max);
            nll -= l[k * v + (int) y[k]] - max - Math.log(z);
            count++;
        }
        assertEquals(count, lossAndCount[1].item_double());
        assertEquals(8, count);  // tokens from each promptLength on: 3 + 2 + 3
        assertEquals(nll, lossAndCount[0].item_double(), 1e-5 * nll);

        Tensor m = Tensor.create(mask, examples.size(), w);
        Tensor masked = torch.log_softmax(logits, 2).gather(2, Tensor.create(y, examples.size(), w, 1)).squeeze(2).mul(m).sum().neg();
        var params = model.namedParameters();
        masked.backward();
        Map<String, float[]> want = new java.util.LinkedHashMap<>();
        params.forEach((name, t) -> {
            want.put(name, Tensors.floats(t.grad().clone()));
            t.grad().zero_();
        });
        lossAndCount[0].backward();
        params.forEach((name, t) -> {
            float[] got = Tensors.floats(t.grad()), expected = want.get(name);
            for (int i = 0; i < got.length; i++)
                assertEquals(expected[i], got[i], 1e-6 + 1e-4 * Math.abs(expected[i]), name + "[" + i + "]");
        });
    }

    /** A run killed midway and resumed ends with the same bytes (weights and metrics) as an uninterrupted one. */
    @Test
    void sftResumeIsBitExact() throws IOException {
        Path base = dir.resolve("base-for-resume");
        GptCheckpoint.save(task.freshModel(3), base);
        Path whole = runSft(base, "sft-whole", -1), resumed = runSft(base, "sft-killed", 13);
        assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
                Files.readAllBytes(resumed.resolve("model/model.safetensors")));
        assertEquals(Files.readString(whole.resolve("metrics.jsonl")), Files.readString(resumed.resolve("metrics.jsonl")));
    }

    private Path runSft(Path base, String name, int killAt) throws IOException {
        RunDir run = new RunDir(dir.resolve(name));
        Sft.Config c = sftConfig(20, 5);
        run.begin(Configs.toJson(c), false);
        var demos = TinyTask.demos(128, 2);
        Stage stage = Sft.stage(c, GptCheckpoint.load(base), task.tok, task.tokFile, demos, List.of());
        Trainer t = new Trainer(run, c.schedule()).quiet(true);
        if (killAt > 0) {
            t.afterStep(s -> {
                if (s == killAt) throw new Killed();
            });
            assertThrows(Killed.class, () -> t.run(stage, false));
            assertEquals(10, run.checkpointStep());
            Stage fresh = Sft.stage(c, GptCheckpoint.load(base), task.tok, task.tokFile, demos, List.of());
            new Trainer(run, c.schedule()).quiet(true).run(fresh, true);
        } else {
            t.run(stage, false);
        }
        return run.root;
    }

    @Test
    void ppoResumeIsBitExact() throws IOException {
        Path whole = runPpo("ppo-whole", -1), resumed = runPpo("ppo-killed", 5);
        assertArrayEquals(Files.readAllBytes(whole.resolve("model/model.safetensors")),
                Files.readAllBytes(resumed.resolve("model/model.safetensors")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("checkpoint/state.safetensors")),
                Files.readAllBytes(resumed.resolve("checkpoint/state.safetensors")));
        assertEquals(untimed(whole.resolve("metrics.jsonl")), untimed(resumed.resolve("metrics.jsonl")));
    }

    /** The metrics without the step's wall-clock breakdown (time_*), which no two runs share. */
    private static List<String> untimed(Path metrics) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            var o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            o.keySet().removeIf(k -> k.startsWith("time_"));
            out.add(o.toString());
        }
        return out;
    }

    private Path runPpo(String name, int killAt) throws IOException {
        RunDir run = new RunDir(dir.resolve(name));
        PpoConfig c = ppoConfig(8, 0.05f, 2);
        run.begin(Configs.toJson(c), false);
        org.bytedeco.pytorch.global.torch.manual_seed(42);
        Trainer t = new Trainer(run, c.schedule()).quiet(true);
        if (killAt > 0) {
            t.afterStep(s -> {
                if (s == killAt) throw new Killed();
            });
            Ppo first = ppo(c);
            assertThrows(Killed.class, () -> t.run(first, false));
            org.bytedeco.pytorch.global.torch.manual_seed(1234);  // a different process: the value head starts elsewhere
            new Trainer(run, c.schedule()).quiet(true).run(ppo(c), true);
        } else {
            t.run(ppo(c), false);
        }
        return run.root;
    }

    static final class Killed extends RuntimeException {}

    @Test
    void badConfigsStopBeforeTraining() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"data\": \"x.jsonl\", \"lerning_rate\": 1}");
        var e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, Sft.Config.defaults()));
        assertTrue(e.getMessage().contains("lerning_rate") && e.getMessage().contains(f.toString()), e.getMessage());

        Files.writeString(f, "{\"optim\": {\"lr\": -0.1}}");
        e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, Sft.Config.defaults()));
        assertTrue(e.getMessage().contains("optim") && e.getMessage().contains("lr must be > 0"), e.getMessage());

        Files.writeString(f, "{\"steps\": \"many\"}");
        e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, Sft.Config.defaults()));
        assertTrue(e.getMessage().contains("'steps' must be a integer") || e.getMessage().contains("'steps' must be an integer"),
                e.getMessage());

        Path data = dir.resolve("demos.jsonl");
        Files.writeString(data, "{\"prompt\": \"say red\", \"response\": \"good\"}\n{\"prompt\": \"say blue\", \"response\": \"ok\"}\n");
        Sft.Config big = new Sft.Config(data.toString(), null, sftDir.toString(), OptimConfig.of(1e-3), 10, 3,
                TinyTask.schedule(0));
        Path out = dir.resolve("never");
        e = assertThrows(Configs.BadConfig.class, () -> Sft.run(big, new RunDir(out), false, true, Group.single()));
        assertTrue(e.getMessage().contains("batch_size") && e.getMessage().contains("2 examples"), e.getMessage());
        assertTrue(!Files.exists(out), "nothing written before the error");

        Sft.Config missing = new Sft.Config(data.toString(), null, dir.resolve("no-such-model").toString(),
                OptimConfig.of(1e-3), 10, 1, TinyTask.schedule(0));
        e = assertThrows(Configs.BadConfig.class, () -> Sft.run(missing, new RunDir(out), false, true, Group.single()));
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());

        Files.writeString(data, "{\"prompt\": \"say red\", \"response\": 3}\n");
        e = assertThrows(Configs.BadConfig.class, () -> Sft.demos(data));
        assertTrue(e.getMessage().contains(data + ":1") && e.getMessage().contains("response"), e.getMessage());

        Gpt other = new Gpt(new GptConfig(task.config.vocab() + 1, 16, 1, 2, 32, 0));
        e = assertThrows(Configs.BadConfig.class, () -> new Ppo(ppoConfig(1, 0.05f, 0), ModelDir.policy(sftDir),
                ModelDir.policy(sftDir), new RewardModel(other, RewardModel.Pooling.MEAN), task.tok, task.tokFile, TinyTask.prompts(64, 1), Kernels.cpu()));
        assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
    }

    @Test
    void aRunDirectoryIsNeverOverwritten() throws IOException {
        var e = assertThrows(Configs.BadConfig.class, () -> new RunDir(dir.resolve("sft")).begin(new com.google.gson.JsonObject(), false));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void bestOfNKeepsTheHighestScore() throws IOException {
        var bon = new BestOfN(ModelDir.policy(sftDir), ModelDir.rewardModel(rmDir), task.tok, Kernels.cpu());
        var picks = bon.run(TinyTask.prompts(8, 21), 8, Params.Sampling.of(1f, 4), 4, 32);
        double bestGoods = 0, allGoods = 0;
        for (var p : picks) {
            for (float s : p.scores()) assertTrue(s <= p.scores()[p.best()]);
            bestGoods += TinyTask.goods(p.bestText());
            for (String c : p.candidates()) allGoods += TinyTask.goods(c) / 8.0;
        }
        assertTrue(bestGoods > allGoods + 2, "goods in the best " + bestGoods + " vs the average candidate " + allGoods);
    }
}
