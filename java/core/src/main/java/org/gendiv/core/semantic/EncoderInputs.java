package org.gendiv.core.semantic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.Encoder;

/**
 * An encoder's tokenizer.json (through DJL), with its own special tokens added ([CLS] ... [SEP],
 * or &lt;s&gt; ... &lt;/s&gt;&lt;/s&gt; ... &lt;/s&gt; for pairs, as its post-processor says), truncated to the
 * encoder's positions, and batches of texts or text pairs as right-padded tensors.
 */
final class EncoderInputs implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength, padId;

    /** The tokenizer beside an encoder: as many tokens as its positions allow, padded with its pad token (RoBERTa's pad_token_id). */
    static EncoderInputs of(Path dir, Encoder.Config c) throws IOException {
        return new EncoderInputs(dir, c.positions() - c.positionOffset(), c.roberta() ? c.positionOffset() - 1 : 0);
    }

    private EncoderInputs(Path dir, int maxLength, int padId) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.exists(file)) throw new IllegalArgumentException(file + ": missing (an encoder directory needs its tokenizer.json)");
        this.tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                .optTruncation(true).optMaxLength(maxLength).build();
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /** ids, token types and the real-token mask, [B, T] each. */
    record Batch(Tensor ids, Tensor types, Tensor mask) {}

    Batch texts(List<String> texts) {
        Encoding[] e = new Encoding[texts.size()];
        for (int i = 0; i < e.length; i++) e[i] = tokenizer.encode(texts.get(i));
        return batch(e);
    }

    Batch pairs(List<String> first, List<String> second) {
        Encoding[] e = new Encoding[first.size()];
        for (int i = 0; i < e.length; i++) e[i] = tokenizer.encode(first.get(i), second.get(i), true, false);
        return batch(e);
    }

    private Batch batch(Encoding[] e) {
        int b = e.length, t = 1;
        for (Encoding x : e) t = Math.max(t, Math.min(maxLength, x.getIds().length));
        long[] ids = new long[b * t], types = new long[b * t];
        boolean[] mask = new boolean[b * t];
        Arrays.fill(ids, padId);
        for (int r = 0; r < b; r++) {
            long[] id = e[r].getIds(), ty = e[r].getTypeIds();
            for (int i = 0; i < Math.min(t, id.length); i++) {
                ids[r * t + i] = id[i];
                types[r * t + i] = ty[i];
                mask[r * t + i] = true;
            }
        }
        return new Batch(Tensor.create(ids, b, t), Tensor.create(types, b, t), Tensor.create(mask, b, t));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
