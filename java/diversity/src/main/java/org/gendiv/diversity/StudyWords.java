package org.gendiv.diversity;

import java.util.ArrayList;
import java.util.List;

/**
 * The study's word splitting (../shared/STUDY.md, EAD): delete every "." and "\n", split on single
 * spaces, drop empty strings, keep case. So "Hi.  There\nyou" gives [Hi, Thereyou].
 */
public final class StudyWords {
    private char[] buf = new char[256];

    /** Appends the ids of text's words to out; returns how many. */
    public int split(String text, WordInterner interner, IntList out) {
        int n = text.length();
        if (buf.length < n) buf = new char[Math.max(n, 2 * buf.length)];
        // One pass: deleted characters are skipped, a space ends the word being built (hashed as it grows).
        int len = 0, start = 0, words = 0, h = WordInterner.SEED;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.' || c == '\n') continue;
            if (c == ' ') {
                if (len > start) {
                    out.add(interner.intern(buf, start, len - start, WordInterner.finish(h)));
                    words++;
                }
                start = len;
                h = WordInterner.SEED;
                continue;
            }
            buf[len++] = c;
            h = WordInterner.step(h, c);
        }
        if (len > start) {
            out.add(interner.intern(buf, start, len - start, WordInterner.finish(h)));
            words++;
        }
        return words;
    }

    /** The words as strings: the plain reference of {@link #split}. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.replace(".", "").replace("\n", "").split(" ", -1)) if (!w.isEmpty()) out.add(w);
        return out;
    }
}
