package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.core.model.Encoder;
import org.gendiv.diversity.JsonErrors;

/**
 * A BERT-family checkpoint directory (model_type bert, roberta or xlm-roberta): a
 * sentence-transformers model (mean pooling) or a sequence classifier (id2label in config.json).
 * Tensors are read with or without the "bert." / "roberta." prefix; reads are memory-mapped and
 * F16/BF16 weights are upcast. Errors name the file and the key or tensor.
 */
public final class EncoderCheckpoint {
    private EncoderCheckpoint() {}

    public static final List<String> SUPPORTED = List.of("bert", "roberta", "xlm-roberta");

    static JsonObject json(Path file) throws IOException {
        try {
            return JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new Safetensors.BadCheckpoint(file + ": missing");
        } catch (RuntimeException e) {
            throw new Safetensors.BadCheckpoint(file + ": not a JSON object (" + JsonErrors.reason(e) + ")");
        }
    }

    /** The config; with classifier, the labels come from id2label (index -> name). */
    public static Encoder.Config readConfig(Path dir, boolean classifier) throws IOException {
        Path file = dir.resolve("config.json");
        JsonObject c = json(file);
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "?";
        if (!SUPPORTED.contains(type))
            throw new Safetensors.BadCheckpoint(file + ": model_type " + type + " is not a supported encoder (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        String act = c.has("hidden_act") ? c.get("hidden_act").getAsString() : "gelu";
        if (!act.equals("gelu")) throw new Safetensors.BadCheckpoint(file + ": hidden_act " + act + " is not supported (gelu)");
        if (c.has("position_embedding_type") && !c.get("position_embedding_type").isJsonNull()
                && !c.get("position_embedding_type").getAsString().equals("absolute"))
            throw new Safetensors.BadCheckpoint(file + ": position_embedding_type " + c.get("position_embedding_type").getAsString()
                    + " is not supported (absolute)");
        try {
            boolean roberta = !type.equals("bert");
            int pad = c.has("pad_token_id") && !c.get("pad_token_id").isJsonNull() ? c.get("pad_token_id").getAsInt() : roberta ? 1 : 0;
            return new Encoder.Config(type, c.get("vocab_size").getAsInt(), c.get("hidden_size").getAsInt(),
                    c.get("num_hidden_layers").getAsInt(), c.get("num_attention_heads").getAsInt(), c.get("intermediate_size").getAsInt(),
                    c.get("max_position_embeddings").getAsInt(), c.has("type_vocab_size") ? c.get("type_vocab_size").getAsInt() : 2,
                    c.has("layer_norm_eps") ? c.get("layer_norm_eps").getAsDouble() : 1e-12, roberta ? pad + 1 : 0,
                    classifier ? labels(c, file).size() : 0);
        } catch (NullPointerException | ClassCastException | IllegalStateException | NumberFormatException e) {
            throw new Safetensors.BadCheckpoint(file + ": needs vocab_size, hidden_size, num_hidden_layers, num_attention_heads, "
                    + "intermediate_size and max_position_embeddings as integers");
        }
    }

    /** id2label as index -> lower-case name. */
    public static Map<Integer, String> labels(Path dir) throws IOException {
        return labels(json(dir.resolve("config.json")), dir.resolve("config.json"));
    }

    static Map<Integer, String> labels(JsonObject c, Path file) {
        if (!c.has("id2label") || !c.get("id2label").isJsonObject())
            throw new Safetensors.BadCheckpoint(file + ": a classifier needs id2label");
        Map<Integer, String> m = new TreeMap<>();
        for (var e : c.getAsJsonObject("id2label").entrySet()) {
            try {
                m.put(Integer.parseInt(e.getKey()), e.getValue().getAsString().toLowerCase(Locale.ROOT));
            } catch (RuntimeException x) {
                throw new Safetensors.BadCheckpoint(file + ": id2label key " + e.getKey() + " is not an index");
            }
        }
        for (int i = 0; i < m.size(); i++)
            if (!m.containsKey(i)) throw new Safetensors.BadCheckpoint(file + ": id2label lacks index " + i);
        return m;
    }

    public static Encoder load(Path dir, boolean classifier) throws IOException {
        Encoder e = new Encoder(readConfig(dir, classifier));
        GptCheckpoint.readWeights(dir, e.namedParameters(), name -> false, List.of("bert.", "roberta."));
        e.eval();
        return e;
    }
}
