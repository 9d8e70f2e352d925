package org.gendiv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;


/** `gendiv diversity` end to end on small files: the report's fields, per-method split, bad input. */
class DiversityCommandTest {
    @TempDir
    Path dir;

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** A file without embeddings: --metrics embedding embeds the texts with the built-in all-MiniLM-L6-v2. */
    @Test
    void embeddingMetricWithoutEmbeddingsUsesMiniLm() throws IOException {
        String[][] sets = {
            {"A man is playing a guitar.", "Someone plays the guitar.", "A man plays an acoustic guitar."},
            {"A man is playing a guitar.", "The stock market fell sharply today.", "Rain is expected in Paris tomorrow."}};
        StringBuilder b = new StringBuilder();
        for (int m = 0; m < 2; m++)
            for (int q = 0; q < 2; q++)
                for (int k = 0; k < 3; k++)
                    b.append(String.format("{\"input_id\": \"q%d\", \"method\": \"%s\", \"text\": \"%s\"}%n", q,
                            m == 0 ? "paraphrases" : "unrelated", sets[m][(k + q) % 3]));
        Path in = dir.resolve("gens.jsonl"), out = dir.resolve("metrics.json");
        Files.writeString(in, b);
        CliRun r = run("diversity", "--input", in.toString(), "--metrics", "embedding", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("embedded 12 texts with all-MiniLM-L6-v2"), r.err());
        JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        double same = report.getAsJsonObject("paraphrases").getAsJsonObject("per_input").getAsJsonObject("embedding").get("mean").getAsDouble();
        double apart = report.getAsJsonObject("unrelated").getAsJsonObject("per_input").getAsJsonObject("embedding").get("mean").getAsDouble();
        assertTrue(same < 0.5 * apart, same + " vs " + apart);
        assertEquals("all-MiniLM-L6-v2", report.getAsJsonObject("unrelated").get("embedding_model").getAsString());

        // embeddings on some lines only: refused, naming the file
        Files.writeString(in, b + "{\"input_id\": \"q9\", \"text\": \"x\", \"method\": \"unrelated\", \"embedding\": [1, 2]}\n");
        r = run("diversity", "--input", in.toString(), "--metrics", "embedding");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(in + ": 1 of 13 lines have an \"embedding\""), r.err());
    }

    @Test
    void reportPerMethodWithEveryField() throws IOException {
        Path in = dir.resolve("gens.jsonl");
        StringBuilder b = new StringBuilder();
        for (String method : new String[] {"sft", "ppo"})
            for (int q = 0; q < 5; q++)
                for (int s = 0; s < 4; s++) {
                    String text = method.equals("ppo") ? "the answer is " + q : "sample " + s + " says " + (q * 7 + s) + " things.";
                    b.append(String.format("{\"input_id\": \"q%d\", \"sample_index\": %d, \"method\": \"%s\", \"text\": \"%s\", \"embedding\": [%d, 1, %d]}%n",
                            q, s, method, text, s, q));
                }
        b.append("{\"input_id\": \"lonely\", \"method\": \"sft\", \"text\": \"just one\", \"embedding\": [1, 1, 1]}\n");
        Files.writeString(in, b);
        Path out = dir.resolve("out/metrics.json");
        CliRun r = run("diversity", "--input", in.toString(), "--output", out.toString(), "--bootstrap", "200",
                "--across-draws", "3", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(java.util.Set.of("sft", "ppo"), report.keySet());
        JsonObject sft = report.getAsJsonObject("sft"), ppo = report.getAsJsonObject("ppo");
        assertEquals(6, sft.get("n_inputs").getAsInt());
        assertEquals(21, sft.get("n_samples").getAsInt());
        assertEquals(1, sft.get("n_inputs_single_sample").getAsInt());
        JsonObject per = sft.getAsJsonObject("per_input");
        for (String k : new String[] {"ead", "distinct", "self_bleu", "compression", "embedding"}) {
            assertTrue(per.has(k), k);
            JsonObject s = per.getAsJsonObject(k);
            assertTrue(s.has("mean") && s.has("std") && s.getAsJsonArray("ci95").size() == 2, k);
        }
        for (int n = 1; n <= 5; n++) {
            assertTrue(per.getAsJsonObject("ead_n").has(Integer.toString(n)));
            assertTrue(sft.getAsJsonObject("across_input").getAsJsonObject("distinct_n").has(Integer.toString(n)));
        }
        assertTrue(sft.getAsJsonObject("across_input").has("random_draws"));
        // PPO's four identical samples per input: no per-input diversity left, Self-BLEU 1.
        double ppoEad = ppo.getAsJsonObject("per_input").getAsJsonObject("ead").get("mean").getAsDouble();
        double sftEad = per.getAsJsonObject("ead").get("mean").getAsDouble();
        assertTrue(ppoEad < sftEad, ppoEad + " vs " + sftEad);
        assertEquals(1.0, ppo.getAsJsonObject("per_input").getAsJsonObject("self_bleu").get("mean").getAsDouble(), 1e-12);
        assertTrue(r.out().contains("method sft") && r.out().contains("self_bleu"), r.out());
    }

    CliRun bad(String content) throws IOException {
        Path in = dir.resolve("bad.jsonl");
        Files.writeString(in, content);
        CliRun r = run("diversity", "--input", in.toString());
        assertEquals(2, r.code());
        return r;
    }

    @Test
    void badInputNamesTheLine() throws IOException {
        assertTrue(bad("{\"input_id\": \"q\", \"text\": \"a b\"}\nnot json\n").err().contains("bad.jsonl:2"));
        assertTrue(bad("{\"input_id\": \"q\", \"text\": 5}\n").err().contains("bad.jsonl:1: \"text\" must be a string"));
        assertTrue(bad("{\"text\": \"a\"}\n").err().contains("bad.jsonl:1: missing \"input_id\""));
        assertTrue(bad("").err().contains("empty"));
        CliRun r = run("diversity", "--input", dir.resolve("nope.jsonl").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
        Files.writeString(dir.resolve("ok.jsonl"), "{\"input_id\": \"q\", \"text\": \"a\"}\n{\"input_id\": \"q\", \"text\": \"b\"}\n");
        r = run("diversity", "--input", dir.resolve("ok.jsonl").toString(), "--metrics", "ead,embedding", "--embedding-model",
                dir.resolve("no-model").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gendiv diversity: --embedding-model: " + dir.resolve("no-model")), r.err());
        r = run("diversity", "--input", dir.resolve("ok.jsonl").toString(), "--metrics", "ead,bleu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown metric 'bleu'"), r.err());
        // sizes beyond the heap, a directory, a file where a directory must be: one line each
        r = run("diversity", "--input", dir.resolve("ok.jsonl").toString(), "--bootstrap", "2000000000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--bootstrap 2000000000 (its resampled means) needs about 14.9 GiB of memory"), r.err());
        r = run("diversity", "--input", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(dir + ": is a directory, not a JSONL file"), r.err());
        r = run("diversity", "--input", dir.resolve("ok.jsonl").toString(), "--output", dir.resolve("ok.jsonl/out.json").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(dir.resolve("ok.jsonl") + ": "), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("gendiv diversity: " + dir)).count(), r.err());
    }

    /** A failed run leaves an existing report untouched. */
    @Test
    void existingOutputSurvivesBadInput() throws IOException {
        Path out = dir.resolve("metrics.json");
        Files.writeString(out, "{\"kept\": true}");
        Files.writeString(dir.resolve("bad.jsonl"), "{oops\n");
        CliRun r = run("diversity", "--input", dir.resolve("bad.jsonl").toString(), "--output", out.toString());
        assertEquals(2, r.code());
        assertEquals("{\"kept\": true}", Files.readString(out));
        assertFalse(r.err().isEmpty());
    }
}
