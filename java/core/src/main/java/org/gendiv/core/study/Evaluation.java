package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gendiv.core.judge.Judge;
import org.gendiv.core.world.World;
import org.gendiv.diversity.DiversityReport;
import org.gendiv.diversity.NliDiversity;
import org.gendiv.diversity.Summary;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The study's measurements of one method on one split: K outputs per input, each judged by the
 * world (gold quality, meaning, win against the input's reference: 1, ties 0.5, 0) and scored by
 * the reward model; win rate and gold with a bootstrap CI over inputs; per-input diversity (each
 * input's K outputs) and across-input diversity (each input's first output), lexical (EAD,
 * distinct-n, Self-BLEU, compression) and semantic (distinct meanings, exact NLI).
 */
public final class Evaluation {
    private Evaluation() {}

    /** Outputs of one method on one split: texts[input][k] with their RM scores. */
    public record Outputs(String[][] texts, float[][] rmScores) {}

    /**
     * The semantic diversity a task can measure beside the lexical metrics: the embedded worlds
     * know each output's meaning (distinct meanings, exact NLI); real data uses model-backed
     * scorers when configured. Keys become per_input / across_input entries.
     */
    public interface Semantics {
        Map<String, Double> perInput(int input, List<String> set, String[] meanings);

        Map<String, Double> across(List<String> firsts, String[] meanings);

        Semantics NONE = new Semantics() {
            public Map<String, Double> perInput(int input, List<String> set, String[] meanings) {
                return Map.of();
            }

            public Map<String, Double> across(List<String> firsts, String[] meanings) {
                return Map.of();
            }
        };
    }

    /** The world's exact semantics: distinct meanings per set and the exact NLI analogue. */
    public static Semantics of(World w, List<World.Example> inputs) {
        return new Semantics() {
            public Map<String, Double> perInput(int input, List<String> set, String[] meanings) {
                World.Example e = inputs.get(input);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("semantic", distinct(meanings));
                m.put("nli", NliDiversity.of(set, (p, h) -> w.nli(e, p, h)));
                return m;
            }

            public Map<String, Double> across(List<String> firsts, String[] meanings) {
                return Map.of("semantic", distinct(meanings));
            }
        };
    }

    static final DiversityReport.Options LEXICAL = new DiversityReport.Options(EnumSet.of(DiversityReport.Metric.EAD,
            DiversityReport.Metric.DISTINCT, DiversityReport.Metric.SELF_BLEU, DiversityReport.Metric.COMPRESSION),
            50257, 0, 0, 0);

    /** One judged output, as samples.jsonl records it. */
    public record Judged(int input, int sample, String text, double gold, double win, float rmScore, String meaning) {}

    /** Judges every output; referenceGold[i] is the gold quality of input i's reference. */
    public static List<Judged> judge(World w, List<World.Example> inputs, Outputs o, double[] referenceGold) {
        List<Judged> out = new ArrayList<>();
        for (int i = 0; i < o.texts().length; i++) {
            double ref = referenceGold[i];
            for (int k = 0; k < o.texts()[i].length; k++) {
                var j = w.judge(inputs.get(i), o.texts()[i][k]);
                out.add(new Judged(i, k, o.texts()[i][k], j.quality(), Judge.win(j.quality(), ref), o.rmScores()[i][k], j.meaning()));
            }
        }
        return out;
    }

    /** The split's block of results.json for one method. */
    public static JsonObject measure(Outputs o, List<Judged> judged, Semantics semantics, int bootstrap, long seed) {
        int n = o.texts().length, k = o.texts()[0].length;
        double[] win = new double[n], gold = new double[n], rm = new double[n];
        String[][] meaning = new String[n][k];
        for (Judged j : judged) {
            win[j.input()] += j.win() / k;
            gold[j.input()] += j.gold() / k;
            rm[j.input()] += j.rmScore() / k;
            meaning[j.input()][j.sample()] = j.meaning();
        }
        JsonObject b = new JsonObject();
        b.add("win_rate", summary(Summary.of(win, bootstrap, seed)));
        if (judged.stream().noneMatch(j -> Double.isNaN(j.gold()))) b.add("gold", summary(Summary.of(gold, bootstrap, seed + 1)));
        b.add("rm_score", summary(Summary.of(rm, bootstrap, seed + 2)));

        Map<String, double[]> perInput = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            List<String> set = List.of(o.texts()[i]);
            Map<String, Double> m = lexical(set);
            m.putAll(semantics.perInput(i, set, meaning[i]));
            int at = i;
            m.forEach((key, v) -> perInput.computeIfAbsent(key, x -> new double[n])[at] = v);
        }
        JsonObject pi = new JsonObject();
        perInput.forEach((key, v) -> pi.add(key, summary(Summary.of(v, bootstrap, seed + 3))));
        b.add("per_input", pi);

        List<String> firsts = new ArrayList<>();
        String[] firstMeanings = new String[n];
        for (int i = 0; i < n; i++) {
            firsts.add(o.texts()[i][0]);
            firstMeanings[i] = meaning[i][0];
        }
        Map<String, Double> across = lexical(firsts);
        across.putAll(semantics.across(firsts, firstMeanings));
        JsonObject ai = new JsonObject();
        across.forEach((key, v) -> ai.add(key, point(v)));
        b.add("across_input", ai);
        return b;
    }

    /** EAD, distinct-n, Self-BLEU diversity (1 - Self-BLEU) and compression diversity of a set. */
    static Map<String, Double> lexical(List<String> set) {
        Map<String, Double> all = DiversityReport.ofSet(set, LEXICAL), m = new LinkedHashMap<>();
        m.put("ead", all.get("ead"));
        m.put("distinct", all.get("distinct"));
        m.put("self_bleu_diversity", 1 - all.get("self_bleu"));
        m.put("compression", all.get("compression"));
        return m;
    }

    /** Distinct meanings over set size: 1/K when all K mean the same, 1 when all differ. */
    static double distinct(String[] meanings) {
        Set<String> s = new HashSet<>(List.of(meanings));
        return (double) s.size() / meanings.length;
    }

    static JsonObject summary(Summary s) {
        JsonObject o = new JsonObject();
        o.addProperty("mean", s.mean());
        JsonArray ci = new JsonArray();
        ci.add(s.ciLow());
        ci.add(s.ciHigh());
        o.add("ci95", ci);
        return o;
    }

    static JsonObject point(double v) {
        return summary(new Summary(v, 0, v, v, 1));
    }
}
