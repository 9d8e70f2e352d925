package org.gendiv.diversity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading JSONL: grouping, ordering, and an error naming the line for each kind of bad input. */
class GenerationsTest {
    @TempDir
    Path dir;

    Path write(String content) throws IOException {
        Path p = dir.resolve("gens.jsonl");
        Files.writeString(p, content);
        return p;
    }

    void bad(String content, String... words) throws IOException {
        Path p = write(content);
        var e = assertThrows(Generations.BadInput.class, () -> Generations.read(p));
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' should contain " + w);
    }

    @Test
    void groupsByMethodAndInputAndOrdersBySampleIndex() throws IOException {
        Path p = write("""
                {"input_id": "q1", "text": "second", "sample_index": 1, "method": "ppo"}
                {"input_id": "q1", "text": "first", "sample_index": 0, "method": "ppo"}

                {"input_id": "q1", "text": "x y", "method": "sft"}
                {"input_id": "q2", "text": "z", "method": "sft"}
                {"input_id": "q1", "text": "x z", "method": "sft"}
                """);
        Generations g = Generations.read(p);
        assertEquals(5, g.lines);
        assertEquals(java.util.List.of("ppo", "sft"), java.util.List.copyOf(g.methods.keySet()));
        var ppo = g.methods.get("ppo").get(0);
        assertEquals("first", ppo.outputs.get(0).text());
        var sft = g.methods.get("sft");
        assertEquals(2, sft.size());
        assertEquals("x z", sft.get(0).outputs.get(1).text());  // file order within the input
    }

    @Test
    void malformedLine() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\"}\n{\"input_id\": \"q\", \"text\": }\n", "gens.jsonl:2", "malformed JSON");
        bad("{input_id: \"q\", \"text\": \"a\"}\n", "gens.jsonl:1", "malformed");
        bad("[1, 2]\n", "gens.jsonl:1", "not a JSON object");
        bad("{\"input_id\": \"q\", \"text\": \"a\"} trailing\n", "gens.jsonl:1");
    }

    @Test
    void missingField() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\"}\n{\"text\": \"b\"}\n", "gens.jsonl:2", "missing \"input_id\"");
        bad("{\"input_id\": \"q\"}\n", "gens.jsonl:1", "missing \"text\"");
    }

    @Test
    void wronglyTypedField() throws IOException {
        bad("{\"input_id\": 7, \"text\": \"a\"}\n", "gens.jsonl:1", "\"input_id\" must be a string");
        bad("{\"input_id\": \"q\", \"text\": [\"a\"]}\n", "\"text\" must be a string");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": 1.5}\n", "\"sample_index\" must be an integer");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": -1}\n", "\"sample_index\"");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [1, \"x\"]}\n", "\"embedding\"[1] is not a number");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"method\": 3}\n", "\"method\" must be a string");
    }

    @Test
    void emptyFile() throws IOException {
        bad("", "gens.jsonl", "empty");
        bad("\n  \n", "empty");
    }

    @Test
    void repeatedSampleIndexAndEmbeddingSizes() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": 0}\n{\"input_id\": \"q\", \"text\": \"b\", \"sample_index\": 0}\n",
                "gens.jsonl:2", "repeats");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [1, 2]}\n{\"input_id\": \"q\", \"text\": \"b\", \"embedding\": [1]}\n",
                "gens.jsonl:2", "has 1 values");
    }
}
