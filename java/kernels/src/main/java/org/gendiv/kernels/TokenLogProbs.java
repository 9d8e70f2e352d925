package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/** Token log-probs z_y/T - logsumexp(z/T) and entropies of softmax(z/T), one read of each row. */
public final class TokenLogProbs {
    private final Kernels k;

    TokenLogProbs(Kernels k) {
        this.k = k;
    }

    public record Result(float[] logprobs, float[] entropy) {}

    public Result compute(float[] logits, int n, int vocab, int[] targets, float temperature) {
        Checks.require(logits != null && logits.length == (long) n * vocab,
                "logits.length must be n * vocab = " + (long) n * vocab);
        Checks.require(targets != null && targets.length == n, "targets.length must be n = " + n);
        float[] lp = new float[n], h = new float[n];
        compute(MemorySegment.ofArray(logits), Dtype.F32, n, vocab, vocab, MemorySegment.ofArray(targets), temperature,
                MemorySegment.ofArray(lp), MemorySegment.ofArray(h));
        return new Result(lp, h);
    }

    /** General form; outEntropy is nullable. */
    public void compute(MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride, MemorySegment targets,
            float temperature, MemorySegment outLogprobs, MemorySegment outEntropy) {
        Device d = k.device();
        Checks.require(dtype != null, "dtype must not be null");
        Checks.rows(n, "n", vocab, rowStride);
        Checks.require(Float.isFinite(temperature) && temperature > 0,
                "temperature must be finite and > 0, got " + temperature);
        Checks.size(logits, Checks.matrixElements(n, vocab, rowStride), dtype.bytes, "logits", d);
        Checks.ids(targets, n, vocab, "targets", d);
        Checks.size(outLogprobs, n, 4, "outLogprobs", d);
        if (outEntropy != null) Checks.size(outEntropy, n, 4, "outEntropy", d);
        for (var s : new MemorySegment[] {logits, targets, outLogprobs, outEntropy}) k.requireReachable(s, "a buffer");
        k.check(k.calls.tokenLogprobs(d, logits, dtype, n, vocab, rowStride, targets, temperature, outLogprobs,
                outEntropy));
    }
}
