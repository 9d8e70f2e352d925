package org.gendiv.diversity;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mean, sample standard deviation and a percentile-bootstrap 95% CI of per-input values; without
 * resamples, or with one value, there is no CI (NaN bounds, null in JSON).
 */
public record Summary(double mean, double std, double ciLow, double ciHigh, int n) {
    public static Summary of(double[] values, int resamples, long seed) {
        int n = values.length;
        if (n == 0) return new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        double mean = 0;
        for (double v : values) mean += v;
        mean /= n;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        if (resamples <= 0 || n == 1) return new Summary(mean, std, Double.NaN, Double.NaN, n);
        var rng = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += values[rng.nextInt(n)];
            means[b] = s / n;
        }
        Arrays.sort(means);
        return new Summary(mean, std, quantile(means, 0.025), quantile(means, 0.975), n);
    }

    /** Linear interpolation between order statistics (numpy's default). */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
