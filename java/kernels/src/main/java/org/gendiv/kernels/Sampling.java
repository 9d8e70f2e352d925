package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;

/**
 * Sampling from logits [rows, vocab]: temperature, top-k, top-p, min-p, then Gumbel-max with
 * Philox4x32-10 noise keyed by the seed and countered by (row id, step, token). Returns each
 * token, its log-prob under the full temperature-scaled distribution, and the kept mass.
 */
public final class Sampling {
    private final Kernels k;

    Sampling(Kernels k) {
        this.k = k;
    }

    public record Result(int[] tokens, float[] logprobs, float[] keptMass) {}

    /** Row ids 0..rows-1. */
    public Result sample(float[] logits, int rows, int vocab, Params.Sampling p) {
        return sample(logits, rows, vocab, null, p);
    }

    /** rowIds (nullable) names each row's random stream, so a row draws the same token in any batch. */
    public Result sample(float[] logits, int rows, int vocab, long[] rowIds, Params.Sampling p) {
        Checks.require(logits != null, "logits must not be null");
        Checks.require(logits.length == (long) rows * vocab,
                "logits.length = " + logits.length + " but rows * vocab = " + (long) rows * vocab);
        return sample(MemorySegment.ofArray(logits), rows, vocab, rowIds, p);
    }

    public Result sample(FloatBuffer logits, int rows, int vocab, long[] rowIds, Params.Sampling p) {
        Checks.require(logits != null, "logits must not be null");
        Checks.require(logits.remaining() == (long) rows * vocab,
                "logits.remaining() = " + logits.remaining() + " but rows * vocab = " + (long) rows * vocab);
        return sample(MemorySegment.ofBuffer(logits), rows, vocab, rowIds, p);
    }

    private Result sample(MemorySegment logits, int rows, int vocab, long[] rowIds, Params.Sampling p) {
        Checks.require(rowIds == null || rowIds.length == rows,
                "rowIds.length = " + (rowIds == null ? 0 : rowIds.length) + " but rows = " + rows);
        int[] tokens = new int[Math.max(rows, 0)];
        float[] logprobs = new float[Math.max(rows, 0)], kept = new float[Math.max(rows, 0)];
        sample(logits, Dtype.F32, rows, vocab, vocab, rowIds == null ? null : MemorySegment.ofArray(rowIds), p,
                MemorySegment.ofArray(tokens), MemorySegment.ofArray(logprobs), MemorySegment.ofArray(kept));
        return new Result(tokens, logprobs, kept);
    }

    /**
     * The general form: logits [rows, rowStride] of dtype (host memory on the CPU, device memory on
     * CUDA), rowIds int64 [rows] (nullable), outputs int32/float32 [rows] (outKeptMass nullable).
     */
    public void sample(MemorySegment logits, Dtype dtype, long rows, long vocab, long rowStride,
            MemorySegment rowIds, Params.Sampling p, MemorySegment outTokens, MemorySegment outLogprobs,
            MemorySegment outKeptMass) {
        Device d = k.device();
        Checks.require(p != null, "params must not be null");
        Checks.require(dtype != null, "dtype must not be null");
        Checks.rows(rows, "rows", vocab, rowStride);
        p.check(vocab);
        Checks.size(logits, Checks.matrixElements(rows, vocab, rowStride), dtype.bytes, "logits", d);
        if (rowIds != null) Checks.size(rowIds, rows, 8, "rowIds", d);
        Checks.size(outTokens, rows, 4, "outTokens", d);
        Checks.size(outLogprobs, rows, 4, "outLogprobs", d);
        if (outKeptMass != null) Checks.size(outKeptMass, rows, 4, "outKeptMass", d);
        for (var s : new MemorySegment[] {logits, rowIds, outTokens, outLogprobs, outKeptMass})
            k.requireReachable(s, "a buffer");
        k.check(k.calls.sample(d, logits, dtype, rows, vocab, rowStride, rowIds, p, outTokens, outLogprobs,
                outKeptMass));
    }

    /** Convenience for bf16 logits held as raw bits in a short[] (the top half of each float32). */
    public Result sampleBf16(short[] logits, int rows, int vocab, Params.Sampling p) {
        Checks.require(logits != null && logits.length == (long) rows * vocab,
                "logits.length must be rows * vocab = " + (long) rows * vocab);
        int[] tokens = new int[rows];
        float[] logprobs = new float[rows], kept = new float[rows];
        sample(MemorySegment.ofArray(logits), Dtype.BF16, rows, vocab, vocab, null, p, MemorySegment.ofArray(tokens),
                MemorySegment.ofArray(logprobs), MemorySegment.ofArray(kept));
        return new Result(tokens, logprobs, kept);
    }
}
