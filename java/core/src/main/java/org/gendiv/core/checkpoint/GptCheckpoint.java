package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A GPT-2-family checkpoint directory: config.json (vocab_size, n_positions, n_embd, n_layer,
 * n_head) and model.safetensors with Hugging Face's tensor names (an optional "transformer."
 * prefix is accepted). GPT-2 stores its Conv1D weights (attn.c_attn, attn.c_proj, mlp.c_fc,
 * mlp.c_proj) as [in, out]; gendiv's Linear layers are [out, in], so those are transposed on the
 * way in and out. Saving writes both files atomically.
 */
public final class GptCheckpoint {
    private GptCheckpoint() {}

    static boolean conv1d(String name) {
        return name.endsWith("c_attn.weight") || name.endsWith("c_proj.weight") || name.endsWith("c_fc.weight");
    }

    public static GptConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        JsonObject c;
        try {
            c = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new Safetensors.BadCheckpoint(file + ": missing (a GPT-2 checkpoint directory needs config.json)");
        } catch (RuntimeException e) {
            throw new Safetensors.BadCheckpoint(file + ": not a JSON object (" + e.getMessage() + ")");
        }
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "gpt2";
        if (!type.equals("gpt2"))
            throw new Safetensors.BadCheckpoint(file + ": model_type " + type + " is not supported here (supported: gpt2)");
        try {
            double dropout = c.has("resid_pdrop") ? c.get("resid_pdrop").getAsDouble() : 0.0;
            return new GptConfig(c.get("vocab_size").getAsInt(), c.get("n_positions").getAsInt(),
                    c.get("n_layer").getAsInt(), c.get("n_head").getAsInt(), c.get("n_embd").getAsInt(), dropout).check();
        } catch (NullPointerException e) {
            throw new Safetensors.BadCheckpoint(file + ": needs vocab_size, n_positions, n_layer, n_head and n_embd");
        } catch (IllegalArgumentException e) {
            throw new Safetensors.BadCheckpoint(file + ": " + e.getMessage());
        }
    }

    /** A model with the checkpoint's weights (dropout from the config; call eval() for inference). */
    public static Gpt load(Path dir) throws IOException {
        Gpt model = new Gpt(readConfig(dir));
        Path file = dir.resolve("model.safetensors"), index = dir.resolve("model.safetensors.index.json");
        if (!Files.exists(file) && Files.exists(index)) {
            loadSharded(index, model.namedParameters());
            return model;
        }
        if (!Files.exists(file)) throw new Safetensors.BadCheckpoint(file + ": missing (and no model.safetensors.index.json)");
        String prefix;
        try (Safetensors st = Safetensors.open(file)) {
            prefix = st.entries().containsKey("wte.weight") ? "" : "transformer.";
        }
        TensorFiles.readInto(file, prefix, model.namedParameters(), GptCheckpoint::conv1d);
        return model;
    }

    /** Hugging Face's sharded layout: the index's weight_map names the shard file of every tensor. */
    static void loadSharded(Path index, Map<String, Tensor> params) throws IOException {
        Map<String, String> shardOf = new java.util.HashMap<>();
        try {
            var map = JsonParser.parseString(Files.readString(index)).getAsJsonObject().getAsJsonObject("weight_map");
            for (var e : map.entrySet()) shardOf.put(e.getKey(), e.getValue().getAsString());
        } catch (RuntimeException e) {
            throw new Safetensors.BadCheckpoint(index + ": not an index with a \"weight_map\" object (" + e.getMessage() + ")");
        }
        String prefix = shardOf.containsKey("wte.weight") ? "" : "transformer.";
        Map<String, Map<String, Tensor>> byShard = new java.util.TreeMap<>();
        for (var p : params.entrySet()) {
            String shard = shardOf.get(prefix + p.getKey());
            if (shard == null) throw new Safetensors.BadCheckpoint(index + ": weight_map has no tensor " + prefix + p.getKey());
            if (shard.contains("/") || shard.contains("\\"))
                throw new Safetensors.BadCheckpoint(index + ": shard " + shard + " must be a file beside the index");
            byShard.computeIfAbsent(shard, k -> new java.util.LinkedHashMap<>()).put(p.getKey(), p.getValue());
        }
        for (var e : byShard.entrySet())
            TensorFiles.readInto(index.resolveSibling(e.getKey()), prefix, e.getValue(), GptCheckpoint::conv1d);
    }

    /** Reads tensors stored beside a model's weights (a reward or value head) into the given tensors. */
    public static void loadExtra(Path dir, Map<String, Tensor> extra) throws IOException {
        TensorFiles.readInto(dir.resolve("model.safetensors"), "", extra, name -> false);
    }

    public static void save(Gpt model, Path dir) throws IOException {
        save(model, Map.of(), dir);
    }

    /**
     * Writes config.json and model.safetensors; extra tensors (a head) go beside the trunk's, which
     * then take Hugging Face's "transformer." prefix as GPT2ForSequenceClassification does.
     */
    public static void save(Gpt model, Map<String, Tensor> extra, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> all = new java.util.LinkedHashMap<>();
        String prefix = extra.isEmpty() ? "" : "transformer.";
        model.namedParameters().forEach((k, v) -> all.put(prefix + k, v));
        all.putAll(extra);
        TensorFiles.write(dir.resolve("model.safetensors"), all, GptCheckpoint::conv1d,
                Map.of("format", "pt", "writer", "gendiv"));
        GptConfig c = model.config;
        JsonObject cfg = new JsonObject();
        cfg.addProperty("model_type", "gpt2");
        cfg.addProperty("vocab_size", c.vocab());
        cfg.addProperty("n_positions", c.context());
        cfg.addProperty("n_embd", c.width());
        cfg.addProperty("n_layer", c.layers());
        cfg.addProperty("n_head", c.heads());
        cfg.addProperty("resid_pdrop", c.dropout());
        cfg.addProperty("embd_pdrop", c.dropout());
        cfg.addProperty("attn_pdrop", c.dropout());
        cfg.addProperty("activation_function", "gelu_new");
        cfg.addProperty("layer_norm_epsilon", 1e-5);
        AtomicFiles.writeString(dir.resolve("config.json"), cfg + "\n");
    }
}
