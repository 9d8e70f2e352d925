package org.gendiv.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Text to token ids and back, with the special tokens the pipeline needs. */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    int vocabSize();

    int padId();

    int bosId();

    int eosId();

    /** The token between prompt and response, or -1 when the tokenizer has none (the prompt template ends the prompt). */
    int sepId();

    /** A tokenizer.json: gendiv's own word-level tokenizer in pure Java, any other through DJL's Hugging Face binding. */
    static Tokenizer load(Path file) throws IOException {
        if (!Files.exists(file)) throw new IllegalArgumentException(file + ": missing tokenizer.json");
        try {
            return WordTokenizer.load(file);
        } catch (IllegalArgumentException notOurs) {
            return HfTokenizer.load(file);
        }
    }
}
