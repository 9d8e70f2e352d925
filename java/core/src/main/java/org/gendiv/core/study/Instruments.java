package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.world.World;

/**
 * The instrument checks of one task on one seed, run before any finding is read: does the reward
 * model rank what its labels rank, did PPO move the policy and raise its reward, is each split
 * winnable (a scripted oracle wins there) and graded (a scripted policy without the skill the
 * split shifts loses there), and is SFT neither hopeless nor perfect on it. Each check has a
 * stated pass range; a failed check makes the findings that rest on its instrument inconclusive.
 */
final class Instruments {
    private Instruments() {}

    /** Reward model: held-out accuracy on untied pairs, its share of the labels' ceiling, within-input Spearman with gold. */
    static final double RM_MIN_ACCURACY = 0.75, RM_MIN_SHARE_OF_CEILING = 0.8, RM_MIN_SPEARMAN = 0.3;
    /** PPO: KL to SFT per response (nats) and the RM score's gain over SFT in SFT standard deviations. */
    static final double PPO_MIN_KL = 2, PPO_MAX_KL = 10, PPO_MIN_RM_GAIN = 0.5;
    /** Splits: SFT's win rate strictly inside (0.05, 0.95); the oracle's at least 0.6; a defeated policy 0.15 below it. */
    static final double SFT_MIN_WIN = 0.05, SFT_MAX_WIN = 0.95, ORACLE_MIN_WIN = 0.6, DEFEATED_MIN_GAP = 0.15,
            ID_MAX_GAP = 0.05;

    /** One check: a measured value, the range it must fall in, and what it stands for. */
    record Check(String name, double value, double low, double high, String means) {
        boolean pass() {
            return value >= low && value <= high;
        }

        JsonObject json() {
            JsonObject o = new JsonObject();
            o.addProperty("value", value);
            JsonArray r = new JsonArray();
            r.add(low);
            r.add(high);
            o.add("range", r);
            o.addProperty("pass", pass());
            o.addProperty("means", means);
            return o;
        }
    }

    static JsonObject block(List<Check> checks) {
        JsonObject b = new JsonObject(), cs = new JsonObject();
        boolean pass = true;
        for (Check c : checks) {
            cs.add(c.name(), c.json());
            pass &= c.pass();
        }
        b.addProperty("pass", pass);
        b.add("checks", cs);
        return b;
    }

    /**
     * The reward model on its held-out pairs (RM scores of each pair's chosen and rejected side)
     * and on SFT's samples of the ID split (gold and RM score per sample, K per input).
     */
    static JsonObject rewardModel(List<Preferences.Labelled> heldOut, float[] chosen, float[] rejected,
            List<Evaluation.Judged> sftOnId, double tieThreshold) {
        int n = heldOut.size();
        double agree = 0, goldAgree = 0, ceiling = 0;
        for (int i = 0; i < n; i++) {
            var p = heldOut.get(i);
            agree += agreement(chosen[i], rejected[i]);
            double goldSign = Math.signum(p.goldChosen() - p.goldRejected()), rmSign = Math.signum(chosen[i] - rejected[i]);
            goldAgree += rmSign == 0 ? 0.5 : rmSign == goldSign ? 1 : 0;
            ceiling += p.ceiling();
        }
        double accuracy = n == 0 ? Double.NaN : agree / n, ceil = n == 0 ? Double.NaN : ceiling / n;
        List<Check> checks = List.of(
                new Check("heldout_accuracy", accuracy, RM_MIN_ACCURACY, 1, "agreement with the annotator's labels on held-out untied pairs"),
                new Check("share_of_ceiling", accuracy / ceil, RM_MIN_SHARE_OF_CEILING, Double.POSITIVE_INFINITY,
                        "held-out accuracy over the labels' own ceiling (the best any scorer can expect)"),
                new Check("spearman_gold", withinInputSpearman(sftOnId, tieThreshold), RM_MIN_SPEARMAN, 1,
                        "rank correlation of RM score and gold quality among each ID diversity input's K SFT samples, gold differences below"
                                + " the annotator's tie threshold counted as ties (as the accuracy's pairs are untied), mean over inputs"));
        JsonObject b = block(checks);
        b.addProperty("spearman_gold_exact", withinInputSpearman(sftOnId, 0));  // every gold difference ranked, however small
        b.addProperty("heldout_pairs", n);
        b.addProperty("label_ceiling", ceil);
        b.addProperty("gold_order_accuracy", n == 0 ? Double.NaN : goldAgree / n);
        b.add("by_gold_gap", byGoldGap(heldOut, chosen, rejected));
        return b;
    }

    /** A pair scored as labelled counts 1, a tie half. */
    private static double agreement(float chosen, float rejected) {
        return chosen > rejected ? 1 : chosen == rejected ? 0.5 : 0;
    }

    /** Where the gold gaps of held-out pairs are cut into bands for the reward model's diagnosis: [tie threshold, 0.1), [0.1, 0.3), [0.3, 1]. */
    static final double[] GOLD_GAP_BANDS = {0.1, 0.3};

    /**
     * The held-out accuracy and the labels' ceiling per band of gold gap |g(a) - g(b)|: which
     * comparisons the reward model misses (a fine one, as concision, or a coarse one, as a wrong fact).
     */
    static JsonObject byGoldGap(List<Preferences.Labelled> heldOut, float[] chosen, float[] rejected) {
        int bands = GOLD_GAP_BANDS.length + 1;
        double[] agree = new double[bands], ceiling = new double[bands];
        int[] count = new int[bands];
        for (int i = 0; i < heldOut.size(); i++) {
            var p = heldOut.get(i);
            double gap = Math.abs(p.goldChosen() - p.goldRejected());
            int band = 0;
            while (band < GOLD_GAP_BANDS.length && gap >= GOLD_GAP_BANDS[band]) band++;
            count[band]++;
            agree[band] += agreement(chosen[i], rejected[i]);
            ceiling[band] += p.ceiling();
        }
        JsonObject out = new JsonObject();
        for (int b = 0; b < bands; b++) {
            if (count[b] == 0) continue;
            String low = b == 0 ? "tie" : String.valueOf(GOLD_GAP_BANDS[b - 1]), high = b == bands - 1 ? "1" : String.valueOf(GOLD_GAP_BANDS[b]);
            JsonObject o = new JsonObject();
            o.addProperty("pairs", count[b]);
            o.addProperty("accuracy", agree[b] / count[b]);
            o.addProperty("label_ceiling", ceiling[b] / count[b]);
            out.add(low + "-" + high, o);
        }
        return out;
    }

    /** PPO against SFT on the ID split: KL per response and the RM score's gain in SFT standard deviations. */
    static JsonObject ppo(List<Evaluation.Judged> sftOnId, List<Evaluation.Judged> ppoOnId) {
        double[] sftRm = sftOnId.stream().mapToDouble(Evaluation.Judged::rmScore).toArray();
        double sftMean = mean(sftRm), sftStd = std(sftRm, sftMean);
        double ppoRm = mean(ppoOnId.stream().mapToDouble(Evaluation.Judged::rmScore).toArray());
        double kl = mean(ppoOnId.stream().mapToDouble(Evaluation.Judged::klToSft).toArray());
        JsonObject b = block(List.of(
                new Check("kl_to_sft", kl, PPO_MIN_KL, PPO_MAX_KL, "KL(PPO || SFT) per response on ID, nats"),
                new Check("rm_gain_sft_std", (ppoRm - sftMean) / sftStd, PPO_MIN_RM_GAIN, Double.POSITIVE_INFINITY,
                        "PPO's mean RM score over SFT's, in SFT's standard deviations")));
        b.addProperty("sft_rm_std", sftStd);
        return b;
    }

    /**
     * A split: SFT's win rate, and each scripted policy's (one output per input against the
     * input's reference); the oracle must win, the policies the split is designed to defeat must
     * lose ground, and on ID no scripted policy may lose any.
     */
    static JsonObject split(World w, String split, List<World.Example> inputs, double[] referenceGold, double sftWinRate,
            SplittableRandom rng) {
        JsonObject scripted = new JsonObject();
        double[] win = new double[World.Scripted.values().length];
        for (World.Scripted p : World.Scripted.values()) {
            double sum = 0;
            for (int i = 0; i < inputs.size(); i++)
                sum += Judge.win(w.judge(inputs.get(i), w.scripted(p, inputs.get(i), rng)).quality(), referenceGold[i]);
            win[p.ordinal()] = sum / inputs.size();
            scripted.addProperty(p.key(), win[p.ordinal()]);
        }
        double oracle = win[World.Scripted.ORACLE.ordinal()];
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("sft_win_rate", sftWinRate, SFT_MIN_WIN, SFT_MAX_WIN, "SFT neither hopeless nor perfect here"));
        checks.add(new Check("oracle_win_rate", oracle, ORACLE_MIN_WIN, 1, "the split can be won"));
        var defeated = w.defeats(split);
        for (World.Scripted p : World.Scripted.values()) {
            if (p == World.Scripted.ORACLE) continue;
            double gap = oracle - win[p.ordinal()];
            if (split.equals("id"))
                checks.add(new Check(p.key() + "_gap", gap, Double.NEGATIVE_INFINITY, ID_MAX_GAP,
                        "ID needs no skill beyond SFT's data: " + p.key() + " (" + p.description + ") wins as the oracle does"));
            else if (defeated.contains(p))
                checks.add(new Check(p.key() + "_gap", gap, DEFEATED_MIN_GAP, Double.POSITIVE_INFINITY,
                        "the split tests a skill: " + p.key() + " (" + p.description + ") falls behind the oracle"));
        }
        JsonObject b = block(checks);
        b.add("scripted_win_rate", scripted);
        return b;
    }

    /** The task's instruments block: each instrument's checks, and the names of those that failed. */
    static JsonObject of(JsonObject rewardModel, JsonObject ppo, JsonObject splits) {
        JsonObject o = new JsonObject();
        o.add("reward_model", rewardModel);
        o.add("ppo", ppo);
        o.add("splits", splits);
        JsonArray failed = new JsonArray();
        if (!rewardModel.get("pass").getAsBoolean()) failed.add("reward_model");
        if (!ppo.get("pass").getAsBoolean()) failed.add("ppo");
        for (String s : splits.keySet()) if (!splits.getAsJsonObject(s).get("pass").getAsBoolean()) failed.add("split " + s);
        o.add("failed", failed);
        return o;
    }

    /** The per-seed instruments blocks of a task's results (one, or those combined over seeds). */
    static List<JsonObject> perSeed(JsonObject instruments) {
        List<JsonObject> out = new ArrayList<>();
        if (instruments == null) return out;
        if (instruments.has("per_seed")) for (var e : instruments.getAsJsonArray("per_seed")) out.add(e.getAsJsonObject());
        else out.add(instruments);
        return out;
    }

    /** Over seeds: each seed's block, and every failure named with its seed. */
    static JsonObject combine(List<JsonObject> blocks, List<Long> seeds) {
        JsonObject o = new JsonObject();
        JsonArray each = new JsonArray(), failed = new JsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            JsonObject block = blocks.get(i).deepCopy();
            block.addProperty("seed", seeds.get(i));  // the report names each column by its seed
            each.add(block);
            for (var f : blocks.get(i).getAsJsonArray("failed")) failed.add("seed " + seeds.get(i) + ": " + f.getAsString());
        }
        o.add("per_seed", each);
        o.add("failed", failed);
        return o;
    }

    /** The names of the failed instruments (empty when every check passed, or when the results have no checks). */
    static List<String> failed(JsonObject instruments) {
        List<String> out = new ArrayList<>();
        if (instruments != null) for (var f : instruments.getAsJsonArray("failed")) out.add(f.getAsString());
        return out;
    }

    /** Mean over inputs of Spearman's rho between gold and RM score among the input's samples (inputs where either is constant are skipped). */
    static double withinInputSpearman(List<Evaluation.Judged> judged, double tieThreshold) {
        int inputs = 0;
        for (var j : judged) inputs = Math.max(inputs, j.input() + 1);
        List<List<Evaluation.Judged>> by = new ArrayList<>();
        for (int i = 0; i < inputs; i++) by.add(new ArrayList<>());
        for (var j : judged) by.get(j.input()).add(j);
        double sum = 0;
        int used = 0;
        for (var group : by) {
            double[] g = perceivedGold(group.stream().mapToDouble(Evaluation.Judged::gold).toArray(), tieThreshold);
            double[] r = group.stream().mapToDouble(Evaluation.Judged::rmScore).toArray();
            double rho = spearman(g, r);
            if (Double.isFinite(rho)) {
                sum += rho;
                used++;
            }
        }
        return used == 0 ? Double.NaN : sum / used;
    }

    /**
     * Each sample's gold as the annotator tells samples apart: how many samples of its input it
     * beats by at least the tie threshold, less how many beat it so. Samples closer than the
     * threshold do not order each other (the annotator calls them a tie and no label ranks them);
     * with threshold 0 this orders samples as their gold does.
     */
    static double[] perceivedGold(double[] gold, double tieThreshold) {
        double[] out = new double[gold.length];
        for (int i = 0; i < gold.length; i++)
            for (double other : gold) {
                double d = gold[i] - other;
                if (d != 0 && Math.abs(d) >= tieThreshold) out[i] += Math.signum(d);
            }
        return out;
    }

    /** Spearman's rho with tied values given their mean rank; NaN when either side is constant. */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = mean(ra), mb = mean(rb), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length;) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            for (int k = i; k <= j; k++) r[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return r;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double std(double[] v, double mean) {
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return Math.sqrt(ss / Math.max(1, v.length - 1));
    }
}
