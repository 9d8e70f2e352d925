package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.Arch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.diversity.JsonErrors;

/**
 * A Hugging Face checkpoint directory of a decoder family gendiv runs (GPT-2, OPT, LLaMA-style;
 * {@link HfConfig}): config.json and model.safetensors, or shards named by
 * model.safetensors.index.json. Tensors carry Hugging Face's names; a stored name may add the
 * base-model prefix ("transformer." as GPT-2 classifiers save, "model." as base OPT and LLaMA
 * exports lack or add), and each name is looked up with and without it. GPT-2 stores its Conv1D
 * weights (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj) as [in, out]; gendiv's Linear layers
 * are [out, in], so those are transposed on the way in and out. F16 and BF16 weights are upcast
 * to float32; reads are memory-mapped. Saving writes both files atomically.
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
            c = JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new Safetensors.BadCheckpoint(file + ": missing (a checkpoint directory needs config.json)");
        } catch (RuntimeException e) {
            throw new Safetensors.BadCheckpoint(file + ": not a JSON object (" + JsonErrors.reason(e) + ")");
        }
        return HfConfig.parse(c, file.toString());
    }

    /** A model with the checkpoint's weights (dropout from the config; call eval() for inference). */
    public static Gpt load(Path dir) throws IOException {
        Gpt model = new Gpt(readConfig(dir));
        readWeights(dir, model.namedParameters(), model.config.family() == Arch.Family.GPT2 ? GptCheckpoint::conv1d : name -> false,
                DECODER_PREFIXES);
        return model;
    }

    static final List<String> DECODER_PREFIXES = List.of("transformer.", "model.");

    /**
     * Reads the named tensors from the directory's model.safetensors or its shards; each name is
     * looked up as given, with one of the base-model prefixes before it, or with "model." removed.
     */
    static void readWeights(Path dir, Map<String, Tensor> params, Predicate<String> transposed,
            List<String> prefixes) throws IOException {
        Path file = dir.resolve("model.safetensors"), index = dir.resolve("model.safetensors.index.json");
        if (!Files.exists(file) && Files.exists(index)) {
            loadSharded(index, params, transposed, prefixes);
            return;
        }
        if (!Files.exists(file)) throw new Safetensors.BadCheckpoint(file + ": missing (and no model.safetensors.index.json)");
        Set<String> stored;
        try (Safetensors st = Safetensors.open(file)) {
            stored = st.entries().keySet();
        }
        Map<String, Tensor> byStoredName = new LinkedHashMap<>();
        params.forEach((name, t) -> byStoredName.put(storedName(name, stored, file, prefixes), t));
        TensorFiles.readInto(file, byStoredName, transposed);
    }

    /** The name a tensor is stored under: as given, or with a base-model prefix added or removed. */
    static String storedName(String name, Set<String> stored, Path file, List<String> prefixes) {
        var candidates = new LinkedHashSet<String>();
        candidates.add(name);
        for (String p : prefixes) candidates.add(p + name);
        if (name.startsWith("model.")) candidates.add(name.substring("model.".length()));
        for (String c : candidates) if (stored.contains(c)) return c;
        candidates.remove(name);
        throw new Safetensors.BadCheckpoint(file + ": missing tensor " + name + " (nor " + String.join(", ", candidates) + ")");
    }

    /** Hugging Face's sharded layout: the index's weight_map names the shard file of every tensor. */
    static void loadSharded(Path index, Map<String, Tensor> params, Predicate<String> transposed,
            List<String> prefixes) throws IOException {
        Map<String, String> shardOf = new HashMap<>();
        try {
            var root = JsonParser.parseString(TextFiles.read(index));
            if (!root.isJsonObject() || !root.getAsJsonObject().has("weight_map") || !root.getAsJsonObject().get("weight_map").isJsonObject())
                throw new Safetensors.BadCheckpoint(index + ": not an index with a \"weight_map\" object");
            var map = root.getAsJsonObject().getAsJsonObject("weight_map");
            for (var e : map.entrySet()) shardOf.put(e.getKey(), e.getValue().getAsString());
        } catch (Safetensors.BadCheckpoint e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Safetensors.BadCheckpoint(index + ": not an index with a \"weight_map\" object ("
                    + JsonErrors.reason(e) + ")");
        }
        Map<String, Map<String, Tensor>> byShard = new TreeMap<>();
        for (var p : params.entrySet()) {
            String name;
            try {
                name = storedName(p.getKey(), shardOf.keySet(), index, prefixes);
            } catch (Safetensors.BadCheckpoint e) {
                throw new Safetensors.BadCheckpoint(index + ": weight_map has no tensor " + p.getKey());
            }
            String shard = shardOf.get(name);
            if (shard.contains("/") || shard.contains("\\"))
                throw new Safetensors.BadCheckpoint(index + ": shard " + shard + " must be a file beside the index");
            byShard.computeIfAbsent(shard, k -> new LinkedHashMap<>()).put(name, p.getValue());
        }
        for (var e : byShard.entrySet()) TensorFiles.readInto(index.resolveSibling(e.getKey()), e.getValue(), transposed);
    }

    /** Reads tensors stored beside a model's weights (a reward or value head) into the given tensors. */
    public static void loadExtra(Path dir, Map<String, Tensor> extra) throws IOException {
        TensorFiles.readInto(dir.resolve("model.safetensors"), extra);
    }

    public static void save(Gpt model, Path dir) throws IOException {
        save(model, Map.of(), dir);
    }

    /**
     * Writes config.json, then model.safetensors (last: a study takes a model directory with it as
     * finished); extra tensors (a head) go beside the trunk's, which
     * then take the "transformer." prefix, as GPT2ForSequenceClassification saves them.
     */
    public static void save(Gpt model, Map<String, Tensor> extra, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> all = new LinkedHashMap<>();
        String prefix = extra.isEmpty() ? "" : "transformer.";
        model.namedParameters().forEach((k, v) -> all.put(prefix + k, v));
        all.putAll(extra);
        boolean gpt2 = model.config.family() == Arch.Family.GPT2;
        AtomicFiles.writeString(dir.resolve("config.json"), HfConfig.write(model.config) + "\n");
        TensorFiles.write(dir.resolve("model.safetensors"), all, gpt2 ? GptCheckpoint::conv1d : name -> false,
                Map.of("format", "pt", "writer", "gendiv"));
    }
}
