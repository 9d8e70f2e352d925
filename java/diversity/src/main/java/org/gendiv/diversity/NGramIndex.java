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
    private int[] slotStamp = new int[0];  // a slot is in use when its stamp is the current one
    private int stamp;
    private int[] firstOut = new int[16], firstPos = new int[16];
    private int ids;

    /** ids[o][p] = the id of the n-gram of output o starting at p; ids run 0..distinct()-1. */
    public int[][] index(int[][] set, int n) {
        int mask = reset(set, n);
        int[][] result = new int[set.length][];
        for (int o = 0; o < set.length; o++) {
            int m = Math.max(0, set[o].length - n + 1);
            int[] r = new int[m];
            for (int p = 0; p < m; p++) r[p] = lookup(set, o, p, n, mask);
            result[o] = r;
        }
        return result;
    }

    /**
     * The number of distinct n-grams of the set (what EAD needs), without the per-position ids.
     * Unigrams are counted with a stamp per word id, n <= 6 as exact keys of two longs with three
     * 21-bit word ids each (ids below 2^21), anything else by hash with the exact comparison.
     */
    public int countDistinct(int[][] set, int n) {
        int maxId = 0;
        for (int[] out : set) for (int w : out) maxId = Math.max(maxId, w);
        if (n == 1) return distinctWords(set, maxId);
        if (n <= 6 && maxId < (1 << 21)) return distinctPacked(set, n);
        int mask = reset(set, n);
        for (int o = 0; o < set.length; o++)
            for (int p = 0, m = set[o].length - n + 1; p < m; p++) lookup(set, o, p, n, mask);
        return ids;
    }

    /**
     * N_n, the number of distinct n-grams of the set, for n = 1..maxN at index n - 1, level by
     * level: an n-gram is the pair (its (n-1)-gram prefix's id, its last word), so a prefix that
     * occurs once in the set makes its n-gram distinct without a lookup (a repeat of the n-gram
     * would repeat the prefix). On diverse text most bigrams are already unique, so the longer
     * n-grams cost a pass over ids and little hashing. The set is stored flat: output o's words are
     * words[ends[o - 1] .. ends[o]) (from 0 for o = 0), for o < outputs. Word ids must be >= 0.
     */
    public long[] distinctUpTo(int[] words, int[] ends, int outputs, int maxN) {
        long[] distinct = new long[maxN];
        int total = outputs == 0 ? 0 : ends[outputs - 1], maxId = 0;
        for (int i = 0; i < total; i++) maxId = Math.max(maxId, words[i]);
        if (total == 0 || maxN == 0) return distinct;
        if (prefix.length < total) {
            prefix = new int[total];
            next = new int[total];
        }
        distinct[0] = countWords(words, total, maxId);  // level 1: the words are their own ids
        System.arraycopy(words, 0, prefix, 0, total);
        int[] counts = wordCount;  // occurrences per id of the previous level
        for (int n = 2; n <= maxN; n++) {
            int mask = resetPairs(total), fresh = 0;
            for (int o = 0, at = 0; o < outputs; at = ends[o++]) {
                // the n-gram at p is (the (n-1)-gram at p, the word at p + n - 1)
                for (int p = at, m = ends[o] - n + 1; p < m; p++) {
                    int id = prefix[p], nid;
                    if (counts[id] == 1) nid = fresh++;
                    else if ((nid = pairId(id, words[p + n - 1], mask, fresh)) == fresh) fresh++;
                    next[p] = nid;
                }
            }
            distinct[n - 1] = fresh;
            int[] dst = counts == levelA ? levelB : levelA;
            if (dst.length < fresh) dst = new int[Math.max(fresh, 2 * dst.length)];
            Arrays.fill(dst, 0, fresh, 0);
            for (int o = 0, at = 0; o < outputs; at = ends[o++])
                for (int p = at, m = ends[o] - n + 1; p < m; p++) dst[next[p]]++;
            if (counts == levelA) levelB = dst;
            else levelA = dst;
            counts = dst;
            int[] t = prefix;
            prefix = next;
            next = t;
        }
        return distinct;
    }

    private int[] prefix = new int[0], next = new int[0], wordCount = new int[0], levelA = new int[0], levelB = new int[0];

    /** Occurrences per word id into wordCount (ids 0..maxId); returns the number of distinct words. */
    private int countWords(int[] words, int total, int maxId) {
        if (wordCount.length <= maxId) wordCount = new int[Math.max(maxId + 1, 2 * wordCount.length)];
        for (int i = 0; i < total; i++) wordCount[words[i]] = 0;
        int d = 0;
        for (int i = 0; i < total; i++)
            if (wordCount[words[i]]++ == 0) d++;
        return d;
    }

    private long[] pairKey = new long[0];
    private int[] pairVal = new int[0], pairStamp = new int[0];
    private int pairGen;

    private int resetPairs(int positions) {
        int cap = tableCapacity(positions, 16);
        if (pairKey.length < cap) {
            pairKey = new long[cap];
            pairVal = new int[cap];
            pairStamp = new int[cap];
            pairGen = 0;
        }
        pairGen = nextStamp(pairGen, pairStamp);
        return pairKey.length - 1;
    }

    /** The id of the pair (prefix id, word): its earlier id, or fresh when new. */
    private int pairId(int prefixId, int word, int mask, int fresh) {
        long key = ((long) prefixId << 32) | (word & 0xffffffffL);
        long mix = key * 0x9E3779B97F4A7C15L;
        for (int slot = (int) (mix >>> 40) & mask;; slot = (slot + 1) & mask) {
            if (pairStamp[slot] != pairGen) {
                pairStamp[slot] = pairGen;
                pairKey[slot] = key;
                pairVal[slot] = fresh;
                return fresh;
            }
            if (pairKey[slot] == key) return pairVal[slot];
        }
    }

    private int[] wordStamp = new int[0];
    private int wordGen;

    private int distinctWords(int[][] set, int maxId) {
        if (wordStamp.length <= maxId) {
            wordStamp = new int[Math.max(maxId + 1, 2 * wordStamp.length)];
            wordGen = 0;
        }
        wordGen = nextStamp(wordGen, wordStamp);
        int distinct = 0;
        for (int[] out : set)
            for (int w : out)
                if (wordStamp[w] != wordGen) {
                    wordStamp[w] = wordGen;
                    distinct++;
                }
        return distinct;
    }

    private long[] keysHi = new long[0], keysLo = new long[0];

    private int distinctPacked(int[][] set, int n) {
        int mask = reset(set, n);
        if (keysHi.length < slotStamp.length) {
            keysHi = new long[slotStamp.length];
            keysLo = new long[slotStamp.length];
        }
        int shift = 64 - Integer.numberOfTrailingZeros(mask + 1);
        int distinct = 0;
        for (int[] out : set)
            for (int p = 0, m = out.length - n + 1; p < m; p++) {
                long hi = 0, lo = 0;
                for (int i = 0; i < Math.min(n, 3); i++) hi = (hi << 21) | out[p + i];
                for (int i = 3; i < n; i++) lo = (lo << 21) | out[p + i];
                long mix = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL);
                for (int slot = (int) ((mix ^ (mix >>> 29)) * 0xBF58476D1CE4E5B9L >>> shift);; slot = (slot + 1) & mask) {
                    if (slotStamp[slot] != stamp) {
                        slotStamp[slot] = stamp;
                        keysHi[slot] = hi;
                        keysLo[slot] = lo;
                        distinct++;
                        break;
                    }
                    if (keysHi[slot] == hi && keysLo[slot] == lo) break;
                }
            }
        return distinct;
    }

    /**
     * The stamp that empties a table whose slots are in use while they hold the current stamp: the
     * next one, and on the wrap to 0 (once every 2^32 uses) the slots cleared for real.
     */
    static int nextStamp(int stamp, int[] slots) {
        if (++stamp == 0) {
            Arrays.fill(slots, 0);
            stamp = 1;
        }
        return stamp;
    }

    /**
     * The slot count of an open-addressing table for `entries` keys: the power of two at or above
     * 2 entries (load <= 1/2), within [min, 2^30].
     */
    static int tableCapacity(long entries, int min) {
        return Integer.highestOneBit((int) Math.max(min, Math.min(1 << 30, 2 * entries)) - 1) << 1;
    }

    /** Sizes the table for the set (load <= 1/2) and empties it; returns the slot mask. */
    private int reset(int[][] set, int n) {
        long positions = 0;
        for (int[] out : set) positions += Math.max(0, out.length - n + 1);
        int cap = tableCapacity(positions, 16);
        if (slotId.length < cap) {
            slotId = new int[cap];
            slotHash = new long[cap];
            slotStamp = new int[cap];
            stamp = 0;
        }
        stamp = nextStamp(stamp, slotStamp);
        ids = 0;
        return cap - 1;
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
            if (slotStamp[slot] != stamp) {
                if (ids == firstOut.length) {
                    firstOut = Arrays.copyOf(firstOut, 2 * ids);
                    firstPos = Arrays.copyOf(firstPos, 2 * ids);
                }
                firstOut[ids] = o;
                firstPos[ids] = p;
                slotHash[slot] = h;
                slotId[slot] = ids;
                slotStamp[slot] = stamp;
                return ids++;
            }
            int id = slotId[slot];
            if (slotHash[slot] == h && Arrays.equals(w, p, p + n, set[firstOut[id]], firstPos[id], firstPos[id] + n))
                return id;
        }
    }
}
