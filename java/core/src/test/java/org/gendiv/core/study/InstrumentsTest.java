package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.world.World;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

/** The instrument checks and the preference data they read, against hand-worked cases. */
class InstrumentsTest {
    /**
     * Three candidates with gold 0.9, 0.5 and 0.503 and tie threshold 0.005: the pair (0.5, 0.503)
     * is a tie and dropped, two pairs remain; with tau 0.1 and noise 0.1, for delta 0.4:
     * q = sigmoid(4) = 0.98201, P(label) = 0.9 q + 0.1 (1 - q) = 0.88561, its ceiling the same.
     */
    @Test
    void pairsDropTiesAndKnowTheirLabelsProbability() {
        World w = new FixedGold(new double[] {0.9, 0.5, 0.503});
        var ex = new World.Example("id", "p", null);
        var labelled = Preferences.label(w, List.of(ex), new String[][] {{"a", "b", "c"}},
                new Preferences.Annotator(0.1, 0.1, 0.005), new SplittableRandom(1));
        assertEquals(2, labelled.size());
        double q = 1 / (1 + Math.exp(-4.0)), p = 0.9 * q + 0.1 * (1 - q);
        for (var l : labelled) {
            boolean goldOrder = l.goldChosen() > l.goldRejected();
            double want = Math.abs(Math.abs(l.goldChosen() - l.goldRejected()) - 0.4) < 1e-9 ? p : 0.9 * (1 / (1 + Math.exp(-3.97)))
                    + 0.1 * (1 - 1 / (1 + Math.exp(-3.97)));
            assertEquals(goldOrder ? want : 1 - want, l.pChosen(), 1e-9);
            assertEquals(want, l.ceiling(), 1e-9);
        }
        // Labels follow pChosen: over many draws the share that follows gold order is P(label).
        int follow = 0, n = 20000;
        var rng = new SplittableRandom(2);
        for (int i = 0; i < n; i++) {
            var l = Preferences.label(new FixedGold(new double[] {0.9, 0.5}), List.of(ex), new String[][] {{"a", "b"}},
                    new Preferences.Annotator(0.1, 0.1, 0.005), rng).get(0);
            if (l.goldChosen() > l.goldRejected()) follow++;
        }
        assertEquals(p, (double) follow / n, 0.01);
    }

    /** Spearman's rho by hand: ranks with ties averaged; a constant side is NaN. */
    @Test
    void spearmanByHand() {
        assertEquals(1.0, Instruments.spearman(new double[] {1, 2, 3}, new double[] {10, 20, 30}), 1e-12);
        assertEquals(-1.0, Instruments.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        // a = (1, 2, 2, 3): ranks (1, 2.5, 2.5, 4); b = (1, 3, 2, 4): ranks (1, 3, 2, 4): rho = 4.5 / sqrt(4.5 * 5).
        assertEquals(4.5 / Math.sqrt(4.5 * 5), Instruments.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4}), 1e-12);
        assertTrue(Double.isNaN(Instruments.spearman(new double[] {1, 1}, new double[] {1, 2})));
    }

    /**
     * Gold differences below the tie threshold do not rank samples: gold (0.90, 0.91, 0.95, 0.50)
     * with threshold 0.02 is perceived as (0, 0, 3, -3) (0.90 and 0.91 each beat 0.50 and lose to
     * 0.95, and do not order each other); RM scores (3, 2, 1, 0) then give, by hand, ranks
     * (2.5, 2.5, 4, 1) against (4, 3, 2, 1): rho = 1.5 / sqrt(4.5 * 5). With threshold 0 every
     * difference ranks: ranks (2, 3, 4, 1) against (4, 3, 2, 1), rho = 1 / 5.
     */
    @Test
    void withinInputSpearmanCountsCloseGoldAsTies() {
        assertArrayEquals(new double[] {0, 0, 3, -3}, Instruments.perceivedGold(new double[] {0.90, 0.91, 0.95, 0.50}, 0.02));
        List<Evaluation.Judged> sft = new ArrayList<>();
        double[] gold = {0.90, 0.91, 0.95, 0.50};
        for (int k = 0; k < 4; k++) sft.add(new Evaluation.Judged(0, k, "t", gold[k], 0.5, 3 - k, 0, "m"));
        assertEquals(1.5 / Math.sqrt(4.5 * 5), Instruments.withinInputSpearman(sft, 0.02), 1e-12);
        assertEquals(0.2, Instruments.withinInputSpearman(sft, 0), 1e-12);
        // An input whose samples all lie within the threshold ranks nothing: it is left out of the mean.
        for (int k = 0; k < 4; k++) sft.add(new Evaluation.Judged(1, k, "t", 0.9 + 0.001 * k, 0.5, k, 0, "m"));
        assertEquals(1.5 / Math.sqrt(4.5 * 5), Instruments.withinInputSpearman(sft, 0.02), 1e-12);
    }

    /** The reward model's checks: 3 of 4 held-out pairs ranked as labelled, ceilings 0.9 each: accuracy 0.75, share 0.833. */
    @Test
    void rewardModelChecks() {
        List<Preferences.Labelled> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) held.add(new Preferences.Labelled(new RewardTraining.Pair("p", "a", "b"), 1, 0, 0.9));
        List<Evaluation.Judged> sft = new ArrayList<>();
        for (int k = 0; k < 4; k++) sft.add(new Evaluation.Judged(0, k, "t", k, 0.5, (float) k, 0, "m"));  // rho 1
        JsonObject b = Instruments.rewardModel(held, new float[] {1, 1, 1, 0}, new float[] {0, 0, 0, 1}, sft, 0.02);
        JsonObject c = b.getAsJsonObject("checks");
        assertEquals(0.75, c.getAsJsonObject("heldout_accuracy").get("value").getAsDouble(), 1e-12);
        assertEquals(0.75 / 0.9, c.getAsJsonObject("share_of_ceiling").get("value").getAsDouble(), 1e-12);
        assertEquals(1.0, c.getAsJsonObject("spearman_gold").get("value").getAsDouble(), 1e-12);
        assertTrue(b.get("pass").getAsBoolean());
        b = Instruments.rewardModel(held, new float[] {1, 1, 0, 0}, new float[] {0, 0, 1, 1}, sft, 0.02);
        assertFalse(b.get("pass").getAsBoolean(), "accuracy 0.5 fails");
        JsonObject all = Instruments.of(b, Instruments.block(List.of()), new JsonObject());
        assertEquals(List.of("reward_model"), Instruments.failed(all));
    }

    /** Over seeds 2 and 3 (the findings seeds), the report names each column and each failure by its seed, not its place. */
    @Test
    void combinedChecksNameTheirSeeds() {
        List<Preferences.Labelled> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) held.add(new Preferences.Labelled(new RewardTraining.Pair("p", "a", "b"), 1, 0, 0.9));
        List<Evaluation.Judged> sft = new ArrayList<>();
        for (int k = 0; k < 4; k++) sft.add(new Evaluation.Judged(0, k, "t", k, 0.5, (float) k, 0, "m"));
        JsonObject pass = Instruments.of(Instruments.rewardModel(held, new float[] {1, 1, 1, 0}, new float[] {0, 0, 0, 1}, sft, 0.02),
                Instruments.block(List.of()), new JsonObject());
        JsonObject fail = Instruments.of(Instruments.rewardModel(held, new float[] {1, 1, 0, 0}, new float[] {0, 0, 1, 1}, sft, 0.02),
                Instruments.block(List.of()), new JsonObject());
        JsonObject both = Instruments.combine(List.of(pass, fail), List.of(2L, 3L));
        assertEquals(List.of("seed 3: reward_model"), Instruments.failed(both));
        String md = InstrumentTable.markdown(both);
        assertTrue(md.contains("| seed 2 | seed 3 |"), md);
        assertTrue(md.contains("| 0.750 pass | 0.500 **FAIL** |"), md);
        assertTrue(md.contains("Seed 3's reward model"), md);
        assertFalse(md.contains("seed 1"), md);
    }

    /**
     * The held-out accuracy per band of gold gap: gaps 0.05 and 0.08 (band tie-0.1, one ranked
     * right), 0.2 (0.1-0.3, right) and 0.5 (0.3-1, wrong); ceilings 0.7, 0.9, 0.95, 0.99.
     */
    @Test
    void rewardModelAccuracyByGoldGap() {
        double[] gap = {0.05, 0.08, 0.2, 0.5}, ceiling = {0.7, 0.9, 0.95, 0.99};
        List<Preferences.Labelled> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) held.add(new Preferences.Labelled(new RewardTraining.Pair("p", "a", "b"), 0.5, 0.5 - gap[i], ceiling[i]));
        JsonObject bands = Instruments.byGoldGap(held, new float[] {1, 0, 1, 0}, new float[] {0, 1, 0, 1});
        assertEquals(List.of("tie-0.1", "0.1-0.3", "0.3-1"), List.copyOf(bands.keySet()));
        assertEquals(2, bands.getAsJsonObject("tie-0.1").get("pairs").getAsInt());
        assertEquals(0.5, bands.getAsJsonObject("tie-0.1").get("accuracy").getAsDouble(), 1e-12);
        assertEquals(0.8, bands.getAsJsonObject("tie-0.1").get("label_ceiling").getAsDouble(), 1e-12);
        assertEquals(1.0, bands.getAsJsonObject("0.1-0.3").get("accuracy").getAsDouble(), 1e-12);
        assertEquals(0.0, bands.getAsJsonObject("0.3-1").get("accuracy").getAsDouble(), 1e-12);
        assertEquals(0.99, bands.getAsJsonObject("0.3-1").get("label_ceiling").getAsDouble(), 1e-12);
    }

    /** PPO's checks: KL 3 nats, RM scores 0 / 2 for SFT (std sqrt 2) and 2 for PPO: a gain of sqrt 2 SFT std. */
    @Test
    void ppoChecks() {
        List<Evaluation.Judged> sft = List.of(judged(0f, 0), judged(2f, 0)), ppo = List.of(judged(2f, 3), judged(2f, 3));
        JsonObject c = Instruments.ppo(sft, ppo).getAsJsonObject("checks");
        assertEquals(3.0, c.getAsJsonObject("kl_to_sft").get("value").getAsDouble(), 1e-12);
        assertEquals(1 / Math.sqrt(2), c.getAsJsonObject("rm_gain_sft_std").get("value").getAsDouble(), 1e-7);
    }

    /** Best-of-N from disjoint groups: output j is the best of samples [jN, (j+1)N), SFT's is each group's first. */
    @Test
    void bestOfNUsesDisjointGroups() {
        String[][] pool = {{"a", "b", "c", "d", "e", "f"}};
        float[][] scores = {{1, 3, 2, 9, 0, 5}};
        var bon = Methods.bestOfN(pool, scores, 2);
        assertEquals(List.of("b", "d", "f"), List.of(bon.texts()[0]));
        var sft = Methods.firstOfGroups(pool, scores, 2);
        assertEquals(List.of("a", "c", "e"), List.of(sft.texts()[0]));
        assertEquals(List.of(1f, 2f, 0f), List.of(sft.rmScores()[0][0], sft.rmScores()[0][1], sft.rmScores()[0][2]));
        assertEquals(9f, bon.rmScores()[0][1]);
    }

    private static Evaluation.Judged judged(float rm, double kl) {
        return new Evaluation.Judged(0, 0, "t", 0.5, 0.5, rm, kl, "m");
    }

    /** A world whose judge gives candidate "a", "b", "c", ... the gold qualities it was made with. */
    private record FixedGold(double[] gold) implements World {
        public String name() {
            return "fixed";
        }

        public String describe(String split) {
            return split;
        }

        public Example example(String split, SplittableRandom rng) {
            return new Example(split, "p", null);
        }

        public String demonstrate(Example e, double errorRate, SplittableRandom rng) {
            return "a";
        }

        public String slip(Example e, SplittableRandom rng) {
            return "b";
        }

        public String document(SplittableRandom rng) {
            return "";
        }

        public Judgement judge(Example e, String output) {
            return new Judgement(output, gold[output.charAt(0) - 'a']);
        }

        public org.gendiv.diversity.NliDiversity.Probabilities nli(Example e, String premise, String hypothesis) {
            return NEUTRAL;
        }

        public String scripted(Scripted policy, Example e, SplittableRandom rng) {
            return "a";
        }

        public java.util.Set<Scripted> defeats(String split) {
            return java.util.Set.of();
        }

        public java.util.Set<String> lexicon() {
            return java.util.Set.of();
        }
    }
}
