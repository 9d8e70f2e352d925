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
        int h = hash(chars, from, len);
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
            if (lengths[id] == len && Arrays.equals(pool, starts[id], starts[id] + len, chars, from, from + len))
                return id;
        }
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

    private static int hash(char[] c, int from, int len) {
        int h = 0x9747b28c;
        for (int i = from; i < from + len; i++) h = (h ^ c[i]) * 0x5bd1e995;
        h ^= h >>> 15;
        return h * 0x27d4eb2d ^ (h >>> 13);
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
