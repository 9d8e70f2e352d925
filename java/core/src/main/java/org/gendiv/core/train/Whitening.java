package org.gendiv.core.train;

import org.gendiv.core.dist.Group;

/**
 * Masked whitening of PPO's advantages over a batch spread across ranks: the mean and the
 * Bessel-corrected variance of every rank's masked values (two all-reduces), then each value
 * less the mean over the standard deviation. The whitening kernel's formula, in float64 as it
 * computes it, with the sums taken over the group; alone, the kernel itself is used.
 */
final class Whitening {
    private Whitening() {}

    static float[] global(Group group, float[] x, float[] mask) {
        double msum = 0, sum = 0;
        for (int i = 0; i < x.length; i++) {
            msum += mask[i];
            sum += (double) mask[i] * x[i];
        }
        double[] totals = group.sum(msum, sum);
        double mean = totals[1] / totals[0], ss = 0;
        for (int i = 0; i < x.length; i++) ss += (double) mask[i] * (x[i] - mean) * (x[i] - mean);
        double var = group.sum(ss) / (totals[0] - 1.0), invStd = 1.0 / Math.sqrt(var + 1e-8);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = mask[i] != 0f ? (float) ((x[i] - mean) * invStd) : 0f;
        return out;
    }
}
