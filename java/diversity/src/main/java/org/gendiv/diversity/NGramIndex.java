package org.gendiv.diversity;

import java.util.Arrays;

/**
 * Dense ids for the n-grams of a set of outputs (each an int[] of word ids): n-grams never cross
 * outputs. Hashed into a primitive open-addressing table, with an exact comparison of the words on
 * every hash hit, so distinct counts are exact. Reusable: one instance per thread.
 */
public final class NGramIndex {
    private int[] slotId = new int[0];
    private long[] slotHash = new long[0];
    private int[] firstOut = new int[16], firstPos = new int[16];
    private int ids;

    /** ids[o][p] = the id of the n-gram of output o starting at p; ids run 0..distinct()-1. */
    public int[][] index(int[][] set, int n) {
        long positions = 0;
        for (int[] out : set) positions += Math.max(0, out.length - n + 1);
        int cap = Integer.highestOneBit((int) Math.max(16, Math.min(1 << 30, 2 * positions)) - 1) << 1;
        if (slotId.length < cap) {
            slotId = new int[cap];
            slotHash = new long[cap];
        }
        int mask = cap - 1;
        Arrays.fill(slotId, 0, cap, -1);
        ids = 0;
        int[][] result = new int[set.length][];
        for (int o = 0; o < set.length; o++) {
            int[] out = set[o];
            int m = Math.max(0, out.length - n + 1);
            int[] r = new int[m];
            for (int p = 0; p < m; p++) r[p] = lookup(set, o, p, n, mask);
            result[o] = r;
        }
        return result;
    }

    /** Number of distinct n-grams in the last {@link #index} call. */
    public int distinct() {
        return ids;
    }

    private int lookup(int[][] set, int o, int p, int n, int mask) {
        int[] w = set[o];
        long h = 0x9E3779B97F4A7C15L * (n + 1);
        for (int i = p; i < p + n; i++) h = (h ^ w[i]) * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        h ^= h >>> 31;
        for (int slot = (int) h & mask;; slot = (slot + 1) & mask) {
            int id = slotId[slot];
            if (id < 0) {
                if (ids == firstOut.length) {
                    firstOut = Arrays.copyOf(firstOut, 2 * ids);
                    firstPos = Arrays.copyOf(firstPos, 2 * ids);
                }
                firstOut[ids] = o;
                firstPos[ids] = p;
                slotHash[slot] = h;
                slotId[slot] = ids;
                return ids++;
            }
            if (slotHash[slot] == h && Arrays.equals(w, p, p + n, set[firstOut[id]], firstPos[id], firstPos[id] + n))
                return id;
        }
    }
}
