package org.gendiv.core.train;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.ActorCritic;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import static org.gendiv.core.model.Tensors.floats;
import static org.gendiv.core.model.Tensors.segment;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * RLHF with PPO (Ouyang et al. 2022; the study's settings by default). Each step:
 * <ol>
 * <li>rollout: sample responses to a batch of prompts from the policy (sampling kernel);
 * <li>score: old log-probs and values from the policy, reference log-probs from the frozen SFT
 * model (log-prob kernel), the reward model's score of each whole sequence;
 * <li>rewards: per-token -beta * KL estimate plus the score at the last token (KL kernel);
 * advantages and returns by GAE, advantages whitened (GAE and whitening kernels);
 * <li>update: epochs of minibatch steps on the fused clipped loss (PPO kernel: loss and its
 * gradient w.r.t. the logits, handed to LibTorch's backward) plus the clipped value loss.
 * </ol>
 */
public final class Ppo implements Stage {
    public record Config(String prompts, String init, String reward, boolean sharedValueTrunk, OptimConfig optim,
            int steps, int rolloutBatch, int minibatch, int epochs, int maxNewTokens, float temperature, float clip,
            float valueClip, float valueCoef, float gamma, float lambda, float beta, Params.KlEstimator estimator,
            float targetKl, int klHorizon, float scoreClip, float entropyCoef, Critic critic, float missingEosPenalty,
            Trainer.Schedule schedule) {
        public static Config defaults() {
            return new Config(null, null, null, false, OptimConfig.of(1e-5).withWarmup(0), 100, 32, 8, 4, 16, 1.0f,
                    0.2f, 0.2f, 0.1f, 1.0f, 0.95f, 0.05f, Params.KlEstimator.K2, 0f, 10000, 0f, 0f, Critic.defaults(), 0f,
                    new Trainer.Schedule(1, 0, 10, 1));
        }

        public Config {
            Stages.atLeast(steps, 1, "steps");
            Stages.atLeast(rolloutBatch, 2, "rollout_batch");
            if (minibatch < 1 || minibatch > rolloutBatch || rolloutBatch % minibatch != 0)
                throw new IllegalArgumentException("minibatch must divide rollout_batch (" + rolloutBatch + "), got " + minibatch);
            Stages.atLeast(epochs, 1, "epochs");
            Stages.atLeast(maxNewTokens, 1, "max_new_tokens");
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            if (!(clip > 0 && clip < 1)) throw new IllegalArgumentException("clip must be in (0, 1), got " + clip);
            if (!(valueClip >= 0)) throw new IllegalArgumentException("value_clip must be >= 0, got " + valueClip);
            if (!(valueCoef >= 0)) throw new IllegalArgumentException("value_coef must be >= 0, got " + valueCoef);
            if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
            if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
            if (!(beta >= 0)) throw new IllegalArgumentException("beta must be >= 0, got " + beta);
            if (estimator == null) throw new IllegalArgumentException("estimator must be one of k1, k2, k3");
            if (!(targetKl >= 0)) throw new IllegalArgumentException("target_kl must be >= 0 (0 = fixed beta), got " + targetKl);
            Stages.atLeast(klHorizon, 1, "kl_horizon");
            if (!(scoreClip >= 0)) throw new IllegalArgumentException("score_clip must be >= 0 (0 = off), got " + scoreClip);
            if (critic == null) throw new IllegalArgumentException("critic must be an object");
            if (!(missingEosPenalty >= 0) || !Float.isFinite(missingEosPenalty))
                throw new IllegalArgumentException("missing_eos_penalty must be >= 0, got " + missingEosPenalty);
            if (critic.warmupSteps() >= steps)
                throw new IllegalArgumentException("critic.warmup_steps (" + critic.warmupSteps() + ") leaves no step for the policy of "
                        + steps);
        }

        public Config withBeta(float b) {
            return Configs.with(this, "beta", b);
        }

        /** The fused kernel's parameters: the policy clip on both sides, no dual clip, log-ratios clamped at +-20. */
        Params.Ppo kernelParams() {
            return new Params.Ppo(temperature, clip, clip, NO_DUAL_CLIP, entropyCoef, LOG_RATIO_CLAMP);
        }

        static final float NO_DUAL_CLIP = 0f, LOG_RATIO_CLAMP = 20f;
    }

    /**
     * The critic (value function): its learning rate (a separate trunk has its own AdamW; a shared
     * one uses the actor's), the steps at the start that train it alone while the policy stays
     * put, and where its value head starts: "zero" (AlpacaFarm; the default), "reward_model" (the
     * reward model's head, as TRL and OpenRLHF start the critic: with a separate trunk and an RM
     * pooling "last", values start as the RM's score of each prefix; a "mean" RM's head scores
     * single tokens, not returns) or "random".
     */
    public record Critic(double lr, int warmupSteps, String headInit) {
        public static Critic defaults() {
            return new Critic(1e-4, 0, "zero");
        }

        public Critic {
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("critic.lr must be > 0, got " + lr);
            if (warmupSteps < 0) throw new IllegalArgumentException("critic.warmup_steps must be >= 0, got " + warmupSteps);
            if (!List.of("reward_model", "zero", "random").contains(headInit))
                throw new IllegalArgumentException("critic.head_init must be reward_model, zero or random, got '" + headInit + "'");
        }
    }

    private final Config c;
    private final ActorCritic ac;
    private final Gpt reference;
    private final RewardModel rm;
    private final Tokenizer tok;
    private final Path tokFile;
    private final List<String> prompts;
    private final Kernels kernels;
    private final AdamW adam, criticAdam;  // a separate critic gets its own optimiser and gradient clip
    private final Tensor beta;  // the KL coefficient (adaptive when target_kl > 0), in the checkpoint
    private Group group = Group.single();
    /** When true the update uses the loss composed from LibTorch ops instead of the fused kernel (benchmarks, tests). */
    boolean compositeLoss;

    /** Switches the update between the fused PPO kernel (default) and the LibTorch-composite loss, for comparisons. */
    public Ppo useCompositeLoss(boolean composite) {
        compositeLoss = composite;
        return this;
    }

    /** policy and reference are separate copies of the SFT model; rm is the trained reward model. */
    public Ppo(Config c, Gpt policy, Gpt reference, RewardModel rm, Tokenizer tok, Path tokFile, List<String> prompts,
            Kernels kernels) {
        Stages.checkBatch(c.rolloutBatch(), prompts.size(), "the prompts");
        if (rm.trunk.config.vocab() != policy.config.vocab())
            throw new Configs.BadConfig("the reward model's vocabulary (" + rm.trunk.config.vocab()
                    + ") differs from the policy's (" + policy.config.vocab() + "): they must share a tokenizer");
        if (rm.trunk.config.context() < policy.config.context())
            throw new Configs.BadConfig("the reward model's context (" + rm.trunk.config.context()
                    + ") is shorter than the policy's (" + policy.config.context() + ")");
        this.c = c;
        this.ac = new ActorCritic(policy, c.sharedValueTrunk() ? null : copyOf(rm.trunk));
        this.reference = reference;
        this.rm = rm;
        this.tok = tok;
        this.tokFile = tokFile;
        this.prompts = prompts;
        this.kernels = kernels;
        ac.policy.freezeBottom(c.optim().freezeFraction());
        if (!ac.shared()) ac.critic.freezeBottom(c.optim().freezeFraction());
        Map<String, Tensor> actor = new LinkedHashMap<>(), critic = new LinkedHashMap<>();
        ac.namedParameters().forEach((k, v) -> (k.startsWith("policy.") || ac.shared() ? actor : critic).put(k, v));
        initValueHead(c.critic().headInit());
        this.adam = new AdamW(actor, c.optim());
        var co = c.optim();
        this.criticAdam = critic.isEmpty() ? null : new AdamW(critic, new OptimConfig(c.critic().lr(), co.weightDecay(), co.beta1(),
                co.beta2(), co.eps(), co.warmupSteps(), co.minLrRatio(), co.gradClip(), co.freezeFraction()));
        this.beta = torch.full(new long[] {1}, new Scalar(c.beta()));
        reference.eval();
        rm.eval();
    }

    private void initValueHead(String how) {
        try (var g = new NoGradGuard()) {
            switch (how) {
                case "reward_model" -> {
                    ac.valueHead.weight().copy_(rm.head.weight());
                    ac.valueHead.bias().copy_(rm.head.bias());
                }
                case "zero" -> {
                    ac.valueHead.weight().zero_();
                    ac.valueHead.bias().zero_();
                }
                default -> {}  // random, as ScalarHead starts
            }
        }
    }

    /** The CLI's entry: reads the config's files, trains on the group's ranks (rank 0 writes the run directory). */
    public static Map<String, Double> run(Config c, RunDir run, boolean resume, boolean quiet, Group group) throws IOException {
        Stages.seedInitialisation(c.schedule());
        Path init = Stages.required(c.init(), "init", "the SFT model directory");
        Path reward = Stages.required(c.reward(), "reward", "the reward model directory");
        List<String> prompts = prompts(Stages.required(c.prompts(), "prompts", "a JSONL file of {\"prompt\"}"));
        Stages.checkBatch(c.rolloutBatch(), prompts.size(), c.prompts());
        Gpt policy = ModelDir.policy(init);
        Tokenizer tok = ModelDir.tokenizer(init);
        Rollouts.requireFit(Path.of(c.prompts()), prompts, tok, policy.config.context(), c.maxNewTokens(), "max_new_tokens");
        var stage = new Ppo(c, policy, ModelDir.policy(init), ModelDir.rewardModel(reward),
                tok, ModelDir.tokenizerFile(init), prompts, Kernels.cpu());
        if (group.isMain()) run.begin(Configs.toJson(c), resume);
        return new Trainer(run, c.schedule()).quiet(quiet).group(group).run(stage, resume);
    }

    public static List<String> prompts(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String[] r : Jsonl.read(file, "prompt")) out.add(r[0]);
        return out;
    }

    private static Gpt copyOf(Gpt g) {
        Gpt copy = new Gpt(g.config);
        try (var ng = new NoGradGuard()) {
            var src = g.namedParameters();
            copy.namedParameters().forEach((k, v) -> v.copy_(src.get(k)));
        }
        return copy;
    }

    public Gpt policy() {
        return ac.policy;
    }

    @Override
    public String name() {
        return "ppo";
    }

    @Override
    public int steps() {
        return c.steps();
    }

    @Override
    public String keyMetric() {
        return "reward";
    }

    @Override
    public void distribute(Group g) {
        g.requireDivides(c.rolloutBatch(), "rollout_batch");
        group = g;
    }

    /**
     * On several ranks each rank rolls out its rows of the global batch (drawing the tokens those
     * rows draw on one process), whitens advantages by the global mean and variance, and takes
     * its part of every global minibatch; the statistics are global sums.
     */
    @Override
    public Map<String, Double> step(int step) {
        List<String> batch = new ArrayList<>();
        for (int i : Batches.indices(prompts.size(), c.rolloutBatch(), step, c.schedule().seed())) batch.add(prompts.get(i));
        long seed = c.schedule().seed() * 1_000_003L + step * 7919L;
        int[] mine = group.shard(c.rolloutBatch());
        long t0 = System.nanoTime();
        var rollouts = Rollouts.shard(ac.policy, kernels, tok, batch.subList(mine[0], mine[1]),
                Params.Sampling.of(c.temperature(), seed), c.rolloutBatch(), c.maxNewTokens(), mine[0]);
        long t1 = System.nanoTime();
        Experience x = score(rollouts);
        x.firstRow = mine[0];
        long t2 = System.nanoTime();
        var kr = kernels.kl().rewards(x.oldLogprobs, x.refLogprobs, x.mask, x.scores, x.rows, x.length,
                new Params.KlReward(beta.item_float(), c.estimator(), c.scoreClip()));
        x.kl = kr.kl();
        var gae = kernels.advantages().gae(kr.rewards(), x.oldValues, x.mask, x.rows, x.length, c.gamma(), c.lambda());
        x.advantages = group.size() == 1 ? kernels.advantages().whiten(gae.advantages(), x.mask, true)
                : Whitening.global(group, gae.advantages(), x.mask);
        x.returns = gae.returns();
        long t3 = System.nanoTime();
        Map<String, Double> m = update(x, step);
        long t4 = System.nanoTime();
        double[] totals = group.sum(sum(x.kl, x.mask), sum(x.scores), sum(x.mask, x.mask));
        int rows = c.rolloutBatch();
        double klPerSeq = totals[0] / rows;
        m.put("reward", totals[1] / rows);
        m.put("kl", klPerSeq);
        m.put("response_length", totals[2] / rows);
        m.put("beta", (double) beta.item_float());
        m.put("time_rollout", (t1 - t0) / 1e9);
        m.put("time_policy", x.timePolicy);
        m.put("time_reference", x.timeReference);
        m.put("time_reward", x.timeReward);
        m.put("time_gae", (t3 - t2) / 1e9);
        m.put("time_update", (t4 - t3) / 1e9);
        adaptBeta(klPerSeq, rows);
        return m;
    }

    /** Ziegler et al.'s proportional controller: beta *= 1 + clip(KL / target - 1, +-0.2) * batch / horizon. */
    private void adaptBeta(double kl, int batch) {
        if (c.targetKl() <= 0) return;
        double err = Math.max(-0.2, Math.min(0.2, kl / c.targetKl() - 1));
        try (var g = new NoGradGuard()) {
            beta.mul_(new Scalar(1 + err * batch / c.klHorizon()));
        }
    }

    /** Old log-probs and values (policy), reference log-probs (SFT), and scores (RM) of a rollout batch. */
    Experience score(List<Rollouts.Rollout> rollouts) {
        Experience x = new Experience();
        x.rows = rollouts.size();
        List<int[]> full = new ArrayList<>();
        x.promptLength = new int[x.rows];
        x.responseLength = new int[x.rows];
        for (int r = 0; r < x.rows; r++) {
            full.add(rollouts.get(r).full());
            x.promptLength[r] = rollouts.get(r).prompt().length;
            x.responseLength[r] = rollouts.get(r).response().length;
            x.length = Math.max(x.length, x.responseLength[r]);
        }
        Batches.Padded p = Batches.rightPad(full, tok.padId());
        x.width = p.width();
        x.tokens = p.tokens();
        int n = x.rows * x.length;
        x.actions = new int[n];
        x.mask = new float[n];
        for (int r = 0; r < x.rows; r++)
            for (int j = 0; j < x.responseLength[r]; j++) {
                x.actions[r * x.length + j] = rollouts.get(r).response()[j];
                x.mask[r * x.length + j] = 1f;
            }
        Tensor tokens = p.tensor(), index = x.sourceIndex(allRows(x.rows));
        ac.train(false);
        try (var g = new NoGradGuard()) {
            long t0 = System.nanoTime();
            Tensor[] lv = ac.forward(tokens);
            x.oldLogprobs = logprobs(gatherRows(lv[0], index), x.actions);
            x.oldValues = floats(lv[1].reshape(-1).index_select(0, index));
            long t1 = System.nanoTime();
            x.refLogprobs = logprobs(gatherRows(reference.forward(tokens), index), x.actions);
            long t2 = System.nanoTime();
            x.scores = rewardScores(rollouts);
            x.timePolicy = (t1 - t0) / 1e9;
            x.timeReference = (t2 - t1) / 1e9;
            x.timeReward = (System.nanoTime() - t2) / 1e9;
        }
        return x;
    }

    /**
     * The reward model's score of each rollout as it was trained to read one (prompt, response,
     * EOS: a response cut at the length limit gets its EOS appended), less missing_eos_penalty
     * for each cut one.
     */
    private float[] rewardScores(List<Rollouts.Rollout> rollouts) {
        float[] s = Scoring.rolloutScores(rm, tok, rollouts, rollouts.size());
        for (int i = 0; i < s.length; i++) if (!rollouts.get(i).ended(tok.eosId())) s[i] -= c.missingEosPenalty();
        return s;
    }

    /** Epochs of minibatch updates over the experience's rows; the statistics averaged over minibatches. */
    private Map<String, Double> update(Experience x, int step) {
        ac.train(true);
        double lr = c.optim().lrAt(step, c.steps());
        double[] sums = new double[6];
        int updates = 0;
        SplittableRandom rng = new SplittableRandom(c.schedule().seed() * 31 + step);
        int batch = c.rolloutBatch();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            int[] order = Batches.permutation(batch, rng);
            for (int at = 0; at < batch; at += c.minibatch()) {
                int[] rows = x.ownRows(Arrays.copyOfRange(order, at, at + c.minibatch()));
                try (var scope = new org.bytedeco.javacpp.PointerScope()) {
                    double[] s = minibatchStep(x, rows, lr, step >= c.critic().warmupSteps());
                    for (int i = 0; i < s.length; i++) sums[i] += s[i];
                }
                updates++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        String[] names = {"loss", "policy_loss", "clip_fraction", "approx_kl", "entropy", "value_loss"};
        for (int i = 0; i < names.length; i++) m.put(names[i], sums[i] / updates);
        m.put("lr", lr);
        return m;
    }

    /**
     * One optimiser step on some rows (the policy's only when actorMoves; the critic's always):
     * returns loss, policy loss, clip fraction, approx KL, entropy, value loss.
     */
    double[] minibatchStep(Experience x, int[] rows, double lr, boolean actorMoves) {
        adam.zeroGrad();
        if (criticAdam != null) criticAdam.zeroGrad();
        double[] out = new double[6];
        double own = 0;
        for (int r : rows) for (int j = 0; j < x.length; j++) own += x.mask[r * x.length + j];
        // Each side's loss is a mean over the minibatch's tokens: a rank's share of it weighs its tokens by the global count.
        double tokens = group.sum(own);
        if (rows.length > 0) out = minibatchLoss(x, rows, group.size() == 1 ? 1f : (float) (own / tokens));
        for (int i = 0; i < out.length; i++) out[i] *= own / tokens;
        out = group.sum(out);
        if (actorMoves) {
            group.sumGradients(adam.parameters());
            adam.clipGradNorm(c.optim().gradClip());
            adam.step(lr);
        }
        if (criticAdam != null) {
            group.sumGradients(criticAdam.parameters());
            criticAdam.clipGradNorm(c.optim().gradClip());
            criticAdam.step(c.critic().lr() * lr / c.optim().lr());  // the critic follows the actor's schedule
        }
        return out;
    }

    /**
     * Backward of the clipped policy loss and the clipped value loss on some rows, each scaled by
     * share (this rank's part of the minibatch's tokens; 1 alone): returns loss, policy loss,
     * clip fraction, approx KL, entropy, value loss, each a mean over these rows' tokens.
     */
    private double[] minibatchLoss(Experience x, int[] rows, float share) {
        Experience.Slice s = x.slice(rows);
        Tensor tokens = Tensor.create(s.tokens, rows.length, x.width);
        Tensor index = x.sourceIndex(rows);
        Tensor[] lv = ac.forward(tokens);
        Tensor logits = gatherRows(lv[0], index);                     // [m * L, V], a contiguous copy
        Tensor values = lv[1].reshape(-1).index_select(0, index);     // [m * L]
        int n = s.actions.length, vocab = (int) logits.size(1);
        Params.Ppo params = c.kernelParams();
        // The critic's side is the same on both paths: clipped value loss and d loss / d values (value kernel).
        float[] gv = new float[n];
        var vs = kernels.advantages().valueLoss(floats(values), s.oldValues, s.returns, s.mask, c.valueClip(), gv);
        Tensor vGrad = Devices.to(Tensor.create(gv, n)).mul(new Scalar(c.valueCoef()));
        if (share != 1f) vGrad = vGrad.mul(new Scalar(share));
        if (compositeLoss) {
            Tensor[] lossParts = CompositePpo.loss(logits, s, params);
            Tensor policy = share != 1f ? lossParts[0].mul(new Scalar(share)) : lossParts[0];
            policy.add(values.mul(vGrad).sum()).backward();
            double policyLoss = lossParts[0].item_double() + c.entropyCoef() * lossParts[3].item_double();
            return new double[] {lossParts[0].item_double(), policyLoss, lossParts[1].item_double(),
                    lossParts[2].item_double(), lossParts[3].item_double(), vs.loss()};
        }
        Tensor host = Devices.cpu(logits), grad = torch.empty_like(host);  // the kernel reads and writes host memory
        var ps = kernels.ppo().compute(segment(host), Dtype.F32, n, vocab, vocab, MemorySegment.ofArray(s.actions),
                MemorySegment.ofArray(s.oldLogprobs), MemorySegment.ofArray(s.advantages),
                MemorySegment.ofArray(s.mask), params, segment(grad));
        grad = Devices.to(grad);
        if (share != 1f) grad = grad.mul(new Scalar(share));
        // One backward pass from both heads: d loss / d logits from the kernel, d value loss / d values scaled.
        torch.cat(new TensorVector(logits.reshape(-1), values)).backward(torch.cat(new TensorVector(grad.reshape(-1), vGrad)),
                new org.bytedeco.pytorch.BoolOptional(), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
        return new double[] {ps.loss(), ps.policyLoss(), ps.clipFraction(), ps.approxKl(), ps.entropy(), vs.loss()};
    }

    private static int[] allRows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static Tensor gatherRows(Tensor logits, Tensor index) {
        return logits.reshape(-1, logits.size(2)).index_select(0, index).contiguous();
    }

    private float[] logprobs(Tensor logits, int[] actions) {
        return Scoring.logprobs(kernels, logits, actions, c.temperature());
    }

    private static double sum(float[] a, float[] mask) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * mask[i];
        return s;
    }

    private static double sum(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s;
    }

    @Override
    public Map<String, Double> evaluate() {
        return Map.of();
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>(ac.namedParameters());
        adam.state().forEach((k, v) -> s.put("actor." + k, v));
        if (criticAdam != null) criticAdam.state().forEach((k, v) -> s.put("critic." + k, v));
        s.put("kl.beta", beta);
        return s;
    }

    @Override
    public void export(Path dir) throws IOException {
        ModelDir.savePolicy(ac.policy, tokFile, dir);
    }
}
