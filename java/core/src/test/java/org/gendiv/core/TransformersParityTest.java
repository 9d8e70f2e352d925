package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.HfConfig;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.KvCache;
import org.gendiv.core.model.Tensors;
import org.gendiv.core.tokenizer.HfTokenizer;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * gendiv against transformers itself: the checkpoints under test resources hf/ were written by
 * transformers' save_pretrained (random weights; hf/make_fixtures.py), and expected.json holds
 * transformers' own float32 logits and greedy continuation. Each model is read from the
 * directory exactly as written and must give the same logits uncached and step by step through
 * the KV cache (with the null, causal mask), and the same greedy tokens, by a plain cached loop
 * and by gendiv's Generator. The tokenizers must give the ids and text transformers gives.
 */
class TransformersParityTest {
    /** |gendiv - transformers| <= TOLERANCE * max(1, the row's largest |logit|). */
    static final double TOLERANCE = 1e-4;

    static Path fixtures() throws URISyntaxException {
        return Path.of(TransformersParityTest.class.getResource("/hf").toURI());
    }

    static Stream<String> models() throws IOException, URISyntaxException {
        try (var s = Files.list(fixtures())) {
            return s.filter(p -> Files.exists(p.resolve("config.json"))).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Stream<String> tokenizers() throws IOException, URISyntaxException {
        try (var s = Files.list(fixtures())) {
            return s.filter(p -> Files.exists(p.resolve("tokenizer.json"))).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static JsonObject expected(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("expected.json"))).getAsJsonObject();
    }

    static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsInt();
        return v;
    }

    static void assertRow(float[] got, int offset, JsonArray want, String what) {
        double scale = 1;
        for (var e : want) scale = Math.max(scale, Math.abs(e.getAsDouble()));
        double worst = 0;
        for (int v = 0; v < want.size(); v++) worst = Math.max(worst, Math.abs(got[offset + v] - want.get(v).getAsDouble()));
        assertTrue(worst <= TOLERANCE * scale, what + ": off by " + worst + " (row scale " + scale + ")");
    }

    static Tensor row(long... ids) {
        return Tensor.create(ids, 1, ids.length);
    }

    static long[] range(long from, long to) {
        long[] p = new long[(int) (to - from)];
        for (int i = 0; i < p.length; i++) p[i] = from + i;
        return p;
    }

    static int argmax(float[] v, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[offset + i] > v[offset + best]) best = i;
        return best;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsAndGreedyMatchTransformers(String name) throws Exception {
        Path dir = fixtures().resolve(name);
        JsonObject want = expected(dir);
        int[] tokens = ints(want.getAsJsonArray("tokens")), prompt = ints(want.getAsJsonArray("prompt"));
        int[] greedy = ints(want.getAsJsonArray("greedy"));
        JsonArray logits = want.getAsJsonArray("logits");
        Gpt model = GptCheckpoint.load(dir);
        model.eval();
        int vocab = model.config.vocab();
        try (var g = new NoGradGuard()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) ids[i] = tokens[i];
            float[] all = Tensors.floats(model.forward(row(ids)));
            for (int t = 0; t < tokens.length; t++) assertRow(all, t * vocab, logits.get(t).getAsJsonArray(), name + " uncached, position " + t);

            // the cache, fed a prefix of 4 and then one token at a time, with the null (causal) mask;
            // not past the context, where dynamic rotary scaling rescales a whole uncached pass but
            // only the new keys of a cached one (transformers likewise; its greedy loop below agrees)
            if (tokens.length <= model.config.context()) try (KvCache cache = new KvCache(model.config.layers())) {
                float[] first = Tensors.floats(model.forward(row(java.util.Arrays.copyOf(ids, 4)), row(range(0, 4)), null, cache));
                for (int t = 0; t < 4; t++) assertRow(first, t * vocab, logits.get(t).getAsJsonArray(), name + " cached prefix, position " + t);
                for (int t = 4; t < tokens.length; t++) {
                    float[] step = Tensors.floats(model.forward(row(ids[t]), row(t), null, cache));
                    assertRow(step, 0, logits.get(t).getAsJsonArray(), name + " cached step, position " + t);
                }
            }

            // greedy decoding through the cache, as transformers' generate does it
            List<Integer> out = new ArrayList<>();
            try (KvCache cache = new KvCache(model.config.layers())) {
                long[] p = new long[prompt.length];
                for (int i = 0; i < p.length; i++) p[i] = prompt[i];
                float[] l = Tensors.floats(model.forward(row(p), row(range(0, p.length)), null, cache));
                int next = argmax(l, (p.length - 1) * vocab, vocab);
                for (int s = 0; s < greedy.length; s++) {
                    out.add(next);
                    if (s + 1 == greedy.length) break;
                    l = Tensors.floats(model.forward(row(next), row(p.length + s), null, cache));
                    next = argmax(l, 0, vocab);
                }
            }
            assertArrayEquals(greedy, out.stream().mapToInt(Integer::intValue).toArray(), name + " greedy, cached loop");
        }
        if (prompt.length + greedy.length <= model.config.context()) {
            for (boolean useCache : new boolean[] {true, false}) {
                var r = new Generator(model, Kernels.cpu()).generate(new int[][] {prompt}, greedy.length, Params.Sampling.of(0f, 1),
                        -1, 0, useCache);
                assertArrayEquals(greedy, r.tokens()[0], name + " greedy, Generator (cache " + useCache + ")");
            }
        }
    }

    /** What gendiv writes back reads as the same model (the keys transformers reads, in its 5.x form). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void configRoundTrips(String name) throws Exception {
        GptConfig c = GptCheckpoint.readConfig(fixtures().resolve(name));
        assertEquals(c, HfConfig.parse(HfConfig.write(c), name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void tokenizerMatchesTransformers(String name) throws Exception {
        Path dir = fixtures().resolve(name);
        JsonObject want = expected(dir);
        JsonArray strings = want.getAsJsonArray("strings"), ids = want.getAsJsonArray("ids"), decoded = want.getAsJsonArray("decoded");
        try (HfTokenizer t = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            for (int i = 0; i < strings.size(); i++) {
                String s = strings.get(i).getAsString();
                int[] expectedIds = ints(ids.get(i).getAsJsonArray());
                assertArrayEquals(expectedIds, t.encode(s), name + " ids of \"" + s + "\"");
                assertEquals(decoded.get(i).getAsString(), t.decode(expectedIds), name + " text of \"" + s + "\"");
            }
        }
    }
}
