package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The fused PPO clipped loss from logits: loss, statistics and d loss / d logits in one kernel.
 * The gradient may overwrite the logits (pass the same buffer), so no second [N, V] buffer is
 * needed; hand it to LibTorch with {@code logits.backward(grad)}.
 */
public final class PpoLoss {
    private final Kernels k;

    PpoLoss(Kernels k) {
        this.k = k;
    }

    /** loss = policyLoss - entropyCoef * entropy; all masked means over tokens. */
    public record Stats(float loss, float policyLoss, float clipFraction, float approxKl, float entropy,
            float maskSum) {
        static Stats of(float[] s) {
            return new Stats(s[0], s[1], s[2], s[3], s[4], s[5]);
        }
    }

    /** Rows of logits are tokens [n, vocab]; gradOut (nullable) is [n * vocab] and may be logits itself. */
    public Stats compute(float[] logits, int n, int vocab, int[] actions, float[] oldLogprobs, float[] advantages,
            float[] mask, Params.Ppo p, float[] gradOut) {
        long size = (long) n * vocab;
        Checks.require(logits != null && logits.length == size, "logits.length must be n * vocab = " + size);
        Checks.require(gradOut == null || gradOut.length == size, "gradOut.length must be n * vocab = " + size);
        Checks.require(actions != null && actions.length == n, "actions.length must be n = " + n);
        Checks.require(oldLogprobs != null && oldLogprobs.length == n, "oldLogprobs.length must be n = " + n);
        Checks.require(advantages != null && advantages.length == n, "advantages.length must be n = " + n);
        Checks.require(mask != null && mask.length == n, "mask.length must be n = " + n);
        MemorySegment z = MemorySegment.ofArray(logits);
        MemorySegment g = gradOut == null ? null : gradOut == logits ? z : MemorySegment.ofArray(gradOut);
        return compute(z, Dtype.F32, n, vocab, vocab, MemorySegment.ofArray(actions), MemorySegment.ofArray(oldLogprobs),
                MemorySegment.ofArray(advantages), MemorySegment.ofArray(mask), p, g);
    }

    public Stats compute(MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride, MemorySegment actions,
            MemorySegment oldLogprobs, MemorySegment advantages, MemorySegment mask, Params.Ppo p,
            MemorySegment gradOut) {
        Device d = k.device();
        Checks.require(p != null, "params must not be null");
        Checks.require(dtype != null, "dtype must not be null");
        p.check();
        Checks.rows(n, "n", vocab, rowStride);
        long elems = Checks.matrixElements(n, vocab, rowStride);
        Checks.size(logits, elems, dtype.bytes, "logits", d);
        if (gradOut != null) Checks.size(gradOut, elems, dtype.bytes, "gradOut", d);
        Checks.ids(actions, n, vocab, "actions", d);
        Checks.size(oldLogprobs, n, 4, "oldLogprobs", d);
        Checks.size(advantages, n, 4, "advantages", d);
        Checks.size(mask, n, 4, "mask", d);
        for (var s : new MemorySegment[] {logits, actions, oldLogprobs, advantages, mask, gradOut})
            k.requireReachable(s, "a buffer");
        float[] stats = new float[6];
        k.check(k.calls.ppoLoss(d, logits, dtype, n, vocab, rowStride, actions, oldLogprobs, advantages, mask, p,
                gradOut, stats));
        return Stats.of(stats);
    }
}
