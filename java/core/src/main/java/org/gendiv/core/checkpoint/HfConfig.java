package org.gendiv.core.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.gendiv.core.model.Arch;
import org.gendiv.core.model.GptConfig;
import org.gendiv.diversity.JsonErrors;

/**
 * Hugging Face's config.json for the decoder families gendiv runs, to and from {@link GptConfig}.
 * The family is chosen by model_type (a config without one is GPT-2, as old GPT-2 exports are);
 * a key that is missing or of the wrong type, or a feature gendiv does not implement (rope
 * scaling, an MLP bias, a head size other than width / heads), is an error naming the file and key.
 */
public final class HfConfig {
    private HfConfig() {}

    /** model_type -> family. */
    public static final Map<String, Arch.Family> SUPPORTED = new TreeMap<>(Map.of(
            "gpt2", Arch.Family.GPT2, "opt", Arch.Family.OPT,
            "llama", Arch.Family.LLAMA, "mistral", Arch.Family.LLAMA, "qwen2", Arch.Family.LLAMA));

    public static GptConfig parse(JsonObject c, String file) {
        Reader r = new Reader(c, file);
        String type = r.string("model_type", "gpt2");
        Arch.Family family = SUPPORTED.get(type);
        if (family == null)
            throw new Safetensors.BadCheckpoint(file + ": model_type " + JsonErrors.printable(type) + " is not supported (supported: "
                    + String.join(", ", SUPPORTED.keySet()) + ")");
        GptConfig config = switch (family) {
            case GPT2 -> gpt2(r, type);
            case OPT -> opt(r, type);
            case LLAMA -> llama(r, type);
        };
        try {
            return config.check();
        } catch (IllegalArgumentException e) {
            throw new Safetensors.BadCheckpoint(file + ": " + e.getMessage());
        }
    }

    private static GptConfig gpt2(Reader r, String type) {
        int w = r.integer("n_embd", null), heads = r.integer("n_head", null);
        Integer inner = r.has("n_inner") ? r.integer("n_inner", null) : null;
        if (!r.bool("scale_attn_weights", true)) throw r.unsupported("scale_attn_weights", "false");
        if (r.bool("scale_attn_by_inverse_layer_idx", false)) throw r.unsupported("scale_attn_by_inverse_layer_idx", "true");
        Arch a = new Arch(Arch.Family.GPT2, type, heads, inner == null ? 4 * w : inner, r.number("layer_norm_epsilon", 1e-5),
                true, r.bool("tie_word_embeddings", true), true, w, null, List.of(), r.string("activation_function", "gelu_new"));
        return new GptConfig(r.integer("vocab_size", null), r.integer("n_positions", null), r.integer("n_layer", null),
                heads, w, r.number("resid_pdrop", 0.0), a);
    }

    private static GptConfig opt(Reader r, String type) {
        int w = r.integer("hidden_size", null), heads = r.integer("num_attention_heads", null);
        if (!r.bool("enable_bias", true)) throw r.unsupported("enable_bias", "false");
        if (!r.bool("layer_norm_elementwise_affine", true)) throw r.unsupported("layer_norm_elementwise_affine", "false");
        if (r.bool("_remove_final_layer_norm", false)) throw r.unsupported("_remove_final_layer_norm", "true");
        Arch a = new Arch(Arch.Family.OPT, type, heads, r.integer("ffn_dim", null), 1e-5,
                r.bool("do_layer_norm_before", true), r.bool("tie_word_embeddings", true), true,
                r.integer("word_embed_proj_dim", w), null, List.of(), r.string("activation_function", "relu"));
        return new GptConfig(r.integer("vocab_size", null), r.integer("max_position_embeddings", null),
                r.integer("num_hidden_layers", null), heads, w, r.number("dropout", 0.0), a);
    }

    private static GptConfig llama(Reader r, String type) {
        int w = r.integer("hidden_size", null), heads = r.integer("num_attention_heads", null);
        int layers = r.integer("num_hidden_layers", null), context = r.integer("max_position_embeddings", null);
        if (r.bool("mlp_bias", false)) throw r.unsupported("mlp_bias", "true");
        if (r.has("head_dim") && r.integer("head_dim", null) * heads != w)
            throw r.unsupported("head_dim", r.integer("head_dim", null) + " (gendiv needs hidden_size / num_attention_heads)");
        Arch a = new Arch(Arch.Family.LLAMA, type, r.integer("num_key_value_heads", heads), r.integer("intermediate_size", null),
                r.number("rms_norm_eps", 1e-6), true, r.bool("tie_word_embeddings", false),
                r.bool("attention_bias", type.equals("qwen2")), w, RopeConfig.read(r, context), windows(r, type, layers),
                r.string("hidden_act", "silu"));
        return new GptConfig(r.integer("vocab_size", null), context, layers, heads, w, r.number("attention_dropout", 0.0), a);
    }

    /**
     * Each layer's sliding window, as transformers reads them: Mistral's sliding_window (null = none)
     * holds for every layer; Qwen2 has one only with use_sliding_window, on the layers its
     * layer_types call "sliding_attention" (without them: the layers from max_window_layers on).
     * LLaMA has none.
     */
    private static List<Integer> windows(Reader r, String type, int layers) {
        if (type.equals("llama")) return List.of();
        boolean qwen = type.equals("qwen2");
        if (qwen && !r.bool("use_sliding_window", false) || !r.has("sliding_window")) return List.of();
        int window = r.integer("sliding_window", null);
        if (window < 1) throw r.unsupported("sliding_window", window + " (must be >= 1 or null)");
        if (!qwen) return Collections.nCopies(layers, window);
        List<Integer> out = new ArrayList<>();
        if (r.has("layer_types")) {
            List<String> kinds = r.strings("layer_types");
            if (kinds.size() != layers) throw r.unsupported("layer_types", kinds.size() + " entries for " + layers + " layers");
            for (String k : kinds)
                out.add(switch (k) {
                    case "sliding_attention" -> window;
                    case "full_attention" -> 0;
                    default -> throw r.unsupported("layer_types", k);
                });
        } else {
            int from = r.integer("max_window_layers", 28);
            for (int i = 0; i < layers; i++) out.add(i >= from ? window : 0);
        }
        return out;
    }

    /** The config.json gendiv writes for a model of this config (the same keys {@link #parse} reads). */
    public static JsonObject write(GptConfig c) {
        Arch a = c.arch();
        JsonObject o = new JsonObject();
        o.addProperty("model_type", a.modelType());
        o.addProperty("vocab_size", c.vocab());
        switch (a.family()) {
            case GPT2 -> {
                o.addProperty("n_positions", c.context());
                o.addProperty("n_embd", c.width());
                o.addProperty("n_layer", c.layers());
                o.addProperty("n_head", c.heads());
                o.addProperty("n_inner", a.ffn());
                o.addProperty("tie_word_embeddings", a.tiedHead());
                o.addProperty("resid_pdrop", c.dropout());
                o.addProperty("embd_pdrop", c.dropout());
                o.addProperty("attn_pdrop", c.dropout());
                o.addProperty("activation_function", a.activation());
                o.addProperty("layer_norm_epsilon", a.normEps());
            }
            case OPT -> {
                o.addProperty("max_position_embeddings", c.context());
                o.addProperty("hidden_size", c.width());
                o.addProperty("num_hidden_layers", c.layers());
                o.addProperty("num_attention_heads", c.heads());
                o.addProperty("ffn_dim", a.ffn());
                o.addProperty("word_embed_proj_dim", a.projDim());
                o.addProperty("do_layer_norm_before", a.preNorm());
                o.addProperty("tie_word_embeddings", a.tiedHead());
                o.addProperty("activation_function", a.activation());
                o.addProperty("dropout", c.dropout());
            }
            case LLAMA -> {
                o.addProperty("max_position_embeddings", c.context());
                o.addProperty("hidden_size", c.width());
                o.addProperty("intermediate_size", a.ffn());
                o.addProperty("num_hidden_layers", c.layers());
                o.addProperty("num_attention_heads", c.heads());
                o.addProperty("num_key_value_heads", a.kvHeads());
                o.addProperty("rms_norm_eps", a.normEps());
                RopeConfig.write(a.rope(), o);
                writeWindows(a, c.layers(), o);
                o.addProperty("tie_word_embeddings", a.tiedHead());
                o.addProperty("attention_bias", a.attnBias());
                o.addProperty("hidden_act", a.activation());
                o.addProperty("attention_dropout", c.dropout());
            }
        }
        return o;
    }

    private static void writeWindows(Arch a, int layers, JsonObject o) {
        if (a.windows().stream().allMatch(w -> w == 0)) {
            if (!a.modelType().equals("llama")) o.add("sliding_window", com.google.gson.JsonNull.INSTANCE);
            return;
        }
        int window = a.windows().stream().filter(w -> w > 0).findFirst().orElseThrow();
        if (a.windows().stream().anyMatch(w -> w != 0 && w != window))
            throw new IllegalArgumentException("Hugging Face's config has one sliding window for all layers; got " + a.windows());
        o.addProperty("sliding_window", window);
        switch (a.modelType()) {
            case "mistral" -> {
                if (a.windows().contains(0))
                    throw new IllegalArgumentException("mistral's sliding window holds for every layer; got " + a.windows());
            }
            case "qwen2" -> {
                o.addProperty("use_sliding_window", true);
                JsonArray kinds = new JsonArray();
                for (int i = 0; i < layers; i++) kinds.add(a.window(i) > 0 ? "sliding_attention" : "full_attention");
                o.add("layer_types", kinds);
            }
            default -> throw new IllegalArgumentException(a.modelType() + " has no sliding window in Hugging Face's config");
        }
    }

    /** Typed reads of config.json keys; a missing required key or a wrong type names the file and key. */
    record Reader(JsonObject c, String file, String prefix) {
        Reader(JsonObject c, String file) {
            this(c, file, "");
        }

        boolean has(String key) {
            return c.has(key) && !c.get(key).isJsonNull();
        }

        private <T> T read(String key, T fallback, String kind, Function<JsonElement, T> get) {
            if (!has(key)) {
                if (fallback == null) throw new Safetensors.BadCheckpoint(file + ": key " + JsonErrors.printable(prefix + key) + " is missing");
                return fallback;
            }
            try {
                return get.apply(c.get(key));
            } catch (RuntimeException e) {
                throw new Safetensors.BadCheckpoint(file + ": key " + JsonErrors.printable(prefix + key) + " must be " + kind + ", got "
                        + JsonErrors.printable(String.valueOf(c.get(key))));
            }
        }

        int integer(String key, Integer fallback) {
            return read(key, fallback, "an integer", e -> {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException();
                double d = e.getAsDouble();
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new NumberFormatException();
                return (int) d;
            });
        }

        double number(String key, Double fallback) {
            return read(key, fallback, "a number", e -> {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException();
                double d = e.getAsDouble();
                if (!Double.isFinite(d)) throw new IllegalArgumentException();
                return d;
            });
        }

        boolean bool(String key, Boolean fallback) {
            return read(key, fallback, "true or false", e -> {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw new IllegalArgumentException();
                return e.getAsBoolean();
            });
        }

        String string(String key, String fallback) {
            return read(key, fallback, "a string", e -> {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new IllegalArgumentException();
                return e.getAsString();
            });
        }

        /** A list of strings. */
        List<String> strings(String key) {
            return read(key, null, "a list of strings", e -> {
                List<String> out = new ArrayList<>();
                for (JsonElement x : e.getAsJsonArray()) {
                    if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) throw new IllegalArgumentException();
                    out.add(x.getAsString());
                }
                return out;
            });
        }

        /** The object under key (for rope_parameters), read with the same typed checks, its keys named key.sub. */
        Reader object(String key) {
            JsonObject o = read(key, null, "an object", e -> e.getAsJsonObject());
            return new Reader(o, file, prefix + key + ".");
        }

        Set<String> keys() {
            return c.keySet();
        }

        Safetensors.BadCheckpoint unsupported(String key, String value) {
            return new Safetensors.BadCheckpoint(file + ": " + JsonErrors.printable(prefix + key) + " = " + JsonErrors.printable(value)
                    + " is not supported by gendiv");
        }
    }
}
