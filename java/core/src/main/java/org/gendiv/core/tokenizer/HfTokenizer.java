package org.gendiv.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A Hugging Face tokenizer.json (any model type: BPE, WordPiece, WordLevel, ...) through DJL's
 * binding of the tokenizers library, for real checkpoints. Special tokens are looked up by their
 * usual names: gendiv's (&lt;pad&gt;, &lt;bos&gt;, &lt;eos&gt;, &lt;sep&gt;) or GPT-2's &lt;|endoftext|&gt;
 * for all of them.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int vocab, pad, bos, eos, sep;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocab, int pad, int bos, int eos, int sep) {
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.pad = pad;
        this.bos = bos;
        this.eos = eos;
        this.sep = sep;
    }

    public static HfTokenizer load(Path file) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": missing");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a tokenizer.json (" + e.getMessage() + ")");
        }
        JsonObject vocabJson = root.has("model") ? root.getAsJsonObject("model").getAsJsonObject("vocab") : null;
        if (vocabJson == null) throw new IllegalArgumentException(file + ": model.vocab is missing");
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (var e : vocabJson.entrySet()) ids.put(e.getKey(), e.getValue().getAsInt());
        if (root.has("added_tokens"))
            for (var t : root.getAsJsonArray("added_tokens"))
                ids.put(t.getAsJsonObject().get("content").getAsString(), t.getAsJsonObject().get("id").getAsInt());
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        int eot = ids.getOrDefault("<|endoftext|>", -1);
        int eosId = ids.getOrDefault(WordTokenizer.EOS, eot);
        if (eosId < 0) throw new IllegalArgumentException(file + ": no end-of-sequence token (<eos> or <|endoftext|>)");
        HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).build();
        return new HfTokenizer(t, size, ids.getOrDefault(WordTokenizer.PAD, eosId), ids.getOrDefault(WordTokenizer.BOS, eosId),
                eosId, ids.getOrDefault(WordTokenizer.SEP, eosId));
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tokenizer.decode(l, true);
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int sepId() {
        return sep;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
