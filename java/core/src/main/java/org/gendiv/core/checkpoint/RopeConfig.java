package org.gendiv.core.checkpoint;

import java.util.Set;

import org.gendiv.core.model.Rope;

import com.google.gson.JsonObject;

/**
 * The rotary settings of a LLaMA-family config.json, as transformers 5 writes them
 * ({@code "rope_parameters": {"rope_type": ..., "rope_theta": ..., ...}}) and as 4.x did
 * (top-level {@code rope_theta}, scaling in {@code rope_scaling} with {@code "type"} or
 * {@code "rope_type"}). A rope type gendiv does not implement (longrope, per-layer parameters, a
 * partial rotary factor) or a key it does not know inside the parameters is an error naming the key.
 */
final class RopeConfig {
    private RopeConfig() {}

    private static final Set<String> COMMON = Set.of("rope_type", "type", "rope_theta", "partial_rotary_factor");

    private static Set<String> keysOf(String type) {
        return switch (type) {
            case "default" -> Set.of();
            case "linear", "dynamic" -> Set.of("factor");
            case "llama3" -> Set.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings");
            case "yarn" -> Set.of("factor", "original_max_position_embeddings", "attention_factor", "beta_fast", "beta_slow",
                    "mscale", "mscale_all_dim", "truncate");
            default -> null;
        };
    }

    static Rope read(HfConfig.Reader r, int context) {
        requireFull(r);
        double topTheta = r.number("rope_theta", Rope.DEFAULT_THETA);
        String key = r.has("rope_parameters") ? "rope_parameters" : r.has("rope_scaling") ? "rope_scaling" : null;
        if (key == null) return Rope.plain(topTheta);
        HfConfig.Reader p = r.object(key);
        requireFull(p);
        String typeKey = p.has("rope_type") ? "rope_type" : "type", type = p.string(typeKey, "default");
        Set<String> known = keysOf(type);
        if (known == null) throw p.unsupported(typeKey, type + " (supported: default, linear, dynamic, llama3, yarn)");
        for (String k : p.keys())
            if (!COMMON.contains(k) && !known.contains(k)) throw p.unsupported(k, p.c().get(k) + " (with rope_type " + type + ")");
        double theta = p.number("rope_theta", topTheta);
        return switch (type) {
            case "default" -> Rope.plain(theta);
            case "linear" -> Rope.linear(theta, p.number("factor", null));
            case "dynamic" -> Rope.dynamic(theta, p.number("factor", null), context);
            case "llama3" -> Rope.llama3(theta, p.number("factor", null), p.number("low_freq_factor", null),
                    p.number("high_freq_factor", null), original(r, p, context));
            case "yarn" -> yarn(p, theta, original(r, p, context), context);
            default -> throw new IllegalStateException(type);
        };
    }

    /** transformers takes a top-level original_max_position_embeddings first, then the parameters', then max_position_embeddings. */
    private static int original(HfConfig.Reader r, HfConfig.Reader p, int context) {
        String k = "original_max_position_embeddings";
        return r.has(k) ? r.integer(k, null) : p.integer(k, context);
    }

    private static Rope yarn(HfConfig.Reader p, double theta, int original, int context) {
        double factor = p.has("factor") ? p.number("factor", null) : (double) context / original;
        double attention;
        if (p.has("attention_factor")) attention = p.number("attention_factor", null);
        else {
            double mscale = p.number("mscale", 0.0), all = p.number("mscale_all_dim", 0.0);
            attention = mscale != 0 && all != 0 ? Rope.yarnMscale(factor, mscale) / Rope.yarnMscale(factor, all)
                    : Rope.yarnMscale(factor, 1);
        }
        double fast = p.number("beta_fast", 32.0), slow = p.number("beta_slow", 1.0);
        return Rope.yarn(theta, factor, original, fast == 0 ? 32 : fast, slow == 0 ? 1 : slow, attention,
                p.bool("truncate", true));
    }

    private static void requireFull(HfConfig.Reader r) {
        if (r.has("partial_rotary_factor") && r.number("partial_rotary_factor", null) != 1.0)
            throw r.unsupported("partial_rotary_factor", r.c().get("partial_rotary_factor").toString());
    }

    /** Writes the base at the top level (transformers 4.x reads it there) and rope_parameters as 5 writes them. */
    static void write(Rope rope, JsonObject o) {
        o.addProperty("rope_theta", rope.theta());
        JsonObject p = new JsonObject();
        p.addProperty("rope_type", rope.type().hfName());
        p.addProperty("rope_theta", rope.theta());
        switch (rope.type()) {
            case DEFAULT -> {}
            case LINEAR, DYNAMIC -> p.addProperty("factor", rope.factor());
            case LLAMA3 -> {
                p.addProperty("factor", rope.factor());
                p.addProperty("low_freq_factor", rope.lowFreqFactor());
                p.addProperty("high_freq_factor", rope.highFreqFactor());
                p.addProperty("original_max_position_embeddings", rope.originalContext());
            }
            case YARN -> {
                p.addProperty("factor", rope.factor());
                p.addProperty("original_max_position_embeddings", rope.originalContext());
                p.addProperty("attention_factor", rope.attentionFactor());
                p.addProperty("beta_fast", rope.betaFast());
                p.addProperty("beta_slow", rope.betaSlow());
                p.addProperty("truncate", rope.truncate());
            }
        }
        o.add("rope_parameters", p);
    }
}
