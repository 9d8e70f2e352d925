package org.gendiv.diversity;

import java.util.Arrays;

/**
 * Words to dense int ids without a String per word: an open-addressing table over a shared char
 * pool. Ids are 0, 1, 2, ... in order of first appearance.
 */
public final class WordInterner {
    private char[] pool = new char[1 << 16];
    private int poolSize;
    private int[] starts = new int[1 << 10], lengths = new int[1 << 10];
    private int[] table = new int[1 << 11];  // id + 1, 0 = empty
    private int size;

    public WordInterner() {}

    /** The id of chars[from, from + len), assigning the next id to a new word. */
    public int intern(char[] chars, int from, int len) {
        return intern(chars, from, len, hash(chars, from, len));
    }

    /** As {@link #intern(char[], int, int)} with the hash already computed by {@link #step}/{@link #finish}. */
    public int intern(char[] chars, int from, int len, int h) {
        int mask = table.length - 1;
        for (int slot = h & mask;; slot = (slot + 1) & mask) {
            int e = table[slot];
            if (e == 0) {
                int id = add(chars, from, len);
                table[slot] = id + 1;
                if (2 * size > table.length) rehash();
                return id;
            }
            int id = e - 1;
            if (lengths[id] == len && same(starts[id], chars, from, len)) return id;
        }
    }

    private boolean same(int at, char[] chars, int from, int len) {
        char[] p = pool;
        for (int i = 0; i < len; i++) if (p[at + i] != chars[from + i]) return false;
        return true;
    }

    public int intern(String word) {
        char[] c = word.toCharArray();
        return intern(c, 0, c.length);
    }

    public int size() {
        return size;
    }

    public String word(int id) {
        return new String(pool, starts[id], lengths[id]);
    }

    /** The word hash, a char at a time: h = step(h, c) from SEED, then finish(h). */
    public static final int SEED = 0x9747b28c;

    public static int step(int h, char c) {
        return (h ^ c) * 0x5bd1e995;
    }

    public static int finish(int h) {
        h ^= h >>> 15;
        return h * 0x27d4eb2d ^ (h >>> 13);
    }

    private static int hash(char[] c, int from, int len) {
        int h = SEED;
        for (int i = from; i < from + len; i++) h = step(h, c[i]);
        return finish(h);
    }

    private int add(char[] chars, int from, int len) {
        if (poolSize + len > pool.length) pool = Arrays.copyOf(pool, Math.max(2 * pool.length, poolSize + len));
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, 2 * size);
            lengths = Arrays.copyOf(lengths, 2 * size);
        }
        System.arraycopy(chars, from, pool, poolSize, len);
        starts[size] = poolSize;
        lengths[size] = len;
        poolSize += len;
        return size++;
    }

    private void rehash() {
        int[] t = new int[2 * table.length];
        int mask = t.length - 1;
        for (int id = 0; id < size; id++) {
            int slot = hash(pool, starts[id], lengths[id]) & mask;
            while (t[slot] != 0) slot = (slot + 1) & mask;
            t[slot] = id + 1;
        }
        table = t;
    }
}
