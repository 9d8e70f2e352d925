package org.gendiv.core.study;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.semantic.Embedder;
import org.gendiv.core.semantic.MemoEmbedder;
import org.gendiv.core.world.World;
import org.gendiv.diversity.DiversityReport;
import org.gendiv.diversity.NliDiversity;
import org.gendiv.diversity.StudyWords;
import org.gendiv.diversity.Summary;

/**
 * The study's measurements of one method on one split: outputs per input (K on the diversity
 * inputs, fewer on the rest), each judged by the world (gold quality, meaning, win against the
 * input's reference: 1, ties 0.5, 0) and scored by the reward model; win rate and gold with a
 * bootstrap CI over all inputs; per-input diversity (each diversity input's K outputs) and
 * across-input diversity (each diversity input's first output), lexical (EAD, distinct-n,
 * Self-BLEU, compression) and semantic (distinct meanings, exact NLI).
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Outputs of one method on one split: texts[input][k] with their RM scores and each output's
     * KL to the SFT policy (log pi(y) - log pi_sft(y) summed over its tokens; null when unknown).
     */
    public record Outputs(String[][] texts, float[][] rmScores, double[][] klToSft) {
        public Outputs(String[][] texts, float[][] rmScores) {
            this(texts, rmScores, null);
        }

        public double kl(int input, int sample) {
            return klToSft == null ? Double.NaN : klToSft[input][sample];
        }
    }

    /**
     * The semantic diversity a task can measure beside the lexical metrics: the embedded worlds
     * know each output's meaning (distinct meanings, exact NLI); real data uses model-backed
     * scorers when configured. Keys become per_input / across_input entries.
     */
    public interface Semantics {
        /**
         * Every text that perInput and across will be asked about for one method on the split,
         * given first, so that a model reads them in full batches rather than a few at a time.
         */
        default void prepare(List<String> texts) {}

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
        return of(w, inputs, null);
    }

    /** The world's exact semantics, and the embedder's embedding diversity beside them when one is given. */
    public static Semantics of(World w, List<World.Example> inputs, Embedder model) {
        MemoEmbedder embedder = model == null ? null : new MemoEmbedder(model);
        return new Semantics() {
            public void prepare(List<String> texts) {
                if (embedder != null) embedder.prepare(texts);
            }

            public Map<String, Double> perInput(int input, List<String> set, String[] meanings) {
                World.Example e = inputs.get(input);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("semantic", distinct(meanings));
                m.put("nli", NliDiversity.of(set, (p, h) -> w.nli(e, p, h)));
                if (embedder != null) m.put("embedding", embedder.diversity(set));
                return m;
            }

            public Map<String, Double> across(List<String> firsts, String[] meanings) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("semantic", distinct(meanings));
                if (embedder != null) m.put("embedding", embedder.diversity(firsts));
                return m;
            }
        };
    }

    static final DiversityReport.Options LEXICAL = new DiversityReport.Options(EnumSet.of(DiversityReport.Metric.EAD,
            DiversityReport.Metric.DISTINCT, DiversityReport.Metric.SELF_BLEU, DiversityReport.Metric.COMPRESSION),
            50257, 0, 0, 0);

    /** One judged output, as samples.jsonl records it (NaN where a value is unknown). */
    public record Judged(int input, int sample, String text, double gold, double win, float rmScore, double klToSft,
            String meaning) {}

    /** Every output against its input's reference (prompts[i], references[i]), in one call to the judge. */
    public static List<Judged> judge(Judge judge, List<String> prompts, List<String> references, Outputs o) throws IOException {
        List<Judge.Comparison> cs = new ArrayList<>();
        for (int i = 0; i < o.texts().length; i++)
            for (String text : o.texts()[i]) cs.add(new Judge.Comparison(prompts.get(i), text, references.get(i)));
        List<Judge.Verdict> v = judge.verdicts(cs);
        List<Judged> out = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < o.texts().length; i++)
            for (int k = 0; k < o.texts()[i].length; k++, at++)
                out.add(new Judged(i, k, o.texts()[i][k], v.get(at).gold(), v.get(at).preference(), o.rmScores()[i][k], o.kl(i, k),
                        v.get(at).meaning()));
        return out;
    }

    /**
     * The split's block of results.json for one method: shift, win rate, gold quality, RM score,
     * KL to SFT and length (words) as means over inputs with bootstrap CIs (a value unknown for
     * any output leaves its entry out), and over its diversity inputs ({@link #diversityInputs})
     * per-input diversity with std and CI and across-input values.
     */
    public static JsonObject measure(Outputs o, List<Judged> judged, Semantics semantics, int shift, int bootstrap, long seed) {
        return measure(o, judged, semantics, shift, bootstrap, seed, perInputDiversity(o, judged, semantics));
    }

    /**
     * How many of the split's first inputs carry its diversity: the leading inputs with as many
     * outputs as the first (the study gives the ID split's first diversity_inputs K outputs each and
     * the rest fewer, for win rates alone; a split with one count throughout is all diversity inputs).
     */
    static int diversityInputs(Outputs o) {
        int k = o.texts()[0].length, d = 0;
        while (d < o.texts().length && o.texts()[d].length == k) d++;
        return d;
    }

    /** Each per-input diversity metric's value for every diversity input (its outputs as one set). */
    static Map<String, double[]> perInputDiversity(Outputs o, List<Judged> judged, Semantics semantics) {
        int n = diversityInputs(o);
        String[][] meaning = meanings(o, judged);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.addAll(List.of(o.texts()[i]));
        semantics.prepare(all);
        Map<String, double[]> perInput = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            List<String> set = List.of(o.texts()[i]);
            Map<String, Double> m = lexical(set);
            m.putAll(semantics.perInput(i, set, meaning[i]));
            int at = i;
            m.forEach((key, v) -> perInput.computeIfAbsent(key, x -> new double[n])[at] = v);
        }
        return perInput;
    }

    private static String[][] meanings(Outputs o, List<Judged> judged) {
        String[][] meaning = new String[o.texts().length][];
        for (int i = 0; i < meaning.length; i++) meaning[i] = new String[o.texts()[i].length];
        for (Judged j : judged) meaning[j.input()][j.sample()] = j.meaning();
        return meaning;
    }

    static JsonObject measure(Outputs o, List<Judged> judged, Semantics semantics, int shift, int bootstrap, long seed,
            Map<String, double[]> perInput) {
        int n = o.texts().length;
        String[][] meaning = meanings(o, judged);
        int d = diversityInputs(o);
        JsonObject b = new JsonObject();
        b.addProperty("shift", shift);
        b.addProperty("inputs", n);
        b.addProperty("diversity_inputs", d);
        b.addProperty("diversity_samples", o.texts()[0].length);  // K: outputs of each diversity input
        b.addProperty("outputs", judged.size());
        b.add("win_rate", summary(Summary.of(perInput(judged, n, Judged::win), bootstrap, seed)));
        addKnown(b, "gold", perInput(judged, n, Judged::gold), bootstrap, seed + 1);
        addKnown(b, "rm_score", perInput(judged, n, Judged::rmScore), bootstrap, seed + 2);
        addKnown(b, "kl_to_sft", perInput(judged, n, Judged::klToSft), bootstrap, seed + 4);
        b.add("length", summary(Summary.of(perInput(judged, n, j -> StudyWords.words(j.text()).size()), bootstrap, seed + 5)));

        JsonObject pi = new JsonObject();
        perInput.forEach((key, v) -> pi.add(key, summary(Summary.of(v, bootstrap, seed + 3))));
        b.add("per_input", pi);

        List<String> firsts = new ArrayList<>();
        String[] firstMeanings = new String[d];
        for (int i = 0; i < d; i++) {
            firsts.add(o.texts()[i][0]);
            firstMeanings[i] = meaning[i][0];
        }
        Map<String, Double> across = lexical(firsts);
        across.putAll(semantics.across(firsts, firstMeanings));
        JsonObject ai = new JsonObject();
        across.forEach(ai::addProperty);
        b.add("across_input", ai);
        return b;
    }

    /** Each input's mean of f over its outputs. */
    static double[] perInput(List<Judged> judged, int inputs, ToDoubleFunction<Judged> f) {
        double[] sum = new double[inputs];
        int[] count = new int[inputs];
        for (Judged j : judged) {
            sum[j.input()] += f.applyAsDouble(j);
            count[j.input()]++;
        }
        for (int i = 0; i < inputs; i++) sum[i] /= count[i];
        return sum;
    }

    private static void addKnown(JsonObject b, String key, double[] v, int bootstrap, long seed) {
        for (double x : v) if (!Double.isFinite(x)) return;
        b.add(key, summary(Summary.of(v, bootstrap, seed)));
    }

    /** The study's per-input and across-input metrics of a set: EAD, distinct-n, Self-BLEU (lower = more diverse), compression. */
    static Map<String, Double> lexical(List<String> set) {
        Map<String, Double> all = DiversityReport.ofSet(set, LEXICAL), m = new LinkedHashMap<>();
        m.put("ead", all.get("ead"));
        m.put("distinct", all.get("distinct"));
        m.put("self_bleu", all.get("self_bleu"));
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
        o.addProperty("std", s.std());
        JsonArray ci = new JsonArray();
        ci.add(s.ciLow());
        ci.add(s.ciHigh());
        o.add("ci95", ci);
        return o;
    }
}
