package org.gendiv.diversity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The study's word splitting (docs/study.md, EAD): delete every "." and "\n", split on single
 * spaces, drop empty strings, keep case. So "Hi.  There\nyou" gives [Hi, Thereyou].
 *
 * <p>Works on UTF-8 bytes: ' ', '.' and '\n' are single bytes that never occur inside a multi-byte
 * character, so splitting the bytes splits the characters. Eight bytes are looked at a time: a word
 * of at most 7 bytes followed by a space, with nothing to delete, is read from one little-endian
 * long and interned by that long ({@link WordInterner#internShort}) without touching its bytes
 * again; anything else (a "." or "\n" inside, a longer word, the last 7 bytes) takes the byte loop.
 */
public final class StudyWords {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;
    private static final long SPACES = ' ' * ONES, DOTS = '.' * ONES, NEWLINES = '\n' * ONES;

    private byte[] buf = new byte[64];

    /** Appends the ids of the words of text (UTF-8) to out; returns how many. */
    public int split(byte[] text, WordInterner interner, IntList out) {
        int n = text.length, i = 0, words = 0;
        while (i < n) {
            if (text[i] == ' ') {
                i++;
                continue;
            }
            if (i + 8 <= n) {
                long x = (long) LONG.get(text, i);
                int space = firstZeroByte(x ^ SPACES);
                if (space < Math.min(firstZeroByte(x ^ DOTS), firstZeroByte(x ^ NEWLINES))) {
                    // x's bytes below `space` are the whole word (1..7 bytes: byte 0 is no space)
                    out.add(interner.internShort(x & ((1L << (8 * space)) - 1), space));
                    words++;
                    i += space + 1;
                    continue;
                }
            }
            // the byte loop: up to the next space, deleting "." and "\n"
            int len = 0;
            for (; i < n; i++) {
                byte b = text[i];
                if (b == ' ') break;
                if (b == '.' || b == '\n') continue;
                if (len == buf.length) buf = Arrays.copyOf(buf, 2 * len);
                buf[len++] = b;
            }
            if (len > 0) {
                out.add(interner.intern(buf, 0, len));
                words++;
            }
        }
        return words;
    }

    /** As {@link #split(byte[], WordInterner, IntList)} for a String. */
    public int split(String text, WordInterner interner, IntList out) {
        return split(text.getBytes(StandardCharsets.UTF_8), interner, out);
    }

    /**
     * The index (0..7) of x's lowest zero byte, 8 when none. The classic test (v - 0x01..) & ~v &
     * 0x80.. flags every zero byte, and at worst spurious bytes above a zero byte (the borrow), so
     * its lowest flag is exact.
     */
    private static int firstZeroByte(long v) {
        return Long.numberOfTrailingZeros((v - ONES) & ~v & HIGHS) >>> 3;
    }

    /** The words as strings: the plain reference of {@link #split}. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.replace(".", "").replace("\n", "").split(" ", -1)) if (!w.isEmpty()) out.add(w);
        return out;
    }
}
