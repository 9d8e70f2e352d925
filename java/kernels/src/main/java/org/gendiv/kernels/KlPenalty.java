package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The KL penalty of RLHF: per-token estimators of log pi - log pi_ref, the per-token rewards
 * -beta k with the sequence score at the last unmasked token, and the exact KL between two
 * full distributions.
 */
public final class KlPenalty {
    private final Kernels k;

    KlPenalty(Kernels k) {
        this.k = k;
    }

    public record Rewards(float[] rewards, float[] kl) {}

    public float[] perToken(float[] logprobs, float[] refLogprobs, Params.KlEstimator estimator) {
        Checks.require(logprobs != null && refLogprobs != null, "logprobs and refLogprobs must not be null");
        Checks.require(logprobs.length == refLogprobs.length,
                "refLogprobs.length = " + refLogprobs.length + " but logprobs.length = " + logprobs.length);
        Checks.require(estimator != null, "estimator must not be null");
        Checks.positive(logprobs.length, "logprobs.length");
        float[] out = new float[logprobs.length];
        k.check(k.calls.klPerToken(k.device(), MemorySegment.ofArray(logprobs), MemorySegment.ofArray(refLogprobs),
                logprobs.length, estimator.code, MemorySegment.ofArray(out)));
        return out;
    }

    /** Arrays [batch * seqLen] row-major; scores [batch]. */
    public Rewards rewards(float[] logprobs, float[] refLogprobs, float[] mask, float[] scores, int batch, int seqLen,
            Params.KlReward p) {
        Checks.require(p != null, "params must not be null");
        p.check();
        Checks.positive(batch, "batch");
        Checks.positive(seqLen, "seqLen");
        long n = (long) batch * seqLen;
        Checks.require(logprobs != null && logprobs.length == n, "logprobs.length must be batch * seqLen = " + n);
        Checks.require(refLogprobs != null && refLogprobs.length == n, "refLogprobs.length must be batch * seqLen = " + n);
        Checks.require(mask != null && mask.length == n, "mask.length must be batch * seqLen = " + n);
        Checks.require(scores != null && scores.length == batch, "scores.length must be batch = " + batch);
        float[] rewards = new float[(int) n], kl = new float[(int) n];
        k.check(k.calls.klRewards(k.device(), MemorySegment.ofArray(logprobs), MemorySegment.ofArray(refLogprobs),
                MemorySegment.ofArray(mask), MemorySegment.ofArray(scores), batch, seqLen, p,
                MemorySegment.ofArray(rewards), MemorySegment.ofArray(kl)));
        return new Rewards(rewards, kl);
    }

    /** Exact KL(softmax(z/T) || softmax(z_ref/T)) per row of two [n, vocab] logit matrices. */
    public float[] exact(float[] logits, float[] refLogits, int n, int vocab, float temperature) {
        long size = (long) n * vocab;
        Checks.require(logits != null && logits.length == size, "logits.length must be n * vocab = " + size);
        Checks.require(refLogits != null && refLogits.length == size, "refLogits.length must be n * vocab = " + size);
        float[] out = new float[Math.max(n, 0)];
        exact(MemorySegment.ofArray(logits), MemorySegment.ofArray(refLogits), Dtype.F32, n, vocab, vocab, vocab,
                temperature, MemorySegment.ofArray(out));
        return out;
    }

    public void exact(MemorySegment logits, MemorySegment refLogits, Dtype dtype, long n, long vocab, long rowStride,
            long refRowStride, float temperature, MemorySegment outKl) {
        Device d = k.device();
        Checks.require(dtype != null, "dtype must not be null");
        Checks.rows(n, "n", vocab, rowStride);
        Checks.require(refRowStride >= vocab, "refRowStride must be >= vocab (" + vocab + "), got " + refRowStride);
        Checks.require(Float.isFinite(temperature) && temperature > 0,
                "temperature must be finite and > 0, got " + temperature);
        Checks.size(logits, Checks.matrixElements(n, vocab, rowStride), dtype.bytes, "logits", d);
        Checks.size(refLogits, Checks.matrixElements(n, vocab, refRowStride), dtype.bytes, "refLogits", d);
        Checks.size(outKl, n, 4, "outKl", d);
        for (var s : new MemorySegment[] {logits, refLogits, outKl}) k.requireReachable(s, "a buffer");
        k.check(k.calls.klExact(d, logits, refLogits, dtype, n, vocab, rowStride, refRowStride, temperature, outKl));
    }
}
