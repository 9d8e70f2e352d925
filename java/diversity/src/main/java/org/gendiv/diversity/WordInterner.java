package org.gendiv.diversity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Words (UTF-8 bytes) to dense int ids, 0, 1, 2, ... in order of first appearance, without an
 * object per word. A word of at most 7 bytes is its own key: its bytes little-endian in a long with
 * the length in the top byte, so a lookup compares one long. A longer word's key is a 64-bit hash
 * with the top byte 0xFF (never a short word's length); its bytes are kept in a pool and compared
 * on a key hit.
 *
 * <p>Meant to be {@link #reset} per set of outputs (ids only need to agree within a set): the
 * table is sized for the set, so it stays in cache, and emptied in O(1) by a stamp per slot.
 */
public final class WordInterner {
    private static final long LONG_WORD = 0xFFL << 56;

    private long[] slotKey = new long[1 << 10];
    private int[] slotId = new int[1 << 10], slotStamp = new int[1 << 10];
    private int stamp = 1, mask, shift;

    private long[] keys = new long[1 << 8];  // per id
    private int[] starts = new int[1 << 8];  // per id, into pool (long words only)
    private byte[] pool = new byte[1 << 12];
    private int poolSize, size;

    public WordInterner() {
        reset(256);
    }

    /** Forgets every word; the next set has about `words` words (a sizing hint, not a limit). */
    public void reset(int words) {
        int cap = NGramIndex.tableCapacity(words, 64);
        if (slotKey.length < cap) {
            slotKey = new long[cap];
            slotId = new int[cap];
            slotStamp = new int[cap];
            stamp = 0;
        }
        stamp = NGramIndex.nextStamp(stamp, slotStamp);
        setCapacity(cap);
        size = 0;
        poolSize = 0;
    }

    private void setCapacity(int cap) {
        mask = cap - 1;
        shift = 64 - Integer.numberOfTrailingZeros(cap);
    }

    /** The id of the word whose `len` (1..7) bytes are x's low bytes (little-endian), the rest zero. */
    public int internShort(long x, int len) {
        long key = x | (long) len << 56;
        for (int slot = slot(key);; slot = (slot + 1) & mask) {
            if (slotStamp[slot] != stamp) return add(slot, key, null, 0, 0);
            if (slotKey[slot] == key) return slotId[slot];
        }
    }

    /** The id of bytes[from, from + len), len >= 1. */
    public int intern(byte[] bytes, int from, int len) {
        if (len <= 7) {
            long x = 0;
            for (int i = len - 1; i >= 0; i--) x = x << 8 | (bytes[from + i] & 0xFF);
            return internShort(x, len);
        }
        long key = hash(bytes, from, len) | LONG_WORD;
        for (int slot = slot(key);; slot = (slot + 1) & mask) {
            if (slotStamp[slot] != stamp) return add(slot, key, bytes, from, len);
            if (slotKey[slot] == key) {
                int id = slotId[slot], at = starts[id];
                if (starts[id + 1] - at == len && Arrays.equals(pool, at, at + len, bytes, from, from + len)) return id;
            }
        }
    }

    public int intern(String word) {
        byte[] b = word.getBytes(StandardCharsets.UTF_8);
        return intern(b, 0, b.length);
    }

    public int size() {
        return size;
    }

    public String word(int id) {
        long key = keys[id];
        if ((key & LONG_WORD) == LONG_WORD)
            return new String(pool, starts[id], starts[id + 1] - starts[id], StandardCharsets.UTF_8);
        int len = (int) (key >>> 56);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (key >>> (8 * i));
        return new String(b, StandardCharsets.UTF_8);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private static long hash(byte[] b, int from, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        for (int i = from; i < from + len; i++) h = (h ^ b[i]) * 0xBF58476D1CE4E5B9L;
        return (h ^ (h >>> 31)) & ~LONG_WORD;
    }

    private int add(int slot, long key, byte[] bytes, int from, int len) {
        int id = size++;
        if (id + 1 >= keys.length) {
            keys = Arrays.copyOf(keys, 2 * keys.length);
            starts = Arrays.copyOf(starts, 2 * starts.length);
        }
        keys[id] = key;
        if (bytes != null) {
            if (poolSize + len > pool.length) pool = Arrays.copyOf(pool, Math.max(2 * pool.length, poolSize + len));
            System.arraycopy(bytes, from, pool, poolSize, len);
        }
        starts[id] = poolSize;
        poolSize += len;
        starts[id + 1] = poolSize;
        slotKey[slot] = key;
        slotId[slot] = id;
        slotStamp[slot] = stamp;
        if (2 * size > mask + 1) grow();
        return id;
    }

    /** Doubles the table in use (load <= 1/2) and re-places every id by its key. */
    private void grow() {
        int cap = 2 * (mask + 1);
        if (slotKey.length < cap) {
            slotKey = new long[cap];
            slotId = new int[cap];
            slotStamp = new int[cap];
        } else {
            stamp = NGramIndex.nextStamp(stamp, slotStamp);
        }
        setCapacity(cap);
        for (int id = 0; id < size; id++) {
            int slot = slot(keys[id]);
            while (slotStamp[slot] == stamp) slot = (slot + 1) & mask;
            slotKey[slot] = keys[id];
            slotId[slot] = id;
            slotStamp[slot] = stamp;
        }
    }
}
