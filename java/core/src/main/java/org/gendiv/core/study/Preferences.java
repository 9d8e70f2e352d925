package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.world.World;

import com.google.gson.JsonObject;

/**
 * The reward model's preference data: several candidates per prompt and all their pairs
 * (InstructGPT), labelled by the world's simulated annotator. The annotator calls a pair whose
 * gold qualities differ by less than the tie threshold a tie (dropped: it carries no label),
 * prefers a over b with P = sigmoid((g(a) - g(b)) / tau), then flips the label with the noise
 * rate. Each pair keeps what the annotator knew, so the labels' own ceiling is exact.
 */
final class Preferences {
    private Preferences() {}

    /**
     * A labelled pair, each side's gold quality, and pChosen: the probability that the annotator
     * labels this pair this way round ((1 - noise) q + noise (1 - q), q = sigmoid(delta / tau)).
     */
    record Labelled(RewardTraining.Pair pair, double goldChosen, double goldRejected, double pChosen) {
        /** The best any scorer can expect on this pair: it agrees with the label's likelier side. */
        double ceiling() {
            return Math.max(pChosen, 1 - pChosen);
        }

        JsonObject json() {
            JsonObject o = new JsonObject();
            o.addProperty("prompt", pair.prompt());
            o.addProperty("chosen", pair.chosen());
            o.addProperty("rejected", pair.rejected());
            o.addProperty("gold_chosen", goldChosen);
            o.addProperty("gold_rejected", goldRejected);
            o.addProperty("p_chosen", pChosen);
            return o;
        }

        static Labelled of(JsonObject o) {
            return new Labelled(new RewardTraining.Pair(o.get("prompt").getAsString(), o.get("chosen").getAsString(),
                    o.get("rejected").getAsString()), o.get("gold_chosen").getAsDouble(), o.get("gold_rejected").getAsDouble(),
                    o.get("p_chosen").getAsDouble());
        }
    }

    /** The annotator's settings. */
    record Annotator(double tau, double noise, double tieThreshold) {
        static Annotator of(StudyConfig.WorldData wd) {
            return new Annotator(wd.annotatorTau(), wd.labelNoise(), wd.tieThreshold());
        }
    }

    /** Every untied pair of each input's distinct candidates, labelled; inputs.get(i) goes with candidates[i]. */
    static List<Labelled> label(World w, List<World.Example> inputs, String[][] candidates, Annotator a, SplittableRandom rng) {
        List<Labelled> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            World.Example e = inputs.get(i);
            String[] c = candidates[i];
            double[] gold = new double[c.length];
            for (int j = 0; j < c.length; j++) gold[j] = w.judge(e, c[j]).quality();
            for (int x = 0; x < c.length; x++)
                for (int y = x + 1; y < c.length; y++) {
                    if (c[x].equals(c[y]) || Math.abs(gold[x] - gold[y]) < a.tieThreshold()) continue;
                    double q = 1 / (1 + Math.exp(-(gold[x] - gold[y]) / a.tau()));  // P(x preferred), before noise
                    double pX = (1 - a.noise()) * q + a.noise() * (1 - q);
                    boolean xWins = rng.nextDouble() < pX;
                    out.add(xWins ? new Labelled(new RewardTraining.Pair(e.prompt(), c[x], c[y]), gold[x], gold[y], pX)
                            : new Labelled(new RewardTraining.Pair(e.prompt(), c[y], c[x]), gold[y], gold[x], 1 - pX));
                }
        }
        return out;
    }

    static List<RewardTraining.Pair> pairs(List<Labelled> labelled) {
        return labelled.stream().map(Labelled::pair).toList();
    }

    static void write(Path file, List<Labelled> labelled) throws IOException {
        Jsonl.write(file, labelled.stream().map(Labelled::json).toList());
    }

    static List<Labelled> read(Path file) throws IOException {
        List<Labelled> out = new ArrayList<>();
        for (Jsonl.Line l : Jsonl.objects(file, TextFiles.read(file))) out.add(Labelled.of(l.json()));
        return out;
    }
}
