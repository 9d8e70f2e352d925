package org.gendiv.core.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.gendiv.core.judge.GoldJudge;
import org.gendiv.core.judge.Judge;
import org.junit.jupiter.api.Test;
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

    /**
     * A slip is a right answer but for one mistake: summarisation either states a reason the post
     * never gives (every fact right besides) or writes one entity with one syllable changed;
     * instructions write one word the input's list does not have (a count off by one). The judge
     * scores a slip below the right answer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void slipsGetOneThingWrong(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(4);
        int reasons = 0, entities = 0;
        for (int i = 0; i < 300; i++) {
            var e = w.example("id", rng);
            String right = w.demonstrate(e, 0, rng), slip = w.slip(e, rng);
            assertTrue(w.judge(e, slip).quality() < w.judge(e, right).quality() - 0.03, right + " vs " + slip);
            if (e.truth() instanceof Summarisation.Facts f) {
                var said = Summarisation.parse(slip);
                Set<String> written = new HashSet<>(), truth = new HashSet<>();
                for (String slot : List.of("who", "where", "with")) if (f.slots().containsKey(slot)) truth.add(f.slots().get(slot));
                for (String m : Summarisation.mentions(slip)) if (SummarisationText.UNITS.contains(m.split(" ")[0])) written.add(m);
                if (!f.slots().containsKey("reason") && said.containsKey("reason")) {
                    reasons++;
                    assertEquals(truth, written, "every entity copied: " + slip);
                    continue;
                }
                entities++;
                Set<String> wrong = new HashSet<>(written), missing = new HashSet<>(truth);
                wrong.removeAll(truth);
                missing.removeAll(written);
                assertEquals(1, wrong.size(), e.prompt() + " -> " + slip);
                assertEquals(1, missing.size(), e.prompt() + " -> " + slip);
                String[] x = wrong.iterator().next().split(" "), y = missing.iterator().next().split(" ");
                assertEquals(1, (x[0].equals(y[0]) ? 0 : 1) + (x[1].equals(y[1]) ? 0 : 1), "one syllable changed: " + slip);
            } else {
                var a = (Instructions.Answer) e.truth();
                var said = Instructions.parse(a.kind(), slip).value();
                assertEquals(a.value().size(), said.size(), slip);
                int differ = 0;
                for (int k = 0; k < said.size(); k++)
                    if (!said.get(k).equals(a.value().get(k))) {
                        differ++;
                        if (!a.kind().equals("count")) assertTrue(!a.items().contains(said.get(k)), e.prompt() + " -> " + slip);
                    }
                assertEquals(1, differ, e.prompt() + " -> " + slip);
            }
        }
        if (name.equals("summarisation")) assertTrue(reasons > 50 && entities > 50, reasons + " reasons, " + entities + " entities");
    }

    /** Each OOD split shifts what it says: unseen words (summarisation ood2, instructions ood1), longer lists, another register or chained instructions. */
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void oodSplitsShiftTheInputs(String name) {
        World w = World.of(name);
        boolean summ = name.equals("summarisation");
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
            for (String word : World.words(w.example(summ ? "ood2" : "ood1", rng).prompt())) if (!idWords.contains(word)) unseen++;
        assertTrue(unseen >= 100, "unseen words in " + (summ ? "ood2" : "ood1") + " prompts: " + unseen);
        if (!summ) assertTrue(longLength > 1.3 * idLength, "ood2 prompts " + longLength / 500 + " words vs id " + idLength / 500);
        var chained = w.example("ood3", rng).prompt();
        assertTrue(summ ? !idWords.containsAll(List.of(World.words(chained))) : chained.contains(" and then "), chained);
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
        List<Judge.Comparison> cs = new java.util.ArrayList<>();
        List<Double> want = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            World.Example e = w.example("id", rng);
            inputs.add(e);
            String good = w.demonstrate(e, 0, rng), bad = w.demonstrate(e, 1, rng);
            cs.add(new Judge.Comparison(e.prompt(), good, bad));
            double g = w.judge(e, good).quality(), b = w.judge(e, bad).quality();
            want.add(g > b + 1e-9 ? 1.0 : g < b - 1e-9 ? 0.0 : 0.5);
            cs.add(new Judge.Comparison(e.prompt(), good, good));
            want.add(0.5);
        }
        double[] got = new GoldJudge(w, inputs).preferences(cs);
        for (int i = 0; i < got.length; i++) assertEquals(want.get(i), got[i], "comparison " + i);
        assertTrue(want.stream().filter(v -> v == 1.0).count() >= 10, "most right demonstrations beat wrong ones");
    }

    /**
     * The gold judge's verdicts, worked by hand on the instructions world: "first word" of
     * "pear fig kiwi" is pear. A right answer in 3 words scores 0.85 + 0.15 * 6 / (6 + 3) (the
     * concision term, budget 1 + 5 words) and beats a wrong one (the concision term alone); each
     * verdict carries the output's gold and the meaning the world reads into it.
     */
    @Test
    void goldJudgeVerdictsCarryGoldAndMeaning() {
        World w = World.of("instructions");
        World.Example e = new World.Example("id", "what is the first word : pear fig kiwi",
                new Instructions.Answer("word", List.of("pear"), List.of("pear", "fig", "kiwi"), Instructions.Op.FIRST, null));
        var judge = new GoldJudge(w, List.of(e));
        var v = judge.verdicts(List.of(new Judge.Comparison(e.prompt(), "it is pear", "it is kiwi"),
                new Judge.Comparison(e.prompt(), "it is kiwi", "it is pear")));
        assertEquals(1.0, v.get(0).preference());
        assertEquals(0.85 + 0.15 * 6 / 9.0, v.get(0).gold(), 1e-12);
        assertEquals("word:pear", v.get(0).meaning());
        assertEquals(0.0, v.get(1).preference());
        assertEquals(0.15 * 6 / 9.0, v.get(1).gold(), 1e-12);
        assertEquals("word:kiwi", v.get(1).meaning());
        World.Example other = new World.Example("id", e.prompt(), new Instructions.Answer("word", List.of("kiwi")));
        assertThrows(IllegalArgumentException.class, () -> new GoldJudge(w, List.of(e, other)), "one prompt, two inputs");
        assertThrows(IllegalArgumentException.class,
                () -> judge.verdicts(List.of(new Judge.Comparison("sort these words : fig", "fig", "fig"))), "unknown prompt");
    }

    /**
     * The scripted policies behave as designed, judged against the references a study uses
     * (demonstrations erring half the time): the oracle wins every split, every scripted policy
     * matches it on ID, and the policy a split is designed to defeat loses there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void scriptedPoliciesAreGradedByDesign(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(23);
        for (String split : w.splits()) {
            double[] win = new double[World.Scripted.values().length];
            int n = 400;
            for (int i = 0; i < n; i++) {
                World.Example e = w.example(split, rng);
                double ref = w.judge(e, w.demonstrate(e, 0.5, rng)).quality();
                for (World.Scripted p : World.Scripted.values())
                    win[p.ordinal()] += org.gendiv.core.judge.Judge.win(w.judge(e, w.scripted(p, e, rng)).quality(), ref) / n;
            }
            double oracle = win[World.Scripted.ORACLE.ordinal()];
            assertTrue(oracle >= 0.7, split + ": the oracle wins " + oracle);
            for (World.Scripted p : World.Scripted.values()) {
                double gap = oracle - win[p.ordinal()];
                if (split.equals("id")) assertEquals(0, gap, 0.02, split + ": " + p);
                else if (w.defeats(split).contains(p)) assertTrue(gap >= 0.25, split + ": " + p + " only " + gap + " behind");
            }
        }
    }

    /** Right answers of different lengths do not tie: the concision term falls with every word. */
    @ParameterizedTest
    @ValueSource(strings = {"summarisation", "instructions"})
    void rightAnswersRarelyTie(String name) {
        World w = World.of(name);
        SplittableRandom rng = new SplittableRandom(29);
        int ties = 0, pairs = 0;
        for (int i = 0; i < 300; i++) {
            World.Example e = w.example("id", rng);
            String a = w.demonstrate(e, 0, rng), b = w.demonstrate(e, 0, rng);
            if (a.equals(b)) continue;
            pairs++;
            if (w.judge(e, a).quality() == w.judge(e, b).quality() && World.words(a).length != World.words(b).length) ties++;
        }
        assertTrue(pairs > 100, "distinct right phrasings: " + pairs);
        assertEquals(0, ties, "right phrasings of different lengths that tie");
    }

    /**
     * Hundreds of people and places, two syllables each: the OOD ones never appear in ID inputs,
     * ood2's rare syllables not even as parts, and the judge reads a garbled entity as a wrong fact.
     */
    @org.junit.jupiter.api.Test
    void summarisationEntitiesMustBeCopied() {
        var people = SummarisationText.PEOPLE;
        assertEquals(List.of(200, 40, 40), List.of(people.seen().size(), people.newCombinations().size(), people.rareUnit().size()));
        Set<String> all = new HashSet<>(people.all());
        all.addAll(SummarisationText.PLACE.all());
        assertEquals(280 + 140, all.size(), "people and places are distinct entities");
        World w = World.of("summarisation");
        SplittableRandom rng = new SplittableRandom(31);
        Set<String> idWords = new HashSet<>();
        StringBuilder idText = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            String p = w.example("id", rng).prompt();
            idWords.addAll(List.of(World.words(p)));
            if (i < 500) idText.append(p).append(" | ");
        }
        for (String rare : SummarisationText.RARE_UNITS) assertTrue(!idWords.contains(rare), rare + " appears in ID");
        for (String e : people.newCombinations()) assertTrue(!idText.toString().contains(" " + e + " "), e + " appears in ID");
        for (String word : SummarisationText.UNITS) assertTrue(w.lexicon().contains(word), word + " is not in the lexicon");
        var e = w.example("id", new SplittableRandom(1));
        String right = w.demonstrate(e, 0, new SplittableRandom(2));
        String who = ((Summarisation.Facts) e.truth()).slots().get("who");
        String garbled = right.replace(who, who.split(" ")[0]);
        assertTrue(w.judge(e, garbled).quality() < w.judge(e, right).quality() - 0.1, garbled);
    }

    /** ood2 shifts one fact past ood1: the person's name has a syllable SFT never wrote; place and companion are new combinations. */
    @org.junit.jupiter.api.Test
    void summarisationOod2ShiftsThePersonOnly() {
        World w = World.of("summarisation");
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 500; i++) {
            var f = ((Summarisation.Facts) w.example("ood2", rng).truth()).slots();
            assertTrue(SummarisationText.PEOPLE.rareUnit().contains(f.get("who")), f.toString());
            assertTrue(SummarisationText.PLACE.newCombinations().contains(f.get("where")), f.toString());
            if (f.containsKey("with")) assertTrue(SummarisationText.PEOPLE.newCombinations().contains(f.get("with")), f.toString());
        }
    }

    /**
     * A post's facts stand at no fixed place: the person's first word falls at many word positions
     * across ID posts (zero to two openings before it), so SFT must copy by content, not by place.
     */
    @Test
    void summarisationFactsStandAtNoFixedPlace() {
        World w = World.of("summarisation");
        SplittableRandom rng = new SplittableRandom(11);
        Set<Integer> positions = new HashSet<>();
        int noOpening = 0;
        for (int i = 0; i < 600; i++) {
            var e = w.example("id", rng);
            List<String> words = List.of(World.words(e.prompt()));
            String who = ((Summarisation.Facts) e.truth()).slots().get("who").split(" ")[0];
            positions.add(words.indexOf(who));
            String first = e.prompt().substring("summarize : ".length());
            if (SummarisationText.INTROS.stream().noneMatch(first::startsWith)) noOpening++;
        }
        assertTrue(positions.size() >= 10, "the person's word positions: " + positions);
        assertTrue(noOpening > 120 && noOpening < 280, "about a third of posts open with no intro sentence, got " + noOpening + " of 600");
    }
}
