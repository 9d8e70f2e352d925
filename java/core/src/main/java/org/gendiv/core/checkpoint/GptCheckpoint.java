package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
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
        GptConfig config = readConfig(dir);
        Gpt model = new Gpt(config);
        Path file = dir.resolve("model.safetensors");
        if (!Files.exists(file)) throw new Safetensors.BadCheckpoint(file + ": missing");
        try (Safetensors st = Safetensors.open(file); var noGrad = new NoGradGuard()) {
            String prefix = st.entries().containsKey("wte.weight") ? "" : "transformer.";
            for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
                String name = prefix + p.getKey();
                Safetensors.Entry e = st.entry(name);
                Tensor param = p.getValue();
                long[] want = new long[(int) param.dim()];
                for (int i = 0; i < want.length; i++) want[i] = param.size(i);
                long[] stored = conv1d(name) ? new long[] {want[1], want[0]} : want;
                if (!java.util.Arrays.equals(stored, e.shape()))
                    throw new Safetensors.BadCheckpoint(file + ": tensor " + name + " has shape "
                            + java.util.Arrays.toString(e.shape()) + ", the config needs " + java.util.Arrays.toString(stored));
                Tensor t = Tensor.create(st.floats(name), stored);
                param.copy_(conv1d(name) ? t.t() : t);
            }
        }
        return model;
    }

    public static void save(Gpt model, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Safetensors.Tensor32> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            Tensor t = p.getValue().detach();
            if (conv1d(p.getKey())) t = t.t();
            t = t.contiguous();
            long[] shape = new long[(int) t.dim()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
            float[] v = new float[(int) t.numel()];
            new org.bytedeco.javacpp.FloatPointer(t.data_ptr()).get(v);
            out.add(new Safetensors.Tensor32(p.getKey(), shape, v));
        }
        Safetensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt", "writer", "gendiv"));
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
        Path tmp = Files.createTempFile(dir, ".config", ".json.tmp");
        Files.writeString(tmp, cfg + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("config.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
