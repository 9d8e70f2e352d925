package org.gendiv.core.study;

import java.util.Locale;

import com.google.gson.JsonObject;

/**
 * report.md's "Where the time goes": each stage's and evaluation's seconds, share of the total,
 * model GFLOP and GFLOP/s, against LibTorch's 512^3 matmul rate measured at the end of the
 * same run (results.json's timings: KEY_s, KEY_gflop, matmul_gflops, total_s).
 */
final class TimeReport {
    private TimeReport() {}

    static String markdown(JsonObject timings) {
        if (timings == null || !timings.has("total_s")) return "";
        double total = timings.get("total_s").getAsDouble();
        double yardstick = timings.has("matmul_gflops") ? timings.get("matmul_gflops").getAsDouble() : Double.NaN;
        StringBuilder b = new StringBuilder("## Where the time goes\n\n");
        b.append(String.format(Locale.ROOT, "LibTorch's 512^3 float32 matmul on this machine: %.0f GFLOP/s (measured at the end of the run). "
                + "Model FLOPs count the transformers' matrix products (a training pass 3x its forward).%n%n", yardstick));
        b.append("| stage | seconds | share | GFLOP | GFLOP/s | of the matmul rate |\n|---|---|---|---|---|---|\n");
        for (String key : timings.keySet()) {
            if (!key.endsWith("_s") || key.equals("total_s")) continue;
            String stage = key.substring(0, key.length() - 2);
            double s = timings.get(key).getAsDouble();
            double gflop = timings.has(stage + "_gflop") ? timings.get(stage + "_gflop").getAsDouble() : Double.NaN;
            double rate = gflop / s;
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f%% | %.0f | %.1f | %.0f%% |%n", stage, s, 100 * s / total, gflop, rate,
                    100 * rate / yardstick));
        }
        return b.append(String.format(Locale.ROOT, "| total | %.0f | 100%% | | | |%n%n", total)).toString();
    }
}
