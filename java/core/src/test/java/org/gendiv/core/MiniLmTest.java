package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gendiv.core.semantic.Embedder;
import org.gendiv.core.semantic.MemoEmbedder;
import org.gendiv.core.semantic.MiniLm;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The built-in all-MiniLM-L6-v2 (ONNX Runtime) against the same model computed independently by
 * transformers' BertModel in PyTorch (resources minilm/, written by make_expected.py): every
 * sentence's embedding to cosine >= 0.999, one at a time and in one padded batch.
 */
class MiniLmTest {
    static double cosine(float[] a, JsonArray b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            double y = b.get(i).getAsDouble();
            dot += a[i] * y;
            na += a[i] * a[i];
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void embeddingsMatchTransformers() throws Exception {
        Path dir = Path.of(MiniLmTest.class.getResource("/minilm").toURI());
        JsonObject want = JsonParser.parseString(Files.readString(dir.resolve("expected.json"))).getAsJsonObject();
        List<String> sentences = new ArrayList<>();
        for (var s : want.getAsJsonArray("sentences")) sentences.add(s.getAsString());
        JsonArray expected = want.getAsJsonArray("embeddings");
        try (Embedder m = Embedder.open(null, 4)) {
            assertEquals(MiniLm.NAME, m.name());
            float[][] batched = m.embed(sentences);
            double lowest = 1;
            for (int i = 0; i < sentences.size(); i++) {
                float[] alone = m.embed(List.of(sentences.get(i)))[0];
                assertEquals(MiniLm.WIDTH, alone.length);
                JsonArray e = expected.get(i).getAsJsonArray();
                double c1 = cosine(alone, e), c2 = cosine(batched[i], e);
                lowest = Math.min(lowest, Math.min(c1, c2));
                assertTrue(c1 >= 0.999 && c2 >= 0.999, "\"" + sentences.get(i) + "\": cosine " + c1 + " alone, " + c2 + " batched");
            }
            System.out.printf("MiniLM (ONNX Runtime) vs transformers: lowest cosine %.7f over %d sentences%n", lowest, sentences.size());
            // two paraphrases are nearer than unrelated sentences, as the real model has it
            double div = m.diversity(sentences.subList(0, 2)), unrelated = m.diversity(List.of(sentences.get(0), sentences.get(2)));
            assertTrue(div < unrelated, div + " vs " + unrelated);

            // a repeated text is embedded once: every copy gets the embedding of the distinct texts' batch
            String a = sentences.get(0), b = sentences.get(1), c = sentences.get(2);
            float[][] distinct = m.embed(List.of(a, b, c)), repeated = m.embed(List.of(a, b, a, a, c, b));
            int[] of = {0, 1, 0, 0, 2, 1};
            for (int i = 0; i < of.length; i++) assertArrayEquals(distinct[of[i]], repeated[i], "text " + i);
            assertNotSame(repeated[0], repeated[2]);
        }
    }

    @Test
    void workersGiveTheSameBits() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 11; i++) texts.add("a text of " + "some ".repeat(i % 4) + "length " + i);
        String before = System.getProperty("gendiv.workers");
        try (MiniLm m = MiniLm.load(3)) {
            System.setProperty("gendiv.workers", "1");
            float[][] one = m.embed(texts);
            System.setProperty("gendiv.workers", "2");
            float[][] two = m.embed(texts);
            for (int i = 0; i < texts.size(); i++) assertArrayEquals(one[i], two[i], "text " + i);
        } finally {
            if (before == null) System.clearProperty("gendiv.workers");
            else System.setProperty("gendiv.workers", before);
        }
    }

    @Test
    void memoReadsEachTextOnceAndForgetsWhatIsNotPrepared() {
        List<List<String>> calls = new ArrayList<>();
        Embedder counting = new Embedder() {
            public float[][] embed(List<String> texts) {
                calls.add(List.copyOf(texts));
                float[][] e = new float[texts.size()][];
                for (int i = 0; i < e.length; i++) e[i] = new float[] {texts.get(i).length(), 1};
                return e;
            }

            public String name() {
                return "counting";
            }

            public void close() {}
        };
        MemoEmbedder memo = new MemoEmbedder(counting);
        memo.prepare(List.of("a", "bb", "a", "ccc"));
        assertEquals(List.of(List.of("a", "bb", "ccc")), calls);          // one call, each text once
        assertArrayEquals(new float[] {2, 1}, memo.embed(List.of("bb"))[0]);
        assertEquals(1, calls.size());                                     // answered from memory
        memo.prepare(List.of("ccc", "dddd"));
        assertEquals(List.of("dddd"), calls.get(1));                       // ccc still known
        memo.embed(List.of("a"));
        assertEquals(List.of("a"), calls.get(2));                          // a was forgotten
    }
}
