package org.gendiv.diversity;

import java.util.Arrays;

/**
 * Self-BLEU of a set (Zhu et al. 2018, Texygen): the BLEU-4 of each output against all the others
 * as references, averaged; diversity = 1 - Self-BLEU. BLEU as NLTK's sentence_bleu with uniform
 * weights and smoothing method1 (epsilon 0.1 for a zero count), 0 when no unigram matches, and the
 * brevity penalty against the closest reference length (the shorter on ties).
 *
 * <p>Linear in the set's size: for each n-gram the largest and second-largest count over the
 * outputs give every output's "max count in the other outputs" without comparing pairs.
 */
public final class SelfBleu {
    private static final int N = 4;
    private static final double EPSILON = 0.1;

    private SelfBleu() {}

    /** Mean BLEU-4 of each output against the rest; NaN for fewer than 2 outputs. */
    public static double of(int[][] set, NGramIndex index) {
        int k = set.length;
        if (k < 2) return Double.NaN;
        double[][] logP = new double[k][N];
        long[][] matches = new long[k][N];
        for (int n = 1; n <= N; n++) {
            int[][] ids = index.index(set, n);
            int distinct = index.distinct();
            int[] max1 = new int[distinct], max2 = new int[distinct], arg = new int[distinct], count = new int[distinct];
            Arrays.fill(arg, -1);
            for (int o = 0; o < k; o++) {
                for (int id : ids[o]) count[id]++;
                for (int id : ids[o]) {
                    int c = count[id];
                    if (c == 0) continue;  // already folded in
                    if (c > max1[id]) {
                        max2[id] = max1[id];
                        max1[id] = c;
                        arg[id] = o;
                    } else if (c > max2[id]) {
                        max2[id] = c;
                    }
                    count[id] = 0;
                }
            }
            for (int o = 0; o < k; o++) {
                long clipped = 0;
                for (int id : ids[o]) count[id]++;
                for (int id : ids[o]) {
                    int c = count[id];
                    if (c == 0) continue;
                    clipped += Math.min(c, arg[id] == o ? max2[id] : max1[id]);
                    count[id] = 0;
                }
                long total = Math.max(1, ids[o].length);
                matches[o][n - 1] = clipped;
                logP[o][n - 1] = Math.log(clipped == 0 ? EPSILON / total : (double) clipped / total);
            }
        }
        int[] sorted = new int[k];
        for (int o = 0; o < k; o++) sorted[o] = set[o].length;
        Arrays.sort(sorted);
        double sum = 0;
        for (int o = 0; o < k; o++) {
            if (matches[o][0] == 0) continue;  // no unigram in common with any reference: BLEU 0
            int c = set[o].length, r = closestOtherLength(sorted, c);
            double bp = c > r ? 1 : Math.exp(1 - (double) r / c);
            double s = 0;
            for (int n = 0; n < N; n++) s += logP[o][n] / N;
            sum += bp * Math.exp(s);
        }
        return sum / k;
    }

    /** The reference length closest to c among the others (sorted holds every length, c's once). */
    static int closestOtherLength(int[] sorted, int c) {
        int lo = lowerBound(sorted, c), hi = lowerBound(sorted, c + 1);
        if (hi - lo >= 2) return c;  // another output has the same length
        int below = lo > 0 ? sorted[lo - 1] : -1, above = hi < sorted.length ? sorted[hi] : -1;
        if (below < 0) return above;
        if (above < 0) return below;
        return c - below <= above - c ? below : above;  // ties: the shorter, as NLTK
    }

    private static int lowerBound(int[] a, int v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
