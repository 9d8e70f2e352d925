package org.gendiv.diversity;

/**
 * EAD and distinct-n of a set of outputs (../shared/STUDY.md, EAD): for n = 1..5, N_n distinct and
 * C_n total n-grams pooled over the set (never crossing outputs);
 * EAD_n = N_n / (V (1 - ((V - 1) / V)^C_n)), 0 where C_n = 0; distinct_n = N_n / C_n, 0 where C_n = 0.
 */
public final class Lexical {
    public static final int MAX_N = 5;
    public static final int DEFAULT_VOCAB = 50257;

    private Lexical() {}

    /** N_n (unique) and C_n (total) for n = 1..5, at index n - 1. */
    public record Counts(long[] unique, long[] total) {
        public double ead(int n, double vocab) {
            long c = total[n - 1];
            if (c == 0) return 0;
            double denom = vocab * -Math.expm1(c * Math.log1p(-1.0 / vocab));  // V (1 - (1 - 1/V)^C)
            return denom == 0 ? 0 : unique[n - 1] / denom;
        }

        public double distinctN(int n) {
            return total[n - 1] == 0 ? 0 : (double) unique[n - 1] / total[n - 1];
        }

        /** The study's EAD: the mean of EAD_1..EAD_5. */
        public double ead(double vocab) {
            double s = 0;
            for (int n = 1; n <= MAX_N; n++) s += ead(n, vocab);
            return s / MAX_N;
        }

        public double distinct() {
            double s = 0;
            for (int n = 1; n <= MAX_N; n++) s += distinctN(n);
            return s / MAX_N;
        }
    }

    public static Counts counts(int[][] set, NGramIndex index) {
        long[] total = new long[MAX_N];
        for (int n = 1; n <= MAX_N; n++)
            for (int[] out : set) total[n - 1] += Math.max(0, out.length - n + 1);
        return new Counts(index.distinctUpTo(set, MAX_N), total);
    }
}
