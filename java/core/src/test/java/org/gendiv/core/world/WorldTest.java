package org.gendiv.core.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded worlds: deterministic, judged exactly, varied in phrasing, and shifted on the OOD splits. */
class WorldTest {
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void sameSeedSameWorld(String name) {
        World w = World.of(name);
        for (String split : w.splits()) {
            var a = w.example(split, new SplittableRandom(5));
            var b = w.example(split, new SplittableRandom(5));
            assertEquals(a.prompt(), b.prompt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void cleanDemonstrationsAreRightInMeaningAndVariedInPhrasing(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(1);
        for (String split : w.splits())
            for (int i = 0; i < 50; i++) {
                var e = w.example(split, rng);
                Set<String> texts = new HashSet<>(), meanings = new HashSet<>();
                for (int k = 0; k < 16; k++) {
                    String d = w.demonstrate(e, 0.0, rng);
                    texts.add(d);
                    var j = w.judge(e, d);
                    meanings.add(j.meaning());
                    assertTrue(j.quality() >= 0.9, split + ": " + e.prompt() + " -> " + d + " judged " + j.quality());
                }
                assertEquals(1, meanings.size(), split + ": " + e.prompt() + " " + texts);
                assertTrue(texts.size() >= 3, "phrasings of " + e.prompt() + ": " + texts);
            }
    }

    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void imperfectDemonstrationsScoreLowerAndNliSeesConflicts(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(2);
        double clean = 0, noisy = 0;
        int conflicts = 0;
        for (int i = 0; i < 300; i++) {
            var e = w.example("id", rng);
            String good = w.demonstrate(e, 0, rng), bad = w.demonstrate(e, 1, rng);
            clean += w.judge(e, good).quality();
            noisy += w.judge(e, bad).quality();
            assertEquals(World.ENTAILS, w.nli(e, good, w.demonstrate(e, 0, rng)), good);
            if (w.nli(e, good, bad) == World.CONTRADICTS) conflicts++;
            assertEquals(World.NEUTRAL, w.nli(e, good, ""));
        }
        assertTrue(noisy < clean - 0.05 * 300, "clean " + clean / 300 + " vs imperfect " + noisy / 300);
        assertTrue(conflicts > 50, "contradictions between right and wrong answers: " + conflicts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void oodSplitsShiftTheInputs(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(3);
        Set<String> idWords = new HashSet<>();
        double idLength = 0, longLength = 0;
        for (int i = 0; i < 500; i++) {
            var e = w.example("id", rng);
            idWords.addAll(List.of(World.words(e.prompt())));
            idLength += World.words(e.prompt()).length;
            longLength += World.words(w.example("ood2", rng).prompt()).length;
        }
        int unseen = 0;
        for (int i = 0; i < 100; i++)
            for (String word : World.words(w.example("ood1", rng).prompt())) if (!idWords.contains(word)) unseen++;
        assertTrue(unseen >= 100, "unseen words in ood1 prompts: " + unseen);
        assertTrue(longLength > 1.3 * idLength, "ood2 prompts " + longLength / 500 + " words vs id " + idLength / 500);
        var chained = w.example("ood3", rng).prompt();
        assertTrue(!idWords.containsAll(List.of(World.words(chained))) || name.equals("instructions")
                && chained.contains(" and then "), chained);
    }

    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void promptsFitTheContext(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(4);
        int longest = 0;
        for (String split : w.splits())
            for (int i = 0; i < 500; i++) longest = Math.max(longest, World.words(w.example(split, rng).prompt()).length);
        assertTrue(longest + 2 + 24 <= 112, "longest prompt " + longest + " words");
    }

    /** The gold judge behind the Judge interface: a right demonstration beats a wrong one, a text ties with itself. */
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void goldJudgePrefersTheBetterOutput(String name) throws java.io.IOException {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(17);
        List<World.Example> inputs = new java.util.ArrayList<>();
        List<org.gendiv.core.judge.Judge.Comparison> cs = new java.util.ArrayList<>();
        List<Double> want = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            World.Example e = w.example("id", rng);
            inputs.add(e);
            String good = w.demonstrate(e, 0, rng), bad = w.demonstrate(e, 1, rng);
            cs.add(new org.gendiv.core.judge.Judge.Comparison(e.prompt(), good, bad));
            double g = w.judge(e, good).quality(), b = w.judge(e, bad).quality();
            want.add(g > b + 1e-9 ? 1.0 : g < b - 1e-9 ? 0.0 : 0.5);
            cs.add(new org.gendiv.core.judge.Judge.Comparison(e.prompt(), good, good));
            want.add(0.5);
        }
        double[] got = new org.gendiv.core.judge.GoldJudge(w, inputs).preferences(cs);
        for (int i = 0; i < got.length; i++) assertEquals(want.get(i), got[i], "comparison " + i);
        assertTrue(want.stream().filter(v -> v == 1.0).count() >= 10, "most right demonstrations beat wrong ones");
    }
}
