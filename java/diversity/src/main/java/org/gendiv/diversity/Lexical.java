package org.gendiv.diversity;

import java.util.Arrays;
import java.util.List;

/**
 * EAD and distinct-n of a set of outputs (docs/study.md, EAD): for n = 1..5, N_n distinct and
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
        int[] ends = new int[set.length];
        return counts(flatten(set, ends), ends, set.length, index);
    }

    /** The set's words end to end; ends[o] = where output o's words end. */
    private static int[] flatten(int[][] set, int[] ends) {
        int total = 0;
        for (int o = 0; o < set.length; o++) ends[o] = total += set[o].length;
        int[] words = new int[total];
        for (int o = 0; o < set.length; o++) System.arraycopy(set[o], 0, words, ends[o] - set[o].length, set[o].length);
        return words;
    }

    /** As {@link #counts(int[][], NGramIndex)} for a set stored flat (see {@link NGramIndex#distinctUpTo(int[], int[], int, int)}). */
    public static Counts counts(int[] words, int[] ends, int outputs, NGramIndex index) {
        long[] total = new long[MAX_N];
        for (int o = 0, at = 0; o < outputs; at = ends[o++])
            for (int n = 1; n <= MAX_N; n++) total[n - 1] += Math.max(0, ends[o] - at - n + 1);
        return new Counts(index.distinctUpTo(words, ends, outputs, MAX_N), total);
    }

    /**
     * The engine's per-thread scratch, reused set after set: a set's texts (UTF-8) are split into
     * words with an interner reset per set (ids only need to agree within a set) and kept flat,
     * output o's ids at ids[ends[o - 1] .. ends[o]). Not thread-safe: one per thread.
     */
    public static final class Counter {
        private final WordInterner interner = new WordInterner();
        private final StudyWords split = new StudyWords();
        private final IntList ids = new IntList(1024);
        private final NGramIndex index = new NGramIndex();
        private int[] ends = new int[16];
        private int outputs;

        /** Splits and interns a set's texts; the counts and word ids below are of this set. */
        public Counter words(List<byte[]> texts) {
            int bytes = 0;
            for (byte[] t : texts) bytes += t.length;
            interner.reset(Math.min(bytes / 6, 1 << 14));  // about 6 bytes a word; a large set's table grows as words come
            ids.clear();
            outputs = texts.size();
            if (ends.length < outputs) ends = new int[Math.max(outputs, 2 * ends.length)];
            for (int i = 0; i < outputs; i++) {
                split.split(texts.get(i), interner, ids);
                ends[i] = ids.size();
            }
            return this;
        }

        /** N_n and C_n of the set. */
        public Counts counts() {
            return Lexical.counts(ids.array(), ends, outputs, index);
        }

        /** The set's word ids, an array per output. */
        public int[][] wordIds() {
            int[][] w = new int[outputs][];
            for (int o = 0, at = 0; o < outputs; at = ends[o++]) w[o] = Arrays.copyOfRange(ids.array(), at, ends[o]);
            return w;
        }

        /** The n-gram index, for metrics over the word ids (Self-BLEU). */
        public NGramIndex index() {
            return index;
        }
    }
}
