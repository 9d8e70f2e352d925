package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

/**
 * A split whose first inputs have K outputs and the rest fewer (the study's ID split): win rates
 * over every input, diversity over the first alone; hand-worked.
 */
class EvaluationTest {
    @Test
    void samplesPerInputGiveTheIdSplitsFirstInputsK() {
        var e = new StudyConfig.Eval(5, 3, 1f, 2, 8, 0, 4, false, 0, 2, 2);
        assertArrayEquals(new int[] {3, 3, 2, 2, 2}, e.samplesPerInput(true, 5));
        assertArrayEquals(new int[] {2, 2, 2, 2, 2}, e.samplesPerInput(false, 5));
        assertArrayEquals(new int[] {3}, e.samplesPerInput(true, 1));  // fewer inputs than diversity_inputs: all of them
        var few = new StudyConfig.Eval(3, 2, 1f, 2, 8, 0, 4, false, 0, 2, 4);
        assertArrayEquals(new int[] {2, 2, 2}, few.samplesPerInput(false, 3));  // never more than K
    }

    /**
     * Inputs 0 and 1 have 3 outputs, inputs 2 and 3 one: wins (1, 0, 0.5), (1, 1, 1), (0), (1) give
     * per-input win rates 0.5, 1, 0, 1 and a win rate of 0.625 over the four; distinct-n and the
     * across-input set read inputs 0 and 1 only ("a b" twice and "c d": distinct 1-grams 4 of 6 ...).
     */
    @Test
    void winRatesReadEveryInputAndDiversityTheFirstK() {
        String[][] texts = {{"a b", "a b", "c d"}, {"e f", "g h", "i j"}, {"x"}, {"y"}};
        float[][] rm = {{0, 0, 0}, {0, 0, 0}, {0}, {0}};
        double[][] wins = {{1, 0, 0.5}, {1, 1, 1}, {0}, {1}};
        List<Evaluation.Judged> judged = new ArrayList<>();
        for (int i = 0; i < texts.length; i++)
            for (int k = 0; k < texts[i].length; k++)
                judged.add(new Evaluation.Judged(i, k, texts[i][k], 0.5, wins[i][k], 0f, Double.NaN, texts[i][k]));
        var o = new Evaluation.Outputs(texts, rm);
        assertEquals(2, Evaluation.diversityInputs(o));
        JsonObject b = Evaluation.measure(o, judged, Evaluation.Semantics.NONE, 0, 0, 1);
        assertEquals(4, b.get("inputs").getAsInt());
        assertEquals(2, b.get("diversity_inputs").getAsInt());
        assertEquals(3, b.get("diversity_samples").getAsInt());
        assertEquals(8, b.get("outputs").getAsInt());
        assertEquals((0.5 + 1 + 0 + 1) / 4, b.getAsJsonObject("win_rate").get("mean").getAsDouble(), 1e-12);
        // distinct-n of a set: mean over n = 1..5 of N_n / C_n (0 where there are no n-grams), n-grams within outputs.
        // Input 0: 1-grams a b a b c d (4 of 6), 2-grams ab ab cd (2 of 3), none longer: (4/6 + 2/3) / 5.
        // Input 1: 1-grams 6 of 6, 2-grams 3 of 3: (1 + 1) / 5.
        double d0 = (4 / 6.0 + 2 / 3.0) / 5, d1 = 2 / 5.0;
        assertEquals((d0 + d1) / 2, b.getAsJsonObject("per_input").getAsJsonObject("distinct").get("mean").getAsDouble(), 1e-12);
        // Across inputs: the diversity inputs' first outputs, "a b" and "e f": all distinct, (1 + 1) / 5.
        assertEquals(2 / 5.0, b.getAsJsonObject("across_input").get("distinct").getAsDouble(), 1e-12);
    }

    @Test
    void bestOfNTakesEachInputsOwnGroups() {
        String[][] pool = {{"a", "b", "c", "d"}, {"e", "f"}};
        float[][] scores = {{1, 3, 2, 0}, {5, 4}};
        var bon = Methods.bestOfN(pool, scores, 2);
        assertEquals(List.of("b", "c"), List.of(bon.texts()[0]));
        assertEquals(List.of("e"), List.of(bon.texts()[1]));
        var sft = Methods.firstOfGroups(pool, scores, 2);
        assertEquals(List.of("a", "c"), List.of(sft.texts()[0]));
        assertEquals(List.of("e"), List.of(sft.texts()[1]));
    }
}
