package org.gendiv.core.study;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.gendiv.diversity.Summary;

/**
 * One method's results over the splits: each split's block, and its mean OOD win rate and
 * generalisation gap (ID win rate minus the mean OOD win rate) with bootstrap CIs, each
 * split's inputs resampled on their own.
 */
public final class MethodResults {
    private final JsonObject splits = new JsonObject();
    private final Map<String, double[]> wins = new LinkedHashMap<>();
    private final Map<String, Integer> shifts = new LinkedHashMap<>();
    private final Map<String, Map<String, double[]>> diversity = new LinkedHashMap<>();

    public void add(String split, Evaluation.Outputs o, List<Evaluation.Judged> judged, Evaluation.Semantics semantics, int shift,
            int bootstrap, long seed) {
        Map<String, double[]> perInput = Evaluation.perInputDiversity(o, judged, semantics);
        splits.add(split, Evaluation.measure(o, judged, semantics, shift, bootstrap, seed, perInput));
        wins.put(split, Evaluation.perInput(judged, o.texts().length, Evaluation.Judged::win));
        shifts.put(split, shift);
        diversity.put(split, perInput);
    }

    /** Each input's win rate (the mean over its K outputs), per split. */
    Map<String, double[]> wins() {
        return wins;
    }

    Map<String, Integer> shifts() {
        return shifts;
    }

    /** Each per-input diversity metric by input, per split. */
    Map<String, Map<String, double[]>> diversity() {
        return diversity;
    }

    /** The methods block of a task: each method's results, in order. */
    public static JsonObject json(Map<String, MethodResults> methods, int bootstrap, long seed) {
        JsonObject o = new JsonObject();
        methods.forEach((m, r) -> o.add(m, r.json(bootstrap, seed)));
        return o;
    }

    public JsonObject json(int bootstrap, long seed) {
        JsonObject m = new JsonObject();
        m.add("splits", splits);
        List<double[]> ood = wins.entrySet().stream().filter(e -> !e.getKey().equals("id")).map(Map.Entry::getValue).toList();
        double[] id = wins.get("id");
        if (id == null || ood.isEmpty()) return m;
        var rng = new SplittableRandom(seed * 31 + 7);
        int draws = Math.max(bootstrap, 0);
        double[] oodDraws = new double[draws], gapDraws = new double[draws];
        for (int b = 0; b < draws; b++) {
            double o = 0;
            for (double[] w : ood) o += resampledMean(w, rng) / ood.size();
            oodDraws[b] = o;
            gapDraws[b] = resampledMean(id, rng) - o;
        }
        double oodMean = 0;
        for (double[] w : ood) oodMean += mean(w) / ood.size();
        m.add("ood_win_rate", interval(oodMean, oodDraws));
        m.add("generalisation_gap", interval(mean(id) - oodMean, gapDraws));
        return m;
    }

    private static double resampledMean(double[] v, SplittableRandom rng) {
        double s = 0;
        for (int i = 0; i < v.length; i++) s += v[rng.nextInt(v.length)];
        return s / v.length;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** mean with the 2.5% and 97.5% quantiles of its bootstrap draws as the CI. */
    static JsonObject interval(double mean, double[] draws) {
        double[] sorted = draws.clone();
        Arrays.sort(sorted);
        JsonObject o = new JsonObject();
        o.addProperty("mean", mean);
        JsonArray ci = new JsonArray();
        ci.add(sorted.length == 0 ? mean : Summary.quantile(sorted, 0.025));
        ci.add(sorted.length == 0 ? mean : Summary.quantile(sorted, 0.975));
        o.add("ci95", ci);
        return o;
    }
}
