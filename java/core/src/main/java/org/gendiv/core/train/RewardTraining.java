package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * The reward model: initialised from the SFT policy, a scalar head pooled over the response
 * (pooling "mean", the default), summed ("sum"), read at the last token ("last") or half of each of
 * mean and last ("mean_last"; {@link RewardModel}), trained with the Bradley-Terry loss
 * -log sigmoid(r_chosen - r_rejected) on preference pairs (JSONL: "prompt", "chosen", "rejected").
 * As in InstructGPT, a prompt's pairs train together: a batch is batch_size groups (a group:
 * consecutive lines with the same prompt), each distinct response is scored once, and the loss is
 * the mean over every pair of the batch (K responses give K(K-1)/2 pairs for K forward passes).
 * Held out: pairwise accuracy, at every evaluation; with keep_best the exported model is the
 * evaluation's best (by held-out accuracy, the earliest of equals). Optionally the head is rescaled
 * at the end so the SFT policy's own samples score mean 0 and standard deviation 1 (pairwise
 * accuracy is unchanged; PPO's rewards then come in SFT units). With probe_steps > 0 the first
 * steps train the head alone on the frozen trunk, with an optimizer of its own, before everything
 * trains (LP-FT: Kumar et al. 2022, "Fine-tuning can distort pretrained features"; a random head's
 * gradients otherwise reshape the trunk first).
 */
public final class RewardTraining implements Stage {
    public record Config(String data, String evalData, String init, OptimConfig optim, int steps, int batchSize,
            int normalizeSamples, boolean keepBest, String pooling, double logratio, int probeSteps, boolean packResponses,
            Trainer.Schedule schedule) {
        public static Config defaults() {
            return new Config(
                    null, null, null,                      // data, eval_data, init (the SFT model): the config names them
                    OptimConfig.of(1e-4).withWarmup(10),   // AdamW
                    300,                                   // steps
                    32,                                    // batch_size: prompts per step, each with all its pairs
                    256,                                   // normalize_samples: SFT samples that set the score's mean 0, std 1
                    true,                                  // keep_best: export the evaluation with the best held-out accuracy
                    "mean",                                // pooling of the head over the response
                    0.0,                                   // logratio: beta of the per-token log-ratio to the init model (0 = off)
                    0,                                     // probe_steps: head-only steps first (0 = off)
                    false,                                 // pack_responses: a prompt's responses in one row, the prompt read once
                    new Trainer.Schedule(10, 50, 50, 1));  // log every 10 steps, evaluate and checkpoint every 50, seed 1
        }

        public Config {
            RewardModel.Pooling.of(pooling);
            if (!(logratio >= 0) || Double.isInfinite(logratio))
                throw new IllegalArgumentException("logratio must be a finite number >= 0 (0 = off), got " + logratio);
            Stages.atLeast(steps, 1, "steps");
            Stages.atLeast(batchSize, 1, "batch_size");
            if (normalizeSamples < 0)
                throw new IllegalArgumentException("normalize_samples must be >= 0 (0 = off), got " + normalizeSamples);
            if (probeSteps < 0 || probeSteps >= steps)
                throw new IllegalArgumentException("probe_steps must be in [0, steps) (0 = off), got " + probeSteps);
        }
    }

    public record Pair(String prompt, String chosen, String rejected) {}

    private final Config c;
    private final RewardModel rm;
    private final Gpt sftPolicy;
    private final Tokenizer tok;
    private final Path tokFile;
    private final List<Comparisons> train, eval;
    private final int evalPairs;
    private final AdamW adam;
    /** The head's own optimizer for the first probe_steps steps (null without a probe). */
    private final AdamW probeAdam;
    /** The trunk's trainable parameters: while probing they take no gradient, so backward stops at the head. */
    private final List<Tensor> trainableTrunk = new ArrayList<>();
    /** The best evaluation's parameters and held-out accuracy (-1 before any), kept in the checkpoint for resume. */
    private final Map<String, Tensor> best = new LinkedHashMap<>();
    private final Tensor bestAccuracy = torch.full(new long[] {1}, new Scalar(-1.0));
    /** The frozen reference's per-position log-probs of each group's packed row (null without a log-ratio term or packing). */
    private final ReferenceRows trainReference, evalReference;
    private boolean normalised;
    private Group group = Group.single();

    /**
     * sftPolicy (for normalisation, and the log-ratio term's frozen reference; may be null when
     * normalizeSamples and logratio are 0) is a separate copy of the init model.
     */
    public RewardTraining(Config c, Gpt init, Gpt sftPolicy, Tokenizer tok, Path tokFile, List<Pair> train,
            List<Pair> eval) {
        this.train = Comparisons.of(train);
        this.eval = Comparisons.of(eval);
        this.evalPairs = eval.size();
        Stages.checkBatch(c.batchSize(), this.train.size(), "the preference data's prompts");
        this.c = c;
        this.rm = new RewardModel(init, RewardModel.Pooling.of(c.pooling()), c.logratio() > 0 ? sftPolicy : null, c.logratio());
        this.sftPolicy = sftPolicy;
        this.tok = tok;
        boolean cached = c.packResponses() && rm.canPack() && rm.reference() != null && fitsPacked(this.train) && fitsPacked(this.eval);
        this.trainReference = cached ? new ReferenceRows(this.train, c.batchSize()) : null;
        this.evalReference = cached ? new ReferenceRows(this.eval, c.batchSize()) : null;
        this.tokFile = tokFile;
        rm.trunk.freezeBottom(c.optim().freezeFraction());
        this.adam = new AdamW(namedParameters(), c.optim());
        this.probeAdam = c.probeSteps() > 0 ? new AdamW(headParameters(), c.optim()) : null;
        if (probeAdam != null) for (Tensor t : rm.trunk.namedParameters().values()) if (t.requires_grad()) trainableTrunk.add(t);
        if (c.keepBest() && !eval.isEmpty())
            try (var g = new NoGradGuard()) {
                namedParameters().forEach((k, v) -> best.put(k, v.detach().clone()));
            }
    }

    /** The CLI's entry: reads the config's files, trains on the group's ranks (rank 0 writes the run directory). */
    public static Map<String, Double> run(Config c, RunDir run, boolean resume, boolean quiet, Group group) throws IOException {
        Stages.seedInitialisation(c.schedule());
        Path init = Stages.required(c.init(), "init", "the SFT model directory");
        List<Pair> train = pairs(Stages.required(c.data(), "data", "a JSONL file of {\"prompt\", \"chosen\", \"rejected\"}"));
        List<Pair> eval = c.evalData() == null ? List.of() : pairs(Path.of(c.evalData()));
        Stages.checkBatch(c.batchSize(), Comparisons.of(train).size(), c.data() + "'s prompts");
        Tokenizer tok = ModelDir.tokenizer(init);
        Gpt sft = c.normalizeSamples() > 0 || c.logratio() > 0 ? ModelDir.policy(init) : null;
        if (group.isMain()) run.begin(Configs.toJson(c), resume);
        var stage = new RewardTraining(c, ModelDir.policy(init), sft, tok, ModelDir.tokenizerFile(init), train, eval);
        return new Trainer(run, c.schedule()).quiet(quiet).group(group).run(stage, resume);
    }

    public RewardModel model() {
        return rm;
    }

    private Map<String, Tensor> namedParameters() {
        Map<String, Tensor> p = new LinkedHashMap<>(rm.trunk.namedParameters());
        p.putAll(headParameters());
        return p;
    }

    private Map<String, Tensor> headParameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("score.weight", rm.head.weight());
        p.put("score.bias", rm.head.bias());
        return p;
    }

    @Override
    public String name() {
        return "rm";
    }

    @Override
    public int steps() {
        return c.steps();
    }

    @Override
    public String keyMetric() {
        return "accuracy";
    }

    @Override
    public void distribute(Group g) {
        g.requireDivides(c.batchSize(), "batch_size");
        group = g;
    }

    /** The mean loss over every pair of the global batch's groups: on several ranks, each its share of the groups. */
    @Override
    public Map<String, Double> step(int step) {
        rm.train(true);
        int[] indices = group.shard(Batches.indices(train.size(), c.batchSize(), step, c.schedule().seed()));
        List<Comparisons> batch = new ArrayList<>();
        for (int i : indices) batch.add(train.get(i));
        double lr = c.optim().lrAt(step, c.steps());
        boolean probing = step < c.probeSteps();
        AdamW optimizer = probing ? probeAdam : adam;  // probing: the head alone moves
        adam.zeroGrad();
        for (Tensor t : trainableTrunk) t.requires_grad_(!probing);
        long pairs = (long) group.sum(batch.stream().mapToInt(Comparisons::pairs).sum());
        List<float[]> reference = trainReference == null ? null : trainReference.rows(indices);  // filled here, read by the shards
        List<double[]> parts = GradientShards.backward(optimizer.parameters(), batch.size(), (from, to) -> {
            Tensor[] la = lossAndAccuracy(batch.subList(from, to), reference == null ? null : reference.subList(from, to), pairs);
            return new GradientShards.Part<>(la[0], new double[] {la[0].item_double(), la[1].item_double()});
        });
        group.sumGradients(optimizer.parameters());
        double norm = optimizer.clipGradNorm(c.optim().gradClip());
        optimizer.step(lr);
        double[] own = new double[2];
        for (double[] p : parts) for (int i = 0; i < 2; i++) own[i] += p[i];
        double[] logged = group.sum(own[0], own[1]);  // one all-reduce for both
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", logged[0]);
        m.put("accuracy", logged[1]);
        m.put("lr", lr);
        m.put("grad_norm", norm);
        return m;
    }

    /**
     * The batch's share of the mean Bradley-Terry loss and of the fraction of pairs ranked right, over
     * {@code pairs} pairs in all; reference: each group's reference log-probs (null: computed here).
     */
    private Tensor[] lossAndAccuracy(List<Comparisons> batch, List<float[]> reference, long pairs) {
        int own = 0;
        for (Comparisons g : batch) own += g.pairs();
        long[] chosen = new long[own], rejected = new long[own];
        int at = 0, base = 0;
        for (Comparisons g : batch) {
            for (int i = 0; i < g.pairs(); i++, at++) {
                chosen[at] = base + g.chosen()[i];
                rejected[at] = base + g.rejected()[i];
            }
            base += g.responses().size();
        }
        Tensor r = responseScores(batch, reference);
        Tensor margin = r.index_select(0, Devices.to(Tensor.create(chosen, own))).sub(r.index_select(0, Devices.to(Tensor.create(rejected, own))));
        Scalar n = new Scalar(pairs);  // sum / n: how LibTorch's mean divides on the CPU
        return new Tensor[] {torch.softplus(margin.neg()).sum().div(n), margin.gt(new Scalar(0.0)).to(torch.ScalarType.Float).sum().div(n)};
    }

    /**
     * The score of every response of the batch, group by group: each (prompt, response, EOS)
     * clipped to the context as one row, or, with pack_responses, each prompt once with its
     * responses after it ({@link RewardModel#packedScores}: the same scores to float rounding),
     * with the groups' reference log-probs when given.
     */
    private Tensor responseScores(List<Comparisons> batch, List<float[]> reference) {
        int context = rm.trunk.config.context();
        List<int[]> prompts = prompts(batch);
        if (c.packResponses() && rm.canPack() && prompts.stream().allMatch(p -> p.length <= context))
            return rm.packedScores(prompts, packedResponses(batch, prompts), tok.padId(), reference);
        List<int[]> seqs = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++)
            for (String response : batch.get(i).responses()) {
                seqs.add(Batches.clip(Batches.sequence(tok, prompts.get(i), response), context));
                starts.add(prompts.get(i).length);
            }
        Batches.Padded padded = Batches.rightPad(seqs, tok.padId());
        return rm.scores(padded.tensor(), padded.lengths(), starts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Each group's responses as its packed row holds them: clipped so that prompt + response fit the context. */
    private List<List<int[]>> packedResponses(List<Comparisons> groups, List<int[]> prompts) {
        int context = rm.trunk.config.context();
        List<List<int[]>> responses = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            List<int[]> own = new ArrayList<>();
            for (String response : groups.get(i).responses()) own.add(Batches.clippedResponse(tok, prompts.get(i), response, context));
            responses.add(own);
        }
        return responses;
    }

    private List<int[]> prompts(List<Comparisons> groups) {
        List<int[]> prompts = new ArrayList<>();
        for (Comparisons g : groups) prompts.add(Batches.prompt(tok, g.prompt()));
        return prompts;
    }

    private boolean fitsPacked(List<Comparisons> groups) {
        return prompts(groups).stream().allMatch(p -> p.length <= rm.trunk.config.context());
    }

    /**
     * The log-ratio term's reference log-probs of each group's packed row, computed the first time
     * a group is met and kept: the frozen reference then reads each group once rather than once an
     * epoch (a quarter of a step's work). A group's numbers are computed with the fixed chunk of
     * groups around it, so they are the same whatever order the steps visit the groups in, on any
     * rank, and after a resume.
     */
    private final class ReferenceRows {
        private final List<Comparisons> groups;
        private final int chunk;
        private final float[][] rows;

        ReferenceRows(List<Comparisons> groups, int chunk) {
            this.groups = groups;
            this.chunk = chunk;
            this.rows = new float[groups.size()][];
        }

        List<float[]> rows(int... indices) {
            List<float[]> out = new ArrayList<>();
            for (int i : indices) {
                if (rows[i] == null) fill(i / chunk * chunk);
                out.add(rows[i]);
            }
            return out;
        }

        List<float[]> range(int from, int to) {
            int[] indices = new int[to - from];
            for (int i = 0; i < indices.length; i++) indices[i] = from + i;
            return rows(indices);
        }

        private void fill(int from) {
            List<Comparisons> g = groups.subList(from, Math.min(groups.size(), from + chunk));
            List<int[]> prompts = prompts(g);
            List<float[]> computed = rm.packedReferenceLogprobs(prompts, packedResponses(g, prompts), tok.padId());
            for (int i = 0; i < computed.size(); i++) rows[from + i] = computed.get(i);
        }
    }

    @Override
    public Map<String, Double> evaluate() {
        if (eval.isEmpty()) return Map.of();
        boolean was = rm.is_training();
        rm.eval();
        double loss = 0, acc = 0;
        try (var g = new NoGradGuard()) {
            for (int i = 0; i < eval.size(); i += c.batchSize()) {
                int to = Math.min(eval.size(), i + c.batchSize());
                List<Comparisons> b = eval.subList(i, to);
                int pairs = b.stream().mapToInt(Comparisons::pairs).sum();
                Tensor[] la = lossAndAccuracy(b, evalReference == null ? null : evalReference.range(i, to), pairs);
                loss += la[0].item_double() * pairs;
                acc += la[1].item_double() * pairs;
            }
        } finally {
            rm.train(was);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss / evalPairs);
        m.put("accuracy", acc / evalPairs);
        if (!best.isEmpty() && acc / evalPairs > bestAccuracy.item_double())
            try (var g = new NoGradGuard()) {
                var now = namedParameters();
                best.forEach((k, v) -> v.copy_(now.get(k)));
                bestAccuracy.fill_(new Scalar(acc / evalPairs));
            }
        if (!best.isEmpty()) m.put("best_accuracy", bestAccuracy.item_double());
        return m;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>(namedParameters());
        s.putAll(adam.state());
        if (probeAdam != null) probeAdam.state().forEach((k, v) -> s.put("probe." + k, v));
        best.forEach((k, v) -> s.put("best." + k, v));
        if (!best.isEmpty()) s.put("best.accuracy", bestAccuracy);
        return s;
    }

    @Override
    public void export(Path dir) throws IOException {
        if (!best.isEmpty() && bestAccuracy.item_double() >= 0)
            try (var g = new NoGradGuard()) {
                var now = namedParameters();
                best.forEach((k, v) -> now.get(k).copy_(v));
            }
        if (c.normalizeSamples() > 0 && sftPolicy != null && !normalised) normalise();
        ModelDir.saveRewardModel(rm, tokFile, dir);
    }

    /**
     * Rescales the head so the SFT policy's samples on the training prompts score mean 0 and
     * standard deviation 1 (a cut sample is scored with EOS appended, as training lays them out).
     */
    private void normalise() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < c.normalizeSamples(); i++) prompts.add(train.get(i % train.size()).prompt());
        Params.Sampling sampling = Params.Sampling.of(1.0f, c.schedule().seed() + 7919);
        var rollouts = Rollouts.generate(sftPolicy, Kernels.cpu(), tok, prompts, sampling, c.batchSize());
        rm.eval();
        float[] scores = Scoring.rolloutScores(rm, tok, rollouts, c.batchSize());
        double mean = 0, ss = 0;
        for (float v : scores) mean += v / (double) scores.length;
        for (float v : scores) ss += (v - mean) * (v - mean);
        double std = scores.length > 1 ? Math.sqrt(ss / (scores.length - 1)) : 0;
        if (!(std > 1e-6)) std = 1;  // every sample scored alike: shift only
        try (var g = new NoGradGuard()) {
            rm.head.bias().sub_(new Scalar(mean)).div_(new Scalar(std));
            rm.head.weight().div_(new Scalar(std));
        }
        if (rm.reference() != null) rm.rescaleLogratio(std);
        normalised = true;
    }

    public static List<Pair> pairs(Path file) throws IOException {
        List<Pair> out = new ArrayList<>();
        for (String[] r : Jsonl.read(file, "prompt", "chosen", "rejected")) out.add(new Pair(r[0], r[1], r[2]));
        return out;
    }
}
