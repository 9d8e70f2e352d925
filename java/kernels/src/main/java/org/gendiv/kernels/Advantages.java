package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/** The critic's side of PPO: clipped value loss, GAE with returns, and masked whitening. */
public final class Advantages {
    private final Kernels k;

    Advantages(Kernels k) {
        this.k = k;
    }

    public record ValueStats(float loss, float clipFraction, float maskSum) {}

    public record Gae(float[] advantages, float[] returns) {}

    /** 0.5 masked_mean(max((v - R)^2, (clamp(v, v_old +- clip) - R)^2)); gradOut (nullable) gets d/dv. */
    public ValueStats valueLoss(float[] values, float[] oldValues, float[] returns, float[] mask, float clip,
            float[] gradOut) {
        Checks.require(values != null, "values must not be null");
        int n = values.length;
        Checks.positive(n, "values.length");
        Checks.require(oldValues != null && oldValues.length == n, "oldValues.length must be " + n);
        Checks.require(returns != null && returns.length == n, "returns.length must be " + n);
        Checks.require(mask != null && mask.length == n, "mask.length must be " + n);
        Checks.require(gradOut == null || gradOut.length == n, "gradOut.length must be " + n);
        Checks.require(Float.isFinite(clip) && clip >= 0, "clip must be finite and >= 0, got " + clip);
        float[] stats = new float[3];
        k.check(k.calls.valueLoss(k.device(), MemorySegment.ofArray(values), MemorySegment.ofArray(oldValues),
                MemorySegment.ofArray(returns), MemorySegment.ofArray(mask), n, clip,
                gradOut == null ? null : MemorySegment.ofArray(gradOut), stats));
        return new ValueStats(stats[0], stats[1], stats[2]);
    }

    /** GAE over [batch, seqLen]; a masked position ends the recursion and gets A = R = 0. */
    public Gae gae(float[] rewards, float[] values, float[] mask, int batch, int seqLen, float gamma, float lambda) {
        Checks.positive(batch, "batch");
        Checks.positive(seqLen, "seqLen");
        long n = (long) batch * seqLen;
        Checks.require(rewards != null && rewards.length == n, "rewards.length must be batch * seqLen = " + n);
        Checks.require(values != null && values.length == n, "values.length must be batch * seqLen = " + n);
        Checks.require(mask != null && mask.length == n, "mask.length must be batch * seqLen = " + n);
        Checks.require(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got " + gamma);
        Checks.require(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1], got " + lambda);
        float[] adv = new float[(int) n], ret = new float[(int) n];
        k.check(k.calls.gae(k.device(), MemorySegment.ofArray(rewards), MemorySegment.ofArray(values),
                MemorySegment.ofArray(mask), batch, seqLen, gamma, lambda, MemorySegment.ofArray(adv),
                MemorySegment.ofArray(ret)));
        return new Gae(adv, ret);
    }

    /** (x - mean) / std over the masked entries (Bessel-corrected; needs >= 2), 0 elsewhere. */
    public float[] whiten(float[] x, float[] mask, boolean shiftMean) {
        Checks.require(x != null, "x must not be null");
        Checks.positive(x.length, "x.length");
        Checks.require(mask != null && mask.length == x.length, "mask.length must be x.length = " + x.length);
        double msum = 0;
        for (float m : mask) msum += m;
        Checks.require(msum >= 2, "mask must select at least 2 entries (Bessel-corrected variance), sum = " + msum);
        float[] out = new float[x.length];
        k.check(k.calls.maskedWhiten(k.device(), MemorySegment.ofArray(x), MemorySegment.ofArray(mask), x.length,
                shiftMean, MemorySegment.ofArray(out)));
        return out;
    }
}
