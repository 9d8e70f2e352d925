package org.gendiv.core.train;

import java.util.List;

import org.gendiv.core.io.Configs;
import org.gendiv.kernels.Params;

/**
 * PPO's settings (`gendiv train ppo`'s config and the study's ppo block), checked when made;
 * {@link #defaults()} names the stage's defaults, the study's own in {@code StudyConfig}.
 */
public record PpoConfig(String prompts, String init, String reward, boolean sharedValueTrunk, OptimConfig optim,
        int steps, int rolloutBatch, int minibatch, int epochs, int maxNewTokens, float temperature, float clip,
        float valueClip, float valueCoef, float gamma, float lambda, float beta, Params.KlEstimator estimator,
        float targetKl, int klHorizon, float scoreClip, float entropyCoef, Critic critic, float missingEosPenalty,
        Trainer.Schedule schedule) {
    /** `gendiv train ppo`'s defaults (the study sets its own in StudyConfig). */
    public static PpoConfig defaults() {
        return new PpoConfig(
                null, null, null,          // prompts, init (the SFT model), reward (the reward model): the config names them
                false,                     // shared_value_trunk: the critic has a trunk of its own
                OptimConfig.of(1e-5).withWarmup(0),  // the actor's AdamW
                100,                       // steps
                32,                        // rollout_batch: prompts rolled out per step
                8,                         // minibatch: rows per optimiser step
                4,                         // epochs over each rollout batch
                16,                        // max_new_tokens per response
                1.0f,                      // temperature of the rollouts
                0.2f,                      // clip: the policy ratio's clip
                0.2f,                      // value_clip
                0.1f,                      // value_coef
                1.0f, 0.95f,               // gamma, lambda (GAE)
                0.05f,                     // beta: the KL penalty's coefficient
                Params.KlEstimator.K2,     // estimator of the per-token KL
                0f,                        // target_kl: 0 keeps beta fixed
                10000,                     // kl_horizon of the adaptive controller
                0f,                        // score_clip: 0 = off
                0f,                        // entropy_coef
                Critic.defaults(),
                0f,                        // missing_eos_penalty
                new Trainer.Schedule(1, 0, 10, 1));  // log every step, no evaluation, a checkpoint every 10, seed 1
    }

    public PpoConfig {
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

    public PpoConfig withBeta(float b) {
        return Configs.with(this, "beta", b);
    }

    /** The fused kernel's parameters: the policy clip on both sides, no dual clip, log-ratios clamped at +-20. */
    Params.Ppo kernelParams() {
        return new Params.Ppo(temperature, clip, clip, NO_DUAL_CLIP, entropyCoef, LOG_RATIO_CLAMP);
    }

    static final float NO_DUAL_CLIP = 0f, LOG_RATIO_CLAMP = 20f;

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
            return new Critic(
                    1e-4,     // lr: above the actor's
                    0,        // warmup_steps: critic-only steps first
                    "zero");  // head_init
        }

        public Critic {
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("critic.lr must be > 0, got " + lr);
            if (warmupSteps < 0) throw new IllegalArgumentException("critic.warmup_steps must be >= 0, got " + warmupSteps);
            if (!List.of("reward_model", "zero", "random").contains(headInit))
                throw new IllegalArgumentException("critic.head_init must be reward_model, zero or random, got '" + headInit + "'");
        }
    }
}
