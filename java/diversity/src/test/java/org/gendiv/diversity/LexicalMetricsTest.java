package org.gendiv.diversity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.gendiv.diversity.reference.NaiveDiversity;
import org.junit.jupiter.api.Test;

/** Word splitting, EAD, distinct-n and Self-BLEU: hand-worked examples and the naive reference. */
class LexicalMetricsTest {
    static int[][] ids(List<String> texts) {
        var interner = new WordInterner();
        var split = new StudyWords();
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            var l = new IntList();
            split.split(texts.get(i), interner, l);
            out[i] = l.toArray();
        }
        return out;
    }

    /** Dots and newlines are deleted (not replaced by spaces, so "Ünïcode\n\nend" is one word), double
     * spaces leave no empty word, case and non-ASCII letters stay. */
    @Test
    void studyWordSplitting() {
        String text = "Hi.  There\nyou, Über-café . Ünïcode\n\nend.";
        assertEquals(List.of("Hi", "Thereyou,", "Über-café", "Ünïcodeend"), StudyWords.words(text));
        var interner = new WordInterner();
        var l = new IntList();
        assertEquals(4, new StudyWords().split(text, interner, l));
        List<String> back = new ArrayList<>();
        for (int id : l.toArray()) back.add(interner.word(id));
        assertEquals(StudyWords.words(text), back);
        assertEquals(List.of(), StudyWords.words(" . \n  "));
    }

    /**
     * The byte splitter (eight bytes at a time, a fast path for short words) against the String
     * reference on random texts: words of 1..20 bytes (so 7, 8 and 9 byte words straddle the fast
     * path's limit), "." and "\n" anywhere, runs of spaces, 2- and 3-byte UTF-8 characters, texts
     * with and without a trailing space. Equal words get equal ids, different words different ids,
     * and an id maps back to its word; the interner is reset between texts, as per set.
     */
    @Test
    void byteSplittingMatchesTheReferenceOnRandomTexts() {
        var rng = new SplittableRandom(11);
        String alphabet = "abcxyz019,-'\"éüß€中.\n";
        var interner = new WordInterner();
        var split = new StudyWords();
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder b = new StringBuilder();
            int words = rng.nextInt(30);
            for (int w = 0; w < words; w++) {
                int len = 1 + rng.nextInt(rng.nextBoolean() ? 9 : 20);
                for (int i = 0; i < len; i++) b.append(alphabet.charAt(rng.nextInt(rng.nextInt(4) == 0 ? alphabet.length() : 9)));
                b.append(" ".repeat(rng.nextInt(5) == 0 ? 2 + rng.nextInt(3) : 1));
            }
            if (rng.nextBoolean() && b.length() > 0) b.setLength(b.length() - 1);
            String text = b.toString();
            List<String> expected = StudyWords.words(text);
            interner.reset(rng.nextInt(40));
            var l = new IntList();
            assertEquals(expected.size(), split.split(text, interner, l), text);
            java.util.Map<String, Integer> ids = new java.util.HashMap<>();
            for (int i = 0; i < expected.size(); i++) {
                String word = expected.get(i);
                assertEquals(word, interner.word(l.get(i)), text);
                assertEquals(ids.computeIfAbsent(word, x -> ids.size()), l.get(i), "ids in order of first appearance: " + text);
            }
            assertEquals(ids.size(), interner.size());
        }
    }

    /** Ten thousand words through one interner (many table growths) keep their ids; a reset forgets them. */
    @Test
    void internerGrowsAndResets() {
        var interner = new WordInterner();
        interner.reset(4);
        for (int i = 0; i < 10_000; i++) assertEquals(i, interner.intern(i % 3 == 0 ? "long-word-number-" + i : "w" + i));
        for (int i = 9_999; i >= 0; i--) assertEquals(i, interner.intern(i % 3 == 0 ? "long-word-number-" + i : "w" + i));
        assertEquals("long-word-number-9999", interner.word(9999));
        interner.reset(4);
        assertEquals(0, interner.intern("w5"));
        assertEquals(1, interner.size());
    }

    /**
     * {"a b a", "a c"}, V = 10: C = {5, 3, 1, 0, 0}, N = {3, 3, 1, 0, 0}.
     * EAD_1 = 3 / (10 (1 - 0.9^5)) = 0.7325828, EAD_2 = 3 / (10 (1 - 0.9^3)) = 1.1070111,
     * EAD_3 = 1 / (10 (1 - 0.9)) = 1, EAD_4 = EAD_5 = 0 -> EAD = 2.8395939 / 5 = 0.5679188.
     * distinct = (3/5 + 3/3 + 1/1 + 0 + 0) / 5 = 0.52.
     */
    @Test
    void eadHandWorked() {
        Lexical.Counts c = Lexical.counts(ids(List.of("a b a", "a c")), new NGramIndex());
        assertArrayEquals(new long[] {3, 3, 1, 0, 0}, c.unique());
        assertArrayEquals(new long[] {5, 3, 1, 0, 0}, c.total());
        assertEquals(0.7325828, c.ead(1, 10), 1e-7);
        assertEquals(1.1070111, c.ead(2, 10), 1e-7);
        assertEquals(1.0, c.ead(3, 10), 1e-12);
        assertEquals(0.0, c.ead(4, 10));
        assertEquals(0.5679188, c.ead(10), 1e-7);
        assertEquals(0.52, c.distinct(), 1e-12);
    }

    /** 16 identical outputs of 48 distinct words: every N_n / C_n is 1/16, so EAD is just above 1/16. */
    @Test
    void identicalOutputsGiveAboutOneSixteenth() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 48; i++) b.append("word").append(i).append(' ');
        List<String> set = Collections.nCopies(16, b.toString());
        Lexical.Counts c = Lexical.counts(ids(set), new NGramIndex());
        double ead = c.ead(Lexical.DEFAULT_VOCAB);
        assertTrue(ead > 1 / 16.0 && ead < 0.066, "EAD " + ead);
        assertEquals(1 / 16.0, c.distinct(), 1e-12);
        assertEquals(1.0, SelfBleu.of(ids(set), new NGramIndex()), 1e-12);
    }

    @Test
    void emptyNGramSetsAndSingleOutputs() {
        Lexical.Counts c = Lexical.counts(ids(List.of("one", "two", "")), new NGramIndex());
        assertArrayEquals(new long[] {2, 0, 0, 0, 0}, c.unique());
        assertEquals(0.0, c.distinctN(2));
        assertEquals(0.0, c.ead(5, 50257));
        assertTrue(Double.isNaN(SelfBleu.of(ids(List.of("alone here")), new NGramIndex())));
        Lexical.Counts none = Lexical.counts(ids(List.of("", " . ")), new NGramIndex());
        assertEquals(0.0, none.ead(50257));
        assertEquals(0.0, none.distinct());
    }

    /** "a b c d e" vs "a b c d f": p = 4/5, 3/4, 2/3, 1/2, BP = 1 -> BLEU = 0.2^(1/4) = 0.6687403 each way. */
    @Test
    void selfBleuHandWorked() {
        assertEquals(Math.pow(0.2, 0.25), SelfBleu.of(ids(List.of("a b c d e", "a b c d f")), new NGramIndex()), 1e-12);
        // No shared word: BLEU 0 (NLTK returns 0 without unigram matches).
        assertEquals(0.0, SelfBleu.of(ids(List.of("a b", "c d")), new NGramIndex()));
    }

    static List<String> randomSet(SplittableRandom rng, int k, int vocab, int maxLen) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            StringBuilder b = new StringBuilder();
            int len = rng.nextInt(maxLen + 1);
            for (int w = 0; w < len; w++) {
                b.append("w").append(rng.nextInt(vocab));
                b.append(rng.nextInt(10) == 0 ? ".  " : rng.nextInt(15) == 0 ? "\n" : " ");
            }
            set.add(b.toString());
        }
        return set;
    }

    @Test
    void engineMatchesTheNaiveReferenceOnRandomSets() {
        var rng = new SplittableRandom(3);
        var index = new NGramIndex();
        for (int trial = 0; trial < 200; trial++) {
            List<String> set = randomSet(rng, 1 + rng.nextInt(20), 2 + rng.nextInt(30), 25);
            int[][] w = ids(set);
            Lexical.Counts c = Lexical.counts(w, index);
            long[][] naive = NaiveDiversity.counts(set);
            for (int n = 1; n <= 5; n++) {
                assertEquals(naive[n - 1][0], c.unique()[n - 1], "N_" + n + " of " + set);
                assertEquals(index.countDistinct(w, n), c.unique()[n - 1], "level-by-level vs per-n hashing, n = " + n);
                assertEquals(naive[n - 1][1], c.total()[n - 1], "C_" + n);
            }
            double[] ed = NaiveDiversity.eadAndDistinct(set, 50257);
            assertEquals(ed[0], c.ead(50257), 1e-9);
            assertEquals(ed[1], c.distinct(), 1e-12);
            if (set.size() >= 2) assertEquals(NaiveDiversity.selfBleu(set), SelfBleu.of(w, index), 1e-9, set.toString());
        }
    }

    /** Many distinct n-grams force table growth and many hash probes; still exact. */
    @Test
    void largeSetMatchesTheReference() {
        var rng = new SplittableRandom(5);
        List<String> set = randomSet(rng, 400, 300, 60);
        Lexical.Counts c = Lexical.counts(ids(set), new NGramIndex());
        long[][] naive = NaiveDiversity.counts(set);
        for (int n = 1; n <= 5; n++) assertEquals(naive[n - 1][0], c.unique()[n - 1]);
        assertEquals(NaiveDiversity.selfBleu(set.subList(0, 60)), SelfBleu.of(ids(set.subList(0, 60)), new NGramIndex()), 1e-9);
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnTies() {
        int[] sorted = {3, 5, 7, 7, 10};
        assertEquals(3, SelfBleu.closestOtherLength(sorted, 5));   // 3 and 7 are both 2 away
        assertEquals(7, SelfBleu.closestOtherLength(sorted, 7));   // another output has length 7
        assertEquals(7, SelfBleu.closestOtherLength(sorted, 10));
        assertEquals(5, SelfBleu.closestOtherLength(sorted, 3));
    }
}
