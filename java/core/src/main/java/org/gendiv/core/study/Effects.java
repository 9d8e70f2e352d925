package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.google.gson.JsonObject;

/**
 * The findings' statistics on one seed: each method's difference from SFT, paired by input (the
 * methods answer the same inputs), with bootstrap 95% CIs over inputs. Per split the win-rate
 * difference, and its least-squares slope against the split's shift (finding 1: RLHF's advantage
 * grows with the shift); on the ID split the per-input diversity differences (finding 2). With
 * several seeds, results.json turns each into a mean with a t-interval over seeds.
 */
final class Effects {
    private Effects() {}

    /** {"ppo_minus_sft": {...}, "bon_minus_sft": {...}} for the methods present besides sft. */
    static JsonObject of(Map<String, MethodResults> methods, int bootstrap, long seed) {
        JsonObject o = new JsonObject();
        var sft = methods.get("sft");
        if (sft == null) return o;
        for (var m : methods.entrySet())
            if (!m.getKey().equals("sft")) o.add(m.getKey() + "_minus_sft", difference(m.getValue(), sft, bootstrap, seed));
        return o;
    }

    static JsonObject difference(MethodResults a, MethodResults b, int bootstrap, long seed) {
        List<String> splits = new ArrayList<>(a.wins().keySet());
        double[] shift = splits.stream().mapToDouble(s -> a.shifts().get(s)).toArray();
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 91);
        int draws = Math.max(bootstrap, 0);
        double[][] perSplit = new double[splits.size()][draws];
        double[] slope = new double[draws], ood = new double[draws];
        double[] point = new double[splits.size()];
        for (int s = 0; s < splits.size(); s++) point[s] = meanDiff(a.wins().get(splits.get(s)), b.wins().get(splits.get(s)), null);
        for (int d = 0; d < draws; d++) {
            double[] y = new double[splits.size()];
            for (int s = 0; s < splits.size(); s++) {
                double[] x = a.wins().get(splits.get(s));
                y[s] = perSplit[s][d] = meanDiff(x, b.wins().get(splits.get(s)), resample(x.length, rng));
            }
            slope[d] = slope(shift, y);
            ood[d] = oodMean(splits, y);
        }
        JsonObject win = new JsonObject();
        for (int s = 0; s < splits.size(); s++) win.add(splits.get(s), interval(point[s], perSplit[s]));
        JsonObject o = new JsonObject();
        o.add("win_rate", win);
        o.add("ood_win_rate", interval(oodMean(splits, point), ood));
        o.add("win_rate_slope", interval(slope(shift, point), slope));

        Map<String, double[]> da = a.diversity().get("id"), db = b.diversity().get("id");
        if (da != null && db != null) {
            JsonObject div = new JsonObject();
            for (String k : da.keySet()) {
                if (!db.containsKey(k)) continue;
                double[] xa = da.get(k), xb = db.get(k), ds = new double[draws];
                for (int d = 0; d < draws; d++) ds[d] = meanDiff(xa, xb, resample(xa.length, rng));
                div.add(k, interval(meanDiff(xa, xb, null), ds));
            }
            o.add("per_input_id", div);
        }
        return o;
    }

    /** The mean over the OOD splits (all but "id"). */
    private static double oodMean(List<String> splits, double[] y) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < y.length; i++)
            if (!splits.get(i).equals("id")) {
                s += y[i];
                n++;
            }
        return n == 0 ? Double.NaN : s / n;
    }

    /** mean(a[i] - b[i]) over the indices (all when null). */
    private static double meanDiff(double[] a, double[] b, int[] idx) {
        double s = 0;
        int n = idx == null ? a.length : idx.length;
        for (int j = 0; j < n; j++) {
            int i = idx == null ? j : idx[j];
            s += a[i] - b[i];
        }
        return s / n;
    }

    private static int[] resample(int n, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = rng.nextInt(n);
        return idx;
    }

    /** The least-squares slope of y against x. */
    static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0), my = Arrays.stream(y).average().orElse(0), sxy = 0, sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static JsonObject interval(double mean, double[] draws) {
        return MethodResults.interval(mean, draws);
    }
}
