package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** report.md's table of the instrument checks ({@link Instruments}), each seed's value beside its pass range. */
final class InstrumentTable {
    private InstrumentTable() {}

    /** report.md's table of every check: its pass range and, per seed, the value with pass or FAIL. */
    static String markdown(JsonObject instruments) {
        List<JsonObject> seeds = Instruments.perSeed(instruments);
        if (seeds.isEmpty()) return "";
        StringBuilder b = new StringBuilder("### Instrument checks (read before any finding)\n\n| instrument | check | pass range |");
        for (int i = 0; i < seeds.size(); i++) b.append(seeds.size() == 1 ? " value |" : " seed " + seedOf(seeds, i) + " |");
        b.append(" what it checks |\n|---|---|---|");
        b.append("---|".repeat(seeds.size() + 1)).append('\n');
        JsonObject first = seeds.get(0);
        List<String[]> rows = new ArrayList<>();  // instrument label, path into a seed's block
        rows.addAll(checkRows("reward model", "reward_model", first.getAsJsonObject("reward_model")));
        rows.addAll(checkRows("PPO", "ppo", first.getAsJsonObject("ppo")));
        for (String split : first.getAsJsonObject("splits").keySet())
            rows.addAll(checkRows("split " + split, "splits/" + split, first.getAsJsonObject("splits").getAsJsonObject(split)));
        for (String[] r : rows) {
            JsonObject c0 = at(first, r[1]).getAsJsonObject("checks").getAsJsonObject(r[2]);
            b.append("| ").append(r[0]).append(" | ").append(r[2]).append(" | ").append(range(c0.getAsJsonArray("range"))).append(" |");
            for (JsonObject seed : seeds) {
                JsonObject c = at(seed, r[1]).getAsJsonObject("checks").getAsJsonObject(r[2]);
                b.append(String.format(Locale.ROOT, " %.3f %s |", c.get("value").getAsDouble(),
                        c.get("pass").getAsBoolean() ? "pass" : "**FAIL**"));
            }
            b.append(' ').append(c0.get("means").getAsString()).append(" |\n");
        }
        for (int i = 0; i < seeds.size(); i++) {
            JsonObject bands = seeds.get(i).getAsJsonObject("reward_model").getAsJsonObject("by_gold_gap");
            if (bands == null) continue;
            b.append('\n').append(seeds.size() == 1 ? "Reward model" : "Seed " + seedOf(seeds, i) + "'s reward model")
                    .append(", held-out accuracy by gold gap (of the labels' ceiling):");
            for (var band : bands.entrySet()) {
                JsonObject o = band.getValue().getAsJsonObject();
                b.append(String.format(Locale.ROOT, " %s: %.3f of %.3f (%d pairs);", band.getKey(), o.get("accuracy").getAsDouble(),
                        o.get("label_ceiling").getAsDouble(), o.get("pairs").getAsInt()));
            }
            b.setLength(b.length() - 1);
            b.append(".\n");
        }
        List<String> failed = Instruments.failed(instruments);
        b.append('\n').append(failed.isEmpty() ? "Every instrument passed its checks.\n\n"
                : "Failed: " + String.join("; ", failed) + ". Findings that rest on a failed instrument are inconclusive.\n\n");
        return b.toString();
    }

    /** A per-seed block's seed (results before blocks carried it: its place, from 1). */
    private static String seedOf(List<JsonObject> seeds, int i) {
        JsonObject s = seeds.get(i);
        return s.has("seed") ? s.get("seed").getAsString() : String.valueOf(i + 1);
    }

    private static List<String[]> checkRows(String label, String path, JsonObject block) {
        List<String[]> out = new ArrayList<>();
        for (String k : block.getAsJsonObject("checks").keySet()) out.add(new String[] {label, path, k});
        return out;
    }

    private static JsonObject at(JsonObject seed, String path) {
        JsonObject o = seed;
        for (String p : path.split("/")) o = o.getAsJsonObject(p);
        return o;
    }

    private static String range(JsonArray r) {
        double lo = r.get(0).getAsDouble(), hi = r.get(1).getAsDouble();
        if (Double.isInfinite(lo)) return "<= " + hi;
        if (Double.isInfinite(hi)) return ">= " + lo;
        return "[" + lo + ", " + hi + "]";
    }
}
