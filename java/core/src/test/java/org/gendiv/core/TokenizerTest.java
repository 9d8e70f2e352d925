package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gendiv.core.tokenizer.HfTokenizer;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trained word-level tokenizer, and the same tokenizer.json through DJL's Hugging Face binding. */
class TokenizerTest {
    @TempDir
    Path dir;

    static final List<String> CORPUS = List.of("Alice went to the market on Monday.", "Bob felt happy, then sad!",
            "Alice felt happy on Monday.", "the market was busy");

    @Test
    void trainsEncodesAndDecodes() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 1);
        // specials first, then by frequency: "Alice", "Monday", "." ... each twice or more
        assertEquals("<pad>", t.word(0));
        assertEquals(4, t.padId() + t.bosId() + t.eosId() - 0 + 1);  // 0 + 1 + 2 + 1
        int[] ids = t.encode("Alice felt happy, then sad!");
        assertEquals(7, ids.length);  // Alice felt happy , then sad !
        assertEquals("Alice felt happy, then sad!", t.decode(ids));
        assertEquals(4, t.encode("Zed")[0], "unknown words map to <unk>");
        WordTokenizer small = WordTokenizer.train(CORPUS, 8, 2);
        assertEquals(8, small.vocabSize());
    }

    @Test
    void saveLoadAndHuggingFaceAgree() throws IOException {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 1);
        Path file = dir.resolve("tokenizer.json");
        t.save(file);
        WordTokenizer back = WordTokenizer.load(file);
        try (HfTokenizer hf = HfTokenizer.load(file)) {
            for (String s : List.of("Alice went to the market on Monday.", "Bob felt sad, then happy!!", "unknown words here."))
                {
                    assertArrayEquals(t.encode(s), back.encode(s), s);
                    assertArrayEquals(t.encode(s), hf.encode(s), "DJL/HF tokenizers on " + s);
                }
            assertEquals(t.vocabSize(), hf.vocabSize());
            assertEquals(t.eosId(), hf.eosId());
            assertEquals(t.padId(), hf.padId());
        }
    }

    @Test
    void badTokenizerFileNamesTheFile() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"BPE\"}}");
        var e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(file));
        assertEquals(true, e.getMessage().contains("tokenizer.json") && e.getMessage().contains("WordLevel"));
    }
}
