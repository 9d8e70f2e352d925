package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Sweeps that chart the trade-off on a study's first seed: PPO's KL coefficient (a PPO run per
 * value), the SFT policy's sampling temperature, and Best-of-N's N. Each value is evaluated on the
 * ID and OOD splits (win rate) and for per-input diversity on ID; the curve goes to
 * sweeps/KIND.json, plots/sweep-KIND-TASK.png and the report.
 */
public final class Sweeps {
    private Sweeps() {}

    public enum Kind {
        KL("kl", "PPO KL coefficient beta"), TEMPERATURE("temperature", "SFT sampling temperature"),
        BON_N("bon-n", "Best-of-N's N");

        public final String flag, axis;

        Kind(String flag, String axis) {
            this.flag = flag;
            this.axis = axis;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) if (k.flag.equals(s)) return k;
            throw new IllegalArgumentException("unknown sweep '" + s + "' (sweeps: kl, temperature, bon-n)");
        }
    }

    /** Runs the sweep in the study directory (training whatever stages are missing) and rewrites the report. */
    public static JsonObject run(Study study, StudyConfig c, Path out, Kind kind, double[] values) throws IOException {
        if (values.length == 0) throw new IllegalArgumentException("--values needs at least one value");
        for (double v : values) {
            boolean ok = switch (kind) {
                case KL -> v >= 0;
                case TEMPERATURE -> v > 0;
                case BON_N -> v >= 1 && v == Math.rint(v);
            };
            if (!ok) throw new IllegalArgumentException("--values: " + v + " is not a valid " + kind.axis);
        }
        study.join();
        long seed = c.seed();
        Path dir = out.resolve("seed-" + seed);
        Path base = study.baseModel(seed, dir);
        JsonObject result = new JsonObject();
        result.addProperty("kind", kind.flag);
        result.addProperty("axis", kind.axis);
        result.addProperty("seed", seed);
        for (String task : c.tasks()) {
            Path td = dir.resolve(task);
            Path sftDir = study.trainSft(task, seed, base, td), rmDir = study.trainRm(task, seed, sftDir, td);
            Tokenizer tok = ModelDir.tokenizer(sftDir);
            RewardModel rm = ModelDir.rewardModel(rmDir);
            JsonArray points = new JsonArray();
            for (double v : values) {
                Gpt policy;
                float temperature = c.eval().temperature();
                int bonN = 0;
                switch (kind) {
                    case KL -> policy = ModelDir.policy(study.trainPpo(task, seed, sftDir, rmDir,
                            td.resolve("ppo-beta-" + v), c.forTask(task).ppo().withBeta((float) v)));
                    case TEMPERATURE -> {
                        policy = ModelDir.policy(sftDir);
                        temperature = (float) v;
                    }
                    default -> {
                        policy = ModelDir.policy(sftDir);
                        bonN = (int) v;
                    }
                }
                points.add(point(study, c, task, seed, policy, kind == Kind.KL ? ModelDir.policy(sftDir) : null, rm, tok, temperature,
                        bonN, v));
                System.err.printf(Locale.ROOT, "gendiv sweep: %s %s = %s done%n", task, kind.flag, v);
            }
            result.add(task, points);
        }
        Files.createDirectories(out.resolve("sweeps"));
        Results.write(out.resolve("sweeps/" + kind.flag + ".json"), result);
        Path results = out.resolve("results.json");
        if (Files.exists(results)) Report.write(out, Results.read(results));
        else AtomicFiles.writeString(out.resolve("report.md"), reportSection(out));
        return result;
    }

    /**
     * One value: win rate per split, and per-input diversity on ID (and, given the SFT model, the
     * policy's KL to it per response). bonN = 0 samples the policy directly.
     */
    private static JsonObject point(Study study, StudyConfig c, String task, long seed, Gpt policy, Gpt sft, RewardModel rm,
            Tokenizer tok, float temperature, int bonN, double value) throws IOException {
        JsonObject p = new JsonObject();
        p.addProperty("value", value);
        double oodSum = 0;
        int ood = 0;
        List<TestSplit> splits = study.source.testSplits(task, seed, rm, tok);
        for (int shift = 0; shift < splits.size(); shift++) {
            TestSplit s = splits.get(shift);
            String split = s.name();
            List<String> prompts = s.prompts();
            int[] k = c.eval().samplesPerInput(split.equals("id"), prompts.size());
            Evaluation.Outputs o;
            if (bonN > 0) {
                String[][] pool = study.methods.draw(policy, tok, prompts, Methods.times(k, bonN), temperature,
                        seed * 1009 + split.hashCode()).texts();
                o = Methods.bestOfN(pool, study.methods.score(rm, tok, prompts, pool), bonN);
            } else {
                Methods.Samples drawn = study.methods.draw(policy, tok, prompts, k, temperature, seed * 3001 + split.hashCode());
                o = new Evaluation.Outputs(drawn.texts(), study.methods.score(rm, tok, prompts, drawn.texts()),
                        sft == null ? null : study.methods.klToSft(sft, drawn, temperature));
            }
            JsonObject m = Evaluation.measure(o, Evaluation.judge(s.judge(), prompts, s.references(), o), s.semantics(), shift,
                    c.eval().bootstrap(), seed);
            double win = m.getAsJsonObject("win_rate").get("mean").getAsDouble();
            p.addProperty(split + "_win_rate", win);
            if (split.equals("id")) {
                p.addProperty("per_input_ead", m.getAsJsonObject("per_input").getAsJsonObject("ead").get("mean").getAsDouble());
                p.addProperty("per_input_semantic", m.getAsJsonObject("per_input").getAsJsonObject("semantic").get("mean").getAsDouble());
                p.addProperty("rm_score", m.getAsJsonObject("rm_score").get("mean").getAsDouble());
                if (m.has("kl_to_sft")) p.addProperty("kl_to_sft", m.getAsJsonObject("kl_to_sft").get("mean").getAsDouble());
            } else {
                oodSum += win;
                ood++;
            }
        }
        p.addProperty("ood_win_rate", oodSum / ood);
        return p;
    }

    /** The report's section for every sweep found in out/sweeps, drawing their plots. */
    static String reportSection(Path out) throws IOException {
        Path dir = out.resolve("sweeps");
        if (!Files.isDirectory(dir)) return "";
        StringBuilder md = new StringBuilder("## Sweeps\n\n");
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonObject sweep = Results.read(f);
            String kind = sweep.get("kind").getAsString(), axis = sweep.get("axis").getAsString();
            for (String task : sweep.keySet()) {
                if (!sweep.get(task).isJsonArray()) continue;
                JsonArray pts = sweep.getAsJsonArray(task);
                md.append("### ").append(task).append(": ").append(axis).append("\n\n");
                md.append("| ").append(kind).append(" | ID win | OOD win | per-input EAD | per-input meanings | RM score | KL to SFT |\n|---|---|---|---|---|---|---|\n");
                List<Double> xs = new ArrayList<>(), ood = new ArrayList<>(), ead = new ArrayList<>(), sem = new ArrayList<>();
                for (var e : pts) {
                    JsonObject p = e.getAsJsonObject();
                    xs.add(p.get("value").getAsDouble());
                    ood.add(p.get("ood_win_rate").getAsDouble());
                    ead.add(p.get("per_input_ead").getAsDouble());
                    sem.add(p.get("per_input_semantic").getAsDouble());
                    md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %s |%n", p.get("value"),
                            p.get("id_win_rate").getAsDouble(), p.get("ood_win_rate").getAsDouble(),
                            p.get("per_input_ead").getAsDouble(), p.get("per_input_semantic").getAsDouble(),
                            p.get("rm_score").getAsDouble(), p.has("kl_to_sft") ? Report.num(p.get("kl_to_sft").getAsDouble()) : "-"));
                }
                String png = "plots/sweep-" + kind + "-" + task + ".png";
                System.setProperty("java.awt.headless", "true");
                XYChart chart = new XYChartBuilder().width(720).height(480).title(task + ": " + axis)
                        .xAxisTitle(axis).yAxisTitle("value").build();
                chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
                chart.getStyler().setYAxisMin(0.0);
                chart.getStyler().setYAxisMax(1.0);  // every curve is a rate or a normalised diversity
                chart.addSeries("OOD win rate", xs, ood);
                chart.addSeries("per-input EAD (ID)", xs, ead);
                chart.addSeries("per-input distinct meanings (ID)", xs, sem);
                Report.save(chart, out, png);
                md.append("\n![").append(kind).append("](").append(png).append(")\n\n");
            }
        }
        return md.toString();
    }
}
