package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonObject;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * report.md and the PNG plots from results.json (and sweeps/*.json when sweeps were run): the
 * trade-off scatter, ID vs OOD win rate with the generalisation gap, per-input and across-input
 * diversity per method, and each sweep's curve. The findings of STUDY.md are checked in words.
 */
public final class Report {
    private Report() {}

    static final String[] LABEL = {"sft", "SFT", "bon", "BoN", "ppo", "RLHF (PPO)"};

    static String label(String method) {
        for (int i = 0; i < LABEL.length; i += 2) if (LABEL[i].equals(method)) return LABEL[i + 1];
        return method;
    }

    public static void write(Path out, JsonObject results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(out.resolve("plots"));
        StringBuilder md = new StringBuilder();
        md.append("# gendiv study report\n\n");
        int seeds = results.getAsJsonArray("seeds").size();
        JsonObject config = results.getAsJsonObject("config");
        int planned = config != null && config.has("seeds") ? config.get("seeds").getAsInt() : seeds;
        md.append(String.format(Locale.ROOT, "Seeds: %d%s (%s). Total time: %.0f s. Settings: config.json; every sample: samples.jsonl.%n%n",
                seeds, seeds < planned ? " of " + planned + " (the run goes on; this report covers the seeds done)" : "",
                seeds == 1 ? "95% CIs bootstrap over inputs" : "95% CIs over seeds (t)",
                results.getAsJsonObject("timings").has("total_s") ? results.getAsJsonObject("timings").get("total_s").getAsDouble() : Double.NaN));
        JsonObject tasks = results.getAsJsonObject("tasks");
        for (String task : tasks.keySet()) {
            JsonObject t = tasks.getAsJsonObject(task);
            md.append("## ").append(task).append("\n\n");
            JsonObject splits = t.getAsJsonObject("splits"), methods = t.getAsJsonObject("methods");
            md.append("Splits: ");
            List<String> parts = new ArrayList<>();
            for (String s : splits.keySet()) parts.add("**" + s + "** " + splits.get(s).getAsString());
            md.append(String.join("; ", parts)).append(".\n\n");
            md.append(InstrumentTable.markdown(t.getAsJsonObject("instruments")));

            String judge = t.has("judge") ? t.get("judge").getAsString() : "gold judge";
            JsonObject idBlock = split(methods, methods.keySet().iterator().next(), "id");
            md.append("### Generalisation: win rate against the reference (").append(judge)
                    .append(counts(idBlock, "inputs", "; %d inputs per split, 95%% CI over inputs")).append(")\n\n| method |");
            for (String s : splits.keySet()) md.append(' ').append(s).append(" |");
            md.append(" gap (ID - mean OOD) |\n|---|");
            for (int i = 0; i <= splits.size(); i++) md.append("---|");
            md.append('\n');
            for (String m : methods.keySet()) {
                md.append("| ").append(label(m)).append(" |");
                for (String s : splits.keySet()) md.append(' ').append(cell(split(methods, m, s).getAsJsonObject("win_rate"))).append(" |");
                JsonObject gap = methods.getAsJsonObject(m).getAsJsonObject("generalisation_gap");
                md.append(' ').append(gap == null ? "-" : cell(gap)).append(" |\n");
            }
            md.append("\n### Diversity on the ID split (").append(idBlock.has("diversity_inputs")
                    ? String.format(Locale.ROOT, "its first %d inputs, %d samples each", idBlock.get("diversity_inputs").getAsInt(),
                            idBlock.get("diversity_samples").getAsInt())
                    : "K samples per input").append("; across-input: each input's first sample)\n\n");
            String[] per = present(methods, "per_input", "ead", "distinct", "self_bleu", "compression", "semantic", "embedding", "nli");
            String[] across = present(methods, "across_input", "ead", "distinct", "semantic", "embedding");
            md.append("| method |");
            for (String k : per) md.append(" per-input ").append(k.equals("self_bleu") ? "self_bleu (lower = more diverse)" : k).append(" |");
            for (String k : across) md.append(" across-input ").append(k).append(" |");
            md.append("\n|---|");
            for (int i = 0; i < per.length + across.length; i++) md.append("---|");
            md.append('\n');
            for (String m : methods.keySet()) {
                JsonObject id = split(methods, m, "id");
                md.append("| ").append(label(m)).append(" |");
                for (String k : per) md.append(' ').append(cell(id.getAsJsonObject("per_input").getAsJsonObject(k))).append(" |");
                for (String k : across) md.append(' ').append(num(id.getAsJsonObject("across_input").get(k).getAsDouble())).append(" |");
                md.append('\n');
            }
            md.append(shortOutputsNote(methods));
            md.append('\n').append(findings(t)).append('\n');
            if (t.has("training")) {
                md.append("Training: ");
                JsonObject tr = t.getAsJsonObject("training");
                List<String> ts = new ArrayList<>();
                for (String stage : tr.keySet())
                    for (String k : tr.getAsJsonObject(stage).keySet())
                        ts.add(stage + " " + k + " " + num(tr.getAsJsonObject(stage).get(k).getAsDouble()));
                md.append(String.join(", ", ts)).append(".\n\n");
            }
            tradeOff(out, task, t);
            winRates(out, task, t);
            diversity(out, task, t);
            md.append("![trade-off](plots/tradeoff-").append(task).append(".png)\n");
            md.append("![win rates](plots/winrate-").append(task).append(".png)\n");
            md.append("![diversity](plots/diversity-").append(task).append(".png)\n\n");
        }
        md.append(Sweeps.reportSection(out));
        md.append(TimeReport.markdown(results.getAsJsonObject("timings"), results.getAsJsonArray("per_seed")));
        AtomicFiles.writeString(out.resolve("report.md"), md.toString());
    }

    /**
     * The study's three findings, checked on this run with the numbers and their 95% CIs beside
     * each claim: "clear" only where the intervals do not overlap. Needs the methods sft and ppo
     * (bon for the third); results of other methods (gendiv evaluate) get no findings.
     */
    static String findings(JsonObject t) {
        JsonObject m = t.getAsJsonObject("methods");
        if (!m.has("sft") || !m.has("ppo") || !m.getAsJsonObject("sft").has("ood_win_rate"))
            return "Findings of STUDY.md: not checked (they compare the methods sft and ppo on ID and OOD splits).\n";
        JsonObject effects = t.has("effects") ? t.getAsJsonObject("effects") : new JsonObject();
        List<String> failed = Instruments.failed(t.getAsJsonObject("instruments"));
        boolean rmFailed = failed.stream().anyMatch(f -> f.endsWith("reward_model"));
        String generalisation = inconclusive(failed), diversity = inconclusive(failed.stream().filter(f -> !f.contains("split")).toList()),
                bon = rmFailed ? "**inconclusive**: instrument reward_model failed; " : "";
        StringBuilder b = new StringBuilder("Findings of STUDY.md on this run (differences paired by input, means with 95% CIs; "
                + "\"clear\" where the CI excludes 0):\n\n");
        JsonObject ppo = effects.getAsJsonObject("ppo_minus_sft");
        if (ppo != null) {
            JsonObject ood = ppo.getAsJsonObject("ood_win_rate"), slope = ppo.getAsJsonObject("win_rate_slope");
            List<String> bySplit = new ArrayList<>();
            for (String s : ppo.getAsJsonObject("win_rate").keySet()) bySplit.add(s + " " + cell(ppo.getAsJsonObject("win_rate").getAsJsonObject(s)));
            b.append(String.format(Locale.ROOT, "1. %sRLHF minus SFT win rate: %s; mean OOD %s: %s; slope against the shift %s per step: %s.%n",
                    generalisation, String.join(", ", bySplit), cell(ood), verdict(mean(ood) > 0, low(ood) > 0, "RLHF generalises better"),
                    cell(slope), mean(ood) > 0 ? verdict(mean(slope) > 0, low(slope) > 0, "the advantage grows with the shift")
                            : "not confirmed (no OOD advantage to grow)"));
            JsonObject div = ppo.getAsJsonObject("per_input_id");
            List<String> parts = new ArrayList<>();
            for (String k : new String[] {"ead", "semantic", "embedding", "nli"})
                if (div != null && div.has(k)) {
                    JsonObject d = div.getAsJsonObject(k);
                    parts.add(String.format(Locale.ROOT, "%s %s: %s", k.equals("semantic") ? "distinct meanings" : k, cell(d),
                            verdict(mean(d) < 0, high(d) < 0, "RLHF reduces it")));
                }
            b.append(String.format(Locale.ROOT, "2. %sRLHF minus SFT per-input diversity (ID): %s; across-input EAD RLHF %s vs SFT %s.%n",
                    diversity, String.join("; ", parts), num(across(m, "ppo", "ead")), num(across(m, "sft", "ead"))));
        }
        JsonObject bonFx = effects.getAsJsonObject("bon_minus_sft");
        if (m.has("bon") && bonFx != null && ppo != null) {
            JsonObject bonDiv = bonFx.getAsJsonObject("per_input_id").getAsJsonObject("ead"), ppoDiv = ppo.getAsJsonObject("per_input_id")
                    .getAsJsonObject("ead");
            boolean between = mean(bonDiv) <= 0 && mean(bonDiv) >= mean(ppoDiv);
            b.append(String.format(Locale.ROOT, "3. %sBoN minus SFT: mean OOD win rate %s, per-input EAD %s (%s SFT's and RLHF's).%n",
                    bon, cell(bonFx.getAsJsonObject("ood_win_rate")), cell(bonDiv), between ? "between" : "not between"));
        }
        return b.toString();
    }

    private static double low(JsonObject ci) {
        return ci.getAsJsonArray("ci95").get(0).getAsDouble();
    }

    private static double high(JsonObject ci) {
        return ci.getAsJsonArray("ci95").get(1).getAsDouble();
    }

    /** "inconclusive: ..." naming the failed instruments a finding rests on, or "" when none failed. */
    private static String inconclusive(List<String> failed) {
        return failed.isEmpty() ? "" : "**inconclusive**: instrument" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                + " failed; ";
    }

    private static String verdict(boolean direction, boolean separated, String claim) {
        if (!direction) return "not confirmed";
        return separated ? "**confirmed** (" + claim + ", clear)" : "same direction (" + claim + "), within noise";
    }

    /** Outputs shorter than BLEU-4's window on ID: Self-BLEU then mostly measures length; a note saying so, else "". */
    static String shortOutputsNote(JsonObject methods) {
        List<String> shortest = new ArrayList<>();
        for (String m : methods.keySet()) {
            JsonObject length = split(methods, m, "id").getAsJsonObject("length");
            if (length != null && length.get("mean").getAsDouble() < SHORT_FOR_BLEU)
                shortest.add(String.format(Locale.ROOT, "%s %.1f", label(m), length.get("mean").getAsDouble()));
        }
        if (shortest.isEmpty() || !split(methods, methods.keySet().iterator().next(), "id").getAsJsonObject("per_input").has("self_bleu"))
            return "";
        return "\nSelf-BLEU is BLEU-4: outputs this short on ID (mean words: " + String.join(", ", shortest)
                + ") have few or no 4-grams, so their Self-BLEU falls with their length; read EAD and the semantic columns for"
                + " their diversity.\n";
    }

    /** Mean output length (words) below which Self-BLEU's 4-grams are too few to read. */
    static final double SHORT_FOR_BLEU = 5;

    /** format applied to block's integer key, or "" when the block has none (results written before it). */
    private static String counts(JsonObject block, String key, String format) {
        return block.has(key) ? String.format(Locale.ROOT, format, block.get(key).getAsInt()) : "";
    }

    /** The metrics, of those named, that the first method's ID block reports under block (per_input or across_input). */
    static String[] present(JsonObject methods, String block, String... metrics) {
        JsonObject b = split(methods, methods.keySet().iterator().next(), "id").getAsJsonObject(block);
        return Arrays.stream(metrics).filter(b::has).toArray(String[]::new);
    }

    /** A method's block of one split. */
    static JsonObject split(JsonObject methods, String m, String split) {
        return methods.getAsJsonObject(m).getAsJsonObject("splits").getAsJsonObject(split);
    }

    static JsonObject method(JsonObject methods, String m, String key) {
        return methods.getAsJsonObject(m).getAsJsonObject(key);
    }

    static JsonObject perInputBlock(JsonObject methods, String m, String k) {
        return split(methods, m, "id").getAsJsonObject("per_input").getAsJsonObject(k);
    }

    static double across(JsonObject methods, String m, String k) {
        return split(methods, m, "id").getAsJsonObject("across_input").get(k).getAsDouble();
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String cell(JsonObject s) {
        var ci = s.getAsJsonArray("ci95");
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", s.get("mean").getAsDouble(), ci.get(0).getAsDouble(), ci.get(1).getAsDouble());
    }

    static double halfWidth(JsonObject s) {
        var ci = s.getAsJsonArray("ci95");
        return (ci.get(1).getAsDouble() - ci.get(0).getAsDouble()) / 2;
    }

    /** OOD win rate (mean over OOD splits) against per-input EAD on ID, a point per method, CI bars on both. */
    static void tradeOff(Path out, String task, JsonObject t) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(520).title(task + ": generalisation vs diversity")
                .xAxisTitle("per-input diversity (EAD, ID split)").yAxisTitle("OOD win rate vs reference (mean of OOD splits)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(12);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        JsonObject methods = t.getAsJsonObject("methods");
        for (String m : methods.keySet()) {
            JsonObject ood = method(methods, m, "ood_win_rate"), ead = perInputBlock(methods, m, "ead");
            if (ood == null) continue;
            var series = chart.addSeries(label(m), new double[] {mean(ead)}, new double[] {mean(ood)},
                    new double[] {halfWidth(ood)});
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        save(chart, out, "plots/tradeoff-" + task + ".png");
    }

    static void winRates(Path out, String task, JsonObject t) throws IOException {
        CategoryChart chart = bars(task + ": win rate vs reference by split", "split (ID, then OOD by growing shift)", "win rate");
        chart.getStyler().setYAxisMax(1.0);
        JsonObject methods = t.getAsJsonObject("methods");
        for (String m : methods.keySet()) {
            JsonObject mo = methods.getAsJsonObject(m).getAsJsonObject("splits");
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>(), es = new ArrayList<>();
            for (String s : mo.keySet()) {
                xs.add(s);
                ys.add(mean(mo.getAsJsonObject(s).getAsJsonObject("win_rate")));
                es.add(halfWidth(mo.getAsJsonObject(s).getAsJsonObject("win_rate")));
            }
            JsonObject gap = method(methods, m, "generalisation_gap");
            chart.addSeries(label(m) + (gap == null ? "" : " (gap " + num(mean(gap)) + ")"), xs, ys, es);
        }
        save(chart, out, "plots/winrate-" + task + ".png");
    }

    static void diversity(Path out, String task, JsonObject t) throws IOException {
        CategoryChart chart = bars(task + ": diversity on the ID split", "metric (per input, with 95% CIs; \"across\": each input's first sample)",
                "diversity");
        JsonObject methods = t.getAsJsonObject("methods");
        String[][] metrics = {{"per_input", "ead", "EAD"}, {"per_input", "self_bleu", "1-SelfBLEU"},
            {"per_input", "semantic", "meanings"}, {"per_input", "embedding", "embedding"},
            {"per_input", "nli", "NLI"}, {"across_input", "ead", "EAD across"},
            {"across_input", "semantic", "meanings across"}};
        List<String[]> shown = new ArrayList<>();
        for (String[] k : metrics) if (present(methods, k[0], k[1]).length > 0) shown.add(k);
        for (String m : methods.keySet()) {
            JsonObject id = split(methods, m, "id");
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>(), es = new ArrayList<>();
            for (String[] k : shown) {
                xs.add(k[2]);
                if (k[0].equals("across_input")) {  // one set: a value, no interval
                    ys.add(id.getAsJsonObject(k[0]).get(k[1]).getAsDouble());
                    es.add(0.0);
                } else {
                    JsonObject v = id.getAsJsonObject(k[0]).getAsJsonObject(k[1]);
                    ys.add(k[1].equals("self_bleu") ? 1 - mean(v) : mean(v));
                    es.add(halfWidth(v));
                }
            }
            chart.addSeries(label(m), xs, ys, es);
        }
        save(chart, out, "plots/diversity-" + task + ".png");
    }

    static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(480).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    static void save(Chart<?, ?> chart, Path out, String file) throws IOException {
        Files.createDirectories(out.resolve(file).getParent());
        BitmapEncoder.saveBitmap(chart, out.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static double mean(JsonObject s) {
        return s.get("mean").getAsDouble();
    }
}
