package org.gendiv.kernels;

/** Parameter records of the kernels, with the study's defaults (docs/study.md). */
public final class Params {
    private Params() {}

    /**
     * Sampling: temperature 0 = greedy; topK 0, topP 1, minP 0 = off. Noise is keyed by seed and
     * countered by (row id, step, token), so the same (seed, row id, step) gives the same token
     * whatever the batch.
     */
    public record Sampling(float temperature, int topK, float topP, float minP, long seed, long step) {
        public static Sampling of(float temperature, long seed) {
            return new Sampling(temperature, 0, 1.0f, 0.0f, seed, 0);
        }

        public Sampling withTopK(int k) {
            return new Sampling(temperature, k, topP, minP, seed, step);
        }

        public Sampling withTopP(float p) {
            return new Sampling(temperature, topK, p, minP, seed, step);
        }

        public Sampling withMinP(float p) {
            return new Sampling(temperature, topK, topP, p, seed, step);
        }

        public Sampling withStep(long s) {
            return new Sampling(temperature, topK, topP, minP, seed, s);
        }

        void check(long vocab) {
            Checks.require(Float.isFinite(temperature) && temperature >= 0,
                    "temperature must be finite and >= 0, got " + temperature);
            Checks.require(topK >= 0 && topK <= vocab, "topK must be in [0, vocab = " + vocab + "], got " + topK);
            Checks.require(topP > 0 && topP <= 1, "topP must be in (0, 1], got " + topP);
            Checks.require(minP >= 0 && minP < 1, "minP must be in [0, 1), got " + minP);
        }
    }

    /** KL estimators of log pi - log pi_ref (Schulman 2020): k1, k2 (the study's), k3. */
    public enum KlEstimator {
        K1(1), K2(2), K3(3);

        final int code;

        KlEstimator(int code) {
            this.code = code;
        }
    }

    /** Per-token KL rewards: -beta k, plus the sequence score (clipped when scoreClip > 0) at the last token. */
    public record KlReward(float beta, KlEstimator estimator, float scoreClip) {
        public static KlReward study() {
            return new KlReward(0.05f, KlEstimator.K2, 0.0f);
        }

        void check() {
            Checks.require(Float.isFinite(beta), "beta must be finite, got " + beta);
            Checks.require(estimator != null, "estimator must not be null");
            Checks.require(Float.isFinite(scoreClip) && scoreClip >= 0,
                    "scoreClip must be finite and >= 0 (0 = off), got " + scoreClip);
        }
    }

    /** Fused PPO loss: clip range [1 - epsLow, 1 + epsHigh], dual clip (0 = off), entropy bonus. */
    public record Ppo(float temperature, float epsLow, float epsHigh, float dualClip, float entropyCoef,
            float logRatioClamp) {
        public static Ppo study() {
            return new Ppo(1.0f, 0.2f, 0.2f, 0.0f, 0.0f, 20.0f);
        }

        public Ppo withEntropyCoef(float c) {
            return new Ppo(temperature, epsLow, epsHigh, dualClip, c, logRatioClamp);
        }

        public Ppo withDualClip(float c) {
            return new Ppo(temperature, epsLow, epsHigh, c, entropyCoef, logRatioClamp);
        }

        public Ppo withTemperature(float t) {
            return new Ppo(t, epsLow, epsHigh, dualClip, entropyCoef, logRatioClamp);
        }

        void check() {
            Checks.require(Float.isFinite(temperature) && temperature > 0,
                    "temperature must be finite and > 0, got " + temperature);
            Checks.require(epsLow >= 0 && epsLow < 1, "epsLow must be in [0, 1), got " + epsLow);
            Checks.require(Float.isFinite(epsHigh) && epsHigh >= 0, "epsHigh must be finite and >= 0, got " + epsHigh);
            Checks.require(dualClip == 0 || (Float.isFinite(dualClip) && dualClip > 1),
                    "dualClip must be 0 (off) or > 1, got " + dualClip);
            Checks.require(Float.isFinite(entropyCoef), "entropyCoef must be finite, got " + entropyCoef);
            Checks.require(Float.isFinite(logRatioClamp) && logRatioClamp > 0,
                    "logRatioClamp must be finite and > 0, got " + logRatioClamp);
        }
    }
}
