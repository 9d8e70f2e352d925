package org.gendiv.diversity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The diversity report of a file of generations, per method: per-input diversity (each input's
 * samples form a set; mean, std and bootstrap 95% CI over inputs with >= 2 samples) and
 * across-input diversity (the set of each input's first sample, and optionally the mean over R
 * random draws of one sample per input). The JSON format is documented in README.md.
 */
public final class DiversityReport {
    public enum Metric {
        EAD("ead"), DISTINCT("distinct"), SELF_BLEU("selfbleu"), COMPRESSION("compression"), EMBEDDING("embedding");

        public final String flag;

        Metric(String flag) {
            this.flag = flag;
        }

        public static Metric parse(String s) {
            for (Metric m : values()) if (m.flag.equals(s.trim().toLowerCase(Locale.ROOT))) return m;
            throw new IllegalArgumentException("unknown metric '" + s + "' (known: ead, distinct, selfbleu, compression, embedding)");
        }
    }

    public record Options(Set<Metric> metrics, double vocab, int bootstrap, long seed, int acrossDraws) {
        public static Options defaults() {
            return new Options(EnumSet.of(Metric.EAD, Metric.DISTINCT, Metric.SELF_BLEU, Metric.COMPRESSION),
                    Lexical.DEFAULT_VOCAB, 1000, 0, 0);
        }
    }

    private DiversityReport() {}

    /** The chosen metrics of one set of texts (keys as in the JSON: "ead", "ead_n/1", "self_bleu", ...). */
    public static Map<String, Double> ofSet(List<String> texts, Options o) {
        List<Generations.Output> set = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++)
            set.add(new Generations.Output(i, texts.get(i).getBytes(StandardCharsets.UTF_8), null, 0));
        return setMetrics(set, o, new Lexical.Counter());
    }

    private static final String[] EAD_N = keys("ead_n/"), DISTINCT_N = keys("distinct_n/");

    private static String[] keys(String prefix) {
        String[] k = new String[Lexical.MAX_N + 1];
        for (int n = 1; n <= Lexical.MAX_N; n++) k[n] = prefix + n;
        return k;
    }

    /** Values of every metric of one set, keyed as in the JSON ("ead", "ead_n/1", ...). */
    static Map<String, Double> setMetrics(List<Generations.Output> set, Options o, Lexical.Counter counter) {
        Map<String, Double> m = new LinkedHashMap<>();
        List<byte[]> texts = new ArrayList<>(set.size());
        for (Generations.Output out : set) texts.add(out.utf8());
        counter.words(texts);
        if (o.metrics().contains(Metric.EAD) || o.metrics().contains(Metric.DISTINCT)) {
            Lexical.Counts c = counter.counts();
            if (o.metrics().contains(Metric.EAD)) {
                m.put("ead", c.ead(o.vocab()));
                for (int n = 1; n <= Lexical.MAX_N; n++) m.put(EAD_N[n], c.ead(n, o.vocab()));
            }
            if (o.metrics().contains(Metric.DISTINCT)) {
                m.put("distinct", c.distinct());
                for (int n = 1; n <= Lexical.MAX_N; n++) m.put(DISTINCT_N[n], c.distinctN(n));
            }
        }
        if (o.metrics().contains(Metric.SELF_BLEU)) m.put("self_bleu", SelfBleu.of(counter.wordIds(), counter.index()));
        if (o.metrics().contains(Metric.COMPRESSION)) m.put("compression", CompressionDiversity.ofUtf8(texts));
        if (o.metrics().contains(Metric.EMBEDDING)) {
            float[][] e = new float[set.size()][];
            for (int i = 0; i < e.length; i++) e[i] = set.get(i).embedding();
            m.put("embedding", EmbeddingDiversity.of(e));
        }
        return m;
    }

    public static JsonObject compute(Generations g, Options o) {
        JsonObject report = new JsonObject();
        for (var e : g.methods.entrySet()) report.add(e.getKey(), method(e.getKey(), e.getValue(), o));
        return report;
    }

    private static JsonObject method(String name, List<Generations.Input> inputs, Options o) {
        if (o.metrics().contains(Metric.EMBEDDING))
            for (Generations.Input in : inputs)
                for (Generations.Output out : in.outputs)
                    if (out.embedding() == null)
                        throw new Generations.BadInput("line " + out.line() + ": metric embedding needs an \"embedding\""
                                + " array on every line (method " + name + ")");
        long samples = 0;
        for (Generations.Input in : inputs) samples += in.outputs.size();
        List<Generations.Input> sets = inputs.stream().filter(in -> in.outputs.size() >= 2).toList();
        List<Generations.Output> firsts = new ArrayList<>(inputs.size());
        for (Generations.Input in : inputs) firsts.add(in.outputs.get(0));
        // The across-input set (the last task, the largest) computes beside the per-input sets.
        ThreadLocal<Lexical.Counter> index = ThreadLocal.withInitial(Lexical.Counter::new);
        @SuppressWarnings("unchecked")
        Map<String, Double>[] results = new Map[sets.size() + 1];
        IntStream.rangeClosed(0, sets.size()).parallel().forEach(i ->
                results[i] = setMetrics(i == sets.size() ? firsts : sets.get(i).outputs, o, index.get()));
        Map<String, Double>[] per = Arrays.copyOf(results, sets.size());

        JsonObject block = new JsonObject();
        block.addProperty("n_inputs", inputs.size());
        block.addProperty("n_samples", samples);
        block.addProperty("n_inputs_single_sample", inputs.size() - sets.size());
        JsonObject perInput = new JsonObject();
        if (per.length > 0) {
            for (String key : per[0].keySet()) {
                double[] values = new double[per.length];
                for (int i = 0; i < per.length; i++) values[i] = per[i].get(key);
                put(perInput, key, summary(Summary.of(values, o.bootstrap(), o.seed())));
            }
        }
        block.add("per_input", perInput);

        JsonObject across = new JsonObject();
        results[sets.size()].forEach((k, v) -> put(across, k, number(v)));
        if (o.acrossDraws() > 0) {
            var rng = new SplittableRandom(o.seed() ^ 0x5DEECE66DL);
            Map<String, double[]> draws = new LinkedHashMap<>();
            for (int r = 0; r < o.acrossDraws(); r++) {
                List<Generations.Output> pick = new ArrayList<>(inputs.size());
                for (Generations.Input in : inputs) pick.add(in.outputs.get(rng.nextInt(in.outputs.size())));
                int draw = r;
                setMetrics(pick, o, index.get()).forEach((k, v) ->
                        draws.computeIfAbsent(k, x -> new double[o.acrossDraws()])[draw] = v);
            }
            JsonObject random = new JsonObject();
            draws.forEach((k, v) -> put(random, k, summary(Summary.of(v, 0, 0))));
            random.addProperty("draws", o.acrossDraws());
            across.add("random_draws", random);
        }
        block.add("across_input", across);
        return block;
    }

    /** "ead_n/3" goes to obj.ead_n["3"]; other keys directly. */
    private static void put(JsonObject obj, String key, JsonElement value) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            obj.add(key, value);
            return;
        }
        String group = key.substring(0, slash);
        if (!obj.has(group)) obj.add(group, new JsonObject());
        obj.getAsJsonObject(group).add(key.substring(slash + 1), value);
    }

    private static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonObject summary(Summary s) {
        JsonObject o = new JsonObject();
        o.add("mean", number(s.mean()));
        o.add("std", number(s.std()));
        JsonArray ci = new JsonArray();
        ci.add(number(s.ciLow()));
        ci.add(number(s.ciHigh()));
        o.add("ci95", ci);
        return o;
    }

    /** The report as a readable table: one block per method, a row per metric. */
    public static String table(JsonObject report) {
        StringBuilder b = new StringBuilder();
        for (var m : report.entrySet()) {
            JsonObject block = m.getValue().getAsJsonObject();
            b.append(String.format(Locale.ROOT, "method %s: %d inputs, %d samples, %d with a single sample (no per-input set)%n",
                    m.getKey(), block.get("n_inputs").getAsLong(), block.get("n_samples").getAsLong(),
                    block.get("n_inputs_single_sample").getAsLong()));
            b.append(String.format(Locale.ROOT, "  %-14s %10s %9s %21s %13s%n", "metric", "per-input", "std", "95% CI", "across-input"));
            JsonObject per = block.getAsJsonObject("per_input"), across = block.getAsJsonObject("across_input");
            for (String key : across.keySet()) {
                if (key.equals("random_draws")) continue;
                JsonElement a = across.get(key);
                if (a.isJsonObject()) {
                    for (String n : a.getAsJsonObject().keySet())
                        row(b, key + "[" + n + "]", per.has(key) ? per.getAsJsonObject(key).get(n) : null,
                                a.getAsJsonObject().get(n));
                } else {
                    row(b, key, per.get(key), a);
                }
            }
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, JsonElement per, JsonElement across) {
        String mean = "-", std = "-", ci = "-";
        if (per != null && per.isJsonObject()) {
            JsonObject s = per.getAsJsonObject();
            mean = fmt(s.get("mean"));
            std = fmt(s.get("std"));
            JsonArray c = s.getAsJsonArray("ci95");
            ci = "[" + fmt(c.get(0)) + ", " + fmt(c.get(1)) + "]";
        }
        b.append(String.format(Locale.ROOT, "  %-14s %10s %9s %21s %13s%n", name, mean, std, ci, fmt(across)));
    }

    private static String fmt(JsonElement e) {
        return e == null || e.isJsonNull() ? "-" : String.format(Locale.ROOT, "%.4f", e.getAsDouble());
    }
}
