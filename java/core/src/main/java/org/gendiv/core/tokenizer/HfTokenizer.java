package org.gendiv.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.diversity.JsonErrors;

/**
 * A Hugging Face tokenizer.json (any model type: BPE, WordPiece, WordLevel, ...) through DJL's
 * binding of the tokenizers library, for real checkpoints. Special tokens are looked up by their
 * names tokenizer_config.json gives them (eos_token, bos_token, pad_token) when it lies beside, else by
 * their usual names: gendiv's (&lt;pad&gt;, &lt;bos&gt;, &lt;eos&gt;, &lt;sep&gt;), LLaMA's and OPT's
 * (&lt;s&gt;, &lt;/s&gt;) or GPT-2's &lt;|endoftext|&gt;; BOS and PAD fall back to EOS. Real tokenizers have
 * no separator token ({@link #sepId()} is -1): the prompt template ends the prompt.
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
            root = JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": missing");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a tokenizer.json (" + JsonErrors.reason(e) + ")");
        }
        JsonObject vocabJson = root.has("model") ? root.getAsJsonObject("model").getAsJsonObject("vocab") : null;
        if (vocabJson == null) throw new IllegalArgumentException(file + ": model.vocab is missing");
        Map<String, Integer> ids = new HashMap<>();
        for (var e : vocabJson.entrySet()) ids.put(e.getKey(), e.getValue().getAsInt());
        if (root.has("added_tokens"))
            for (var t : root.getAsJsonArray("added_tokens"))
                ids.put(t.getAsJsonObject().get("content").getAsString(), t.getAsJsonObject().get("id").getAsInt());
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        JsonObject special = specialTokens(file.resolveSibling("tokenizer_config.json"));
        int eosId = first(ids, special, "eos_token", WordTokenizer.EOS, "</s>", "<|endoftext|>");
        if (eosId < 0) throw new IllegalArgumentException(file + ": no end-of-sequence token (eos_token in tokenizer_config.json, <eos>, </s> or <|endoftext|>)");
        int bos = first(ids, special, "bos_token", WordTokenizer.BOS, "<s>"), pad = first(ids, special, "pad_token", WordTokenizer.PAD);
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).build();
        } catch (RuntimeException e) {  // the Rust library's own parse error, e.g. an unknown model type
            throw new IllegalArgumentException(file + ": the tokenizers library cannot load it (" + JsonErrors.reason(e) + ")");
        }
        return new HfTokenizer(t, size, pad < 0 ? eosId : pad, bos < 0 ? eosId : bos, eosId, ids.getOrDefault(WordTokenizer.SEP, -1));
    }

    /** tokenizer_config.json beside tokenizer.json, when there is one (it names eos_token, bos_token, pad_token). */
    private static JsonObject specialTokens(Path file) throws IOException {
        if (!Files.exists(file)) return new JsonObject();
        try {
            return JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a JSON object (" + JsonErrors.reason(e) + ")");
        }
    }

    /** The id of the token tokenizer_config.json names for key (a string or {"content": ...}), else of the first usual name present; -1 if none. */
    private static int first(Map<String, Integer> ids, JsonObject special, String key, String... usual) {
        if (special.has(key) && !special.get(key).isJsonNull()) {
            var e = special.get(key);
            String name = e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString();
            if (ids.containsKey(name)) return ids.get(name);
        }
        for (String u : usual) if (ids.containsKey(u)) return ids.get(u);
        return -1;
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
