package org.gendiv.core.semantic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonParser;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.gendiv.core.checkpoint.EncoderCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.model.Encoder;
import org.gendiv.core.model.Tensors;

/**
 * Sentence embeddings from a local sentence-transformers directory (a BERT-family encoder with
 * mean pooling, as the study's), feeding the diversity engine's embedding diversity. A
 * 1_Pooling/config.json that asks for another pooling is refused by name.
 */
public final class SentenceEmbedder implements Embedder {
    private final Encoder encoder;
    private final EncoderInputs inputs;
    private final int batch;
    private final Path dir;

    public SentenceEmbedder(Path dir, int batch) throws IOException {
        Path pooling = dir.resolve("1_Pooling/config.json");
        if (Files.exists(pooling)) {
            var o = JsonParser.parseString(TextFiles.read(pooling)).getAsJsonObject();
            if (!o.has("pooling_mode_mean_tokens") || !o.get("pooling_mode_mean_tokens").getAsBoolean())
                throw new Safetensors.BadCheckpoint(pooling + ": only mean pooling (pooling_mode_mean_tokens) is supported");
        }
        this.encoder = EncoderCheckpoint.load(dir, false);
        this.inputs = EncoderInputs.of(dir, encoder.config);
        this.batch = batch;
        this.dir = dir;
    }

    @Override
    public String name() {
        return dir.toString();
    }

    @Override
    public float[][] embed(List<String> texts) {
        return Embedder.once(texts, this::embedAll);
    }

    private float[][] embedAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        int w = encoder.config.width();
        try (var g = new NoGradGuard()) {
            for (int at = 0; at < texts.size(); at += batch) {
                try (PointerScope scope = new PointerScope()) {
                    var b = inputs.texts(texts.subList(at, Math.min(texts.size(), at + batch)));
                    float[] flat = Tensors.floats(encoder.meanPooled(b.ids(), b.types(), b.mask()).contiguous());
                    for (int r = 0; r < flat.length / w; r++) out[at + r] = Arrays.copyOfRange(flat, r * w, (r + 1) * w);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        inputs.close();
    }
}
