package org.gendiv.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.diversity.JsonErrors;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A word-level tokenizer trained on the embedded world's text, saved as a Hugging Face
 * tokenizer.json (model WordLevel, pre-tokenizer Whitespace: words and runs of punctuation).
 *
 * <p>Why word-level rather than byte-level BPE: the embedded world is written from templates over
 * a closed vocabulary of a few hundred words, so one token per word loses nothing, keeps sequences
 * about three times shorter than BPE (a 2-core CPU trains on them in minutes), and lets the gold
 * judge and the diversity metrics see the same words the model sees. Real checkpoints bring their
 * own tokenizer.json, read by {@link HfTokenizer}.
 */
public final class WordTokenizer implements Tokenizer {
    public static final String PAD = "<pad>", BOS = "<bos>", EOS = "<eos>", SEP = "<sep>", UNK = "<unk>";
    private static final List<String> SPECIALS = List.of(PAD, BOS, EOS, SEP, UNK);
    // Hugging Face's Whitespace pre-tokenizer: \w+|[^\w\s]+
    private static final Pattern PIECES = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    private final List<String> words;
    private final Map<String, Integer> ids;

    private WordTokenizer(List<String> words) {
        this.words = List.copyOf(words);
        this.ids = new HashMap<>();
        for (int i = 0; i < words.size(); i++) ids.put(words.get(i), i);
    }

    /** The specials, then every piece seen at least minCount times, most frequent first (ties by text), up to maxVocab. */
    public static WordTokenizer train(Iterable<String> texts, int maxVocab, int minCount) {
        if (maxVocab <= SPECIALS.size()) throw new IllegalArgumentException("maxVocab must exceed " + SPECIALS.size());
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) {
            Matcher m = PIECES.matcher(t);
            while (m.find()) counts.merge(m.group(), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue());
        List<String> words = new ArrayList<>(SPECIALS);
        for (var e : sorted) {
            if (words.size() >= maxVocab || e.getValue() < minCount) break;
            if (!SPECIALS.contains(e.getKey())) words.add(e.getKey());
        }
        return new WordTokenizer(words);
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        int unk = ids.get(UNK);
        while (m.find()) out.add(ids.getOrDefault(m.group(), unk));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Pieces joined by spaces, with no space before punctuation; special tokens are skipped. */
    @Override
    public String decode(int[] tokens) {
        StringBuilder b = new StringBuilder();
        for (int id : tokens) {
            if (id < 0 || id >= words.size()) throw new IllegalArgumentException("token id " + id + " is outside [0, " + words.size() + ")");
            if (id < SPECIALS.size() && id != ids.get(UNK)) continue;
            String w = words.get(id);
            boolean punct = !Character.isLetterOrDigit(w.codePointAt(0)) && w.codePointAt(0) != '_';
            if (b.length() > 0 && !punct) b.append(' ');
            b.append(w);
        }
        return b.toString();
    }

    public String word(int id) {
        return words.get(id);
    }

    @Override
    public int vocabSize() {
        return words.size();
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public int bosId() {
        return 1;
    }

    @Override
    public int eosId() {
        return 2;
    }

    @Override
    public int sepId() {
        return 3;
    }

    /** Writes tokenizer.json (Hugging Face format) atomically. */
    public void save(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (int i = 0; i < SPECIALS.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", i);
            t.addProperty("content", SPECIALS.get(i));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        root.add("normalizer", null);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", null);
        root.add("decoder", null);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < words.size(); i++) vocab.addProperty(words.get(i), i);
        model.add("vocab", vocab);
        model.addProperty("unk_token", UNK);
        root.add("model", model);
        AtomicFiles.writeString(file,
                new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(root));
    }

    /** Reads a WordLevel tokenizer.json written by {@link #save} (errors name the file and key). */
    public static WordTokenizer load(Path file) throws IOException {
        JsonObject model;
        try {
            model = JsonParser.parseString(TextFiles.read(file)).getAsJsonObject().getAsJsonObject("model");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a tokenizer.json (" + JsonErrors.reason(e) + ")");
        }
        if (model == null || !"WordLevel".equals(model.get("type").getAsString()))
            throw new IllegalArgumentException(file + ": model.type must be WordLevel");
        Map<Integer, String> byId = new LinkedHashMap<>();
        for (var e : model.getAsJsonObject("vocab").entrySet()) byId.put(e.getValue().getAsInt(), e.getKey());
        List<String> words = new ArrayList<>();
        for (int i = 0; i < byId.size(); i++) {
            String w = byId.get(i);
            if (w == null) throw new IllegalArgumentException(file + ": model.vocab has no token with id " + i);
            words.add(w);
        }
        for (int i = 0; i < SPECIALS.size(); i++)
            if (!SPECIALS.get(i).equals(words.get(i)))
                throw new IllegalArgumentException(file + ": id " + i + " must be " + SPECIALS.get(i) + ", is " + words.get(i));
        return new WordTokenizer(words);
    }
}
