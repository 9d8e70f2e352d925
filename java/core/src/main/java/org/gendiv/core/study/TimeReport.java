package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * report.md's "Where the time goes": each stage's and evaluation's seconds, share of the total,
 * model GFLOP and GFLOP/s, against LibTorch's 512^3 matmul rate measured at the end of the
 * same run (results.json's timings: KEY_s, KEY_gflop, matmul_gflops, total_s).
 */
final class TimeReport {
    private TimeReport() {}

    /** The table; with several seeds, each seed's seconds beside the total (perSeed: results.json's per_seed, or null). */
    static String markdown(JsonObject timings, JsonArray perSeed) {
        if (timings == null || !timings.has("total_s")) return "";
        List<JsonObject> seeds = new ArrayList<>();  // every seed's own timings, or none (results from before seeds had them)
        if (perSeed != null && perSeed.size() > 1) for (var e : perSeed) seeds.add(e.getAsJsonObject());
        if (!seeds.stream().allMatch(s -> s.has("timings"))) seeds.clear();
        double total = timings.get("total_s").getAsDouble();
        double yardstick = timings.has("matmul_gflops") ? timings.get("matmul_gflops").getAsDouble() : Double.NaN;
        StringBuilder b = new StringBuilder("## Where the time goes\n\n");
        b.append(String.format(Locale.ROOT, "LibTorch's 512^3 float32 matmul on this machine: %.0f GFLOP/s (measured at the end of the run). "
                + "Model FLOPs count the transformers' matrix products (a training pass 3x its forward).%n%n", yardstick));
        b.append("| stage | seconds | share | GFLOP | GFLOP/s | of the matmul rate |");
        for (JsonObject s : seeds) b.append(" seconds, seed ").append(s.get("seed").getAsString()).append(" |");
        b.append("\n|---|---|---|---|---|---|").append("---|".repeat(seeds.size())).append('\n');
        for (String key : timings.keySet()) {
            if (!key.endsWith("_s") || key.equals("total_s")) continue;
            String stage = key.substring(0, key.length() - 2);
            double s = timings.get(key).getAsDouble();
            double gflop = timings.has(stage + "_gflop") ? timings.get(stage + "_gflop").getAsDouble() : Double.NaN;
            double rate = gflop / s;
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f%% | %.0f | %.1f | %.0f%% |", stage, s, 100 * s / total, gflop, rate,
                    100 * rate / yardstick));
            b.append(perSeedCells(seeds, key)).append('\n');
        }
        return b.append(String.format(Locale.ROOT, "| total | %.0f | 100%% | | | |", total)).append(perSeedCells(seeds, "total_s"))
                .append("\n\n").toString();
    }

    private static String perSeedCells(List<JsonObject> seeds, String key) {
        StringBuilder b = new StringBuilder();
        for (JsonObject s : seeds) {
            JsonObject t = s.getAsJsonObject("timings");
            b.append(t.has(key) ? String.format(Locale.ROOT, " %.0f |", t.get(key).getAsDouble()) : " |");
        }
        return b.toString();
    }
}
