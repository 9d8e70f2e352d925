package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.ActorCritic;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
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
    private final PpoConfig c;
    private final ActorCritic ac;
    private final Gpt reference;
    private final RewardModel rm;
    private final Tokenizer tok;
    private final Path tokFile;
    private final List<String> prompts;
    private final Kernels kernels;
    private final AdamW adam, criticAdam;  // a separate critic gets its own optimiser and gradient clip
    /** Every parameter either optimiser updates: what a minibatch's backward differentiates. */
    private final List<Tensor> trainable;
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
    public Ppo(PpoConfig c, Gpt policy, Gpt reference, RewardModel rm, Tokenizer tok, Path tokFile, List<String> prompts,
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
        this.trainable = new ArrayList<>(adam.parameters());
        if (criticAdam != null) trainable.addAll(criticAdam.parameters());
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
    public static Map<String, Double> run(PpoConfig c, RunDir run, boolean resume, boolean quiet, Group group) throws IOException {
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

    /** Old log-probs and values (policy), reference log-probs (SFT) and RM scores of a rollout batch. */
    Experience score(List<Rollouts.Rollout> rollouts) {
        return Experience.scored(rollouts, ac, reference, rm, tok, kernels, c);
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
                try (var scope = new PointerScope()) {
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
        double own = tokens(x, rows);
        // Each side's loss is a mean over the minibatch's tokens: a rank's (or a shard's) part weighs its tokens by the global count.
        double tokens = group.sum(own);
        if (rows.length > 0) {
            List<double[]> shards = GradientShards.backward(trainable, rows.length, (from, to) -> {
                int[] part = Arrays.copyOfRange(rows, from, to);
                double mine = tokens(x, part);
                var p = PpoLoss.loss(ac, kernels, c, compositeLoss, x, part, mine == tokens ? 1f : (float) (mine / tokens));
                for (int i = 0; i < p.stats().length; i++) p.stats()[i] *= mine / tokens;
                return p;
            });
            for (double[] s : shards) for (int i = 0; i < out.length; i++) out[i] += s[i];
        }
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

    /** The response tokens of some rows (their mask's sum). */
    private static double tokens(Experience x, int[] rows) {
        double n = 0;
        for (int r : rows) for (int j = 0; j < x.length; j++) n += x.mask[r * x.length + j];
        return n;
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
