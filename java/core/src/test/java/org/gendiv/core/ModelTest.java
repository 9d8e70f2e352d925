package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.model.Flops;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.KvCache;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.model.GptConfig;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT model, its checkpoints and generation, against independent float64 math and invariants. */
class ModelTest {
    static final GptConfig TINY = new GptConfig(11, 12, 2, 2, 8, 0.0);

    @TempDir
    Path dir;

    static float[] values(Tensor t) {
        Tensor c = t.contiguous();
        float[] v = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr()).get(v);
        return v;
    }

    static Gpt model(long seed) {
        torch.manual_seed(seed);
        Gpt m = new Gpt(TINY);
        m.eval();
        return m;
    }

    // ---- an independent float64 GPT-2 forward pass over the checkpoint's own arrays ----------

    static double[] layerNorm(double[] x, float[] g, float[] b) {
        double mean = 0, var = 0;
        for (double v : x) mean += v / x.length;
        for (double v : x) var += (v - mean) * (v - mean) / x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i];
        return y;
    }

    /** y = x W + b with GPT-2's Conv1D layout W [in, out]. */
    static double[] conv1d(double[] x, float[] w, float[] b, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < x.length; i++) s += x[i] * w[i * out + o];
            y[o] = s;
        }
        return y;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double[][] reference(Map<String, float[]> w, GptConfig c, int[] tokens) {
        int t = tokens.length, d = c.width(), nh = c.heads(), hd = d / nh;
        double[][] x = new double[t][d];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < d; j++) x[i][j] = w.get("wte.weight")[tokens[i] * d + j] + w.get("wpe.weight")[i * d + j];
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] qkv = conv1d(layerNorm(x[i], w.get(p + "ln_1.weight"), w.get(p + "ln_1.bias")),
                        w.get(p + "attn.c_attn.weight"), w.get(p + "attn.c_attn.bias"), 3 * d);
                q[i] = java.util.Arrays.copyOfRange(qkv, 0, d);
                k[i] = java.util.Arrays.copyOfRange(qkv, d, 2 * d);
                v[i] = java.util.Arrays.copyOfRange(qkv, 2 * d, 3 * d);
            }
            for (int i = 0; i < t; i++) {
                double[] y = new double[d];
                for (int h = 0; h < nh; h++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < hd; e++) s[j] += q[i][h * hd + e] * k[j][h * hd + e] / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j <= i; j++)
                        for (int e = 0; e < hd; e++) y[h * hd + e] += s[j] / sum * v[j][h * hd + e];
                }
                double[] a = conv1d(y, w.get(p + "attn.c_proj.weight"), w.get(p + "attn.c_proj.bias"), d);
                for (int j = 0; j < d; j++) x[i][j] += a[j];
            }
            for (int i = 0; i < t; i++) {
                double[] hdn = conv1d(layerNorm(x[i], w.get(p + "ln_2.weight"), w.get(p + "ln_2.bias")),
                        w.get(p + "mlp.c_fc.weight"), w.get(p + "mlp.c_fc.bias"), 4 * d);
                for (int j = 0; j < hdn.length; j++) hdn[j] = gelu(hdn[j]);
                double[] m = conv1d(hdn, w.get(p + "mlp.c_proj.weight"), w.get(p + "mlp.c_proj.bias"), d);
                for (int j = 0; j < d; j++) x[i][j] += m[j];
            }
        }
        double[][] logits = new double[t][c.vocab()];
        for (int i = 0; i < t; i++) {
            double[] f = layerNorm(x[i], w.get("ln_f.weight"), w.get("ln_f.bias"));
            for (int o = 0; o < c.vocab(); o++)
                for (int j = 0; j < d; j++) logits[i][o] += f[j] * w.get("wte.weight")[o * d + j];
        }
        return logits;
    }

    /** A GPT-2-shaped checkpoint written here (Conv1D layout, "transformer." prefix as HF saves it). */
    static Map<String, float[]> writeGpt2Checkpoint(Path dir, GptConfig c, long seed) throws IOException {
        var rng = new SplittableRandom(seed);
        int d = c.width();
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {c.vocab(), d});
        shapes.put("wpe.weight", new long[] {c.context(), d});
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            shapes.put(p + "ln_1.weight", new long[] {d});
            shapes.put(p + "ln_1.bias", new long[] {d});
            shapes.put(p + "attn.c_attn.weight", new long[] {d, 3 * d});
            shapes.put(p + "attn.c_attn.bias", new long[] {3 * d});
            shapes.put(p + "attn.c_proj.weight", new long[] {d, d});
            shapes.put(p + "attn.c_proj.bias", new long[] {d});
            shapes.put(p + "ln_2.weight", new long[] {d});
            shapes.put(p + "ln_2.bias", new long[] {d});
            shapes.put(p + "mlp.c_fc.weight", new long[] {d, 4 * d});
            shapes.put(p + "mlp.c_fc.bias", new long[] {4 * d});
            shapes.put(p + "mlp.c_proj.weight", new long[] {4 * d, d});
            shapes.put(p + "mlp.c_proj.bias", new long[] {d});
        }
        shapes.put("ln_f.weight", new long[] {d});
        shapes.put("ln_f.bias", new long[] {d});
        Map<String, float[]> w = new java.util.LinkedHashMap<>();
        List<Safetensors.Tensor32> out = new ArrayList<>();
        shapes.forEach((name, shape) -> {
            long n = 1;
            for (long s : shape) n *= s;
            float[] v = new float[(int) n];
            boolean gain = name.contains("ln_") && name.endsWith("weight");
            for (int i = 0; i < v.length; i++) v[i] = (float) (gain ? 1 + 0.1 * rng.nextGaussian() : 0.3 * rng.nextGaussian());
            w.put(name, v);
            out.add(new Safetensors.Tensor32("transformer." + name, shape, v));
        });
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        Files.writeString(dir.resolve("config.json"), String.format(
                "{\"model_type\": \"gpt2\", \"vocab_size\": %d, \"n_positions\": %d, \"n_embd\": %d, \"n_layer\": %d, \"n_head\": %d}",
                c.vocab(), c.context(), c.width(), c.layers(), c.heads()));
        return w;
    }

    @Test
    void gpt2CheckpointMatchesAFloat64ForwardPass() throws IOException {
        Path ckpt = dir.resolve("gpt2-tiny");
        Map<String, float[]> w = writeGpt2Checkpoint(ckpt, TINY, 3);
        Gpt m = GptCheckpoint.load(ckpt);
        m.eval();
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6};
        long[] t = new long[tokens.length];
        for (int i = 0; i < t.length; i++) t[i] = tokens[i];
        float[] got;
        try (var g = new NoGradGuard()) {
            got = values(m.forward(Tensor.create(t, 1, t.length)));
        }
        double[][] want = reference(w, TINY, tokens);
        for (int i = 0; i < tokens.length; i++)
            for (int o = 0; o < TINY.vocab(); o++)
                assertEquals(want[i][o], got[i * TINY.vocab() + o], 1e-4 + 1e-4 * Math.abs(want[i][o]), "logit " + i + "," + o);
    }

    @Test
    void saveLoadRoundTripIsBitExact() throws IOException {
        Gpt m = model(5);
        GptCheckpoint.save(m, dir.resolve("ckpt"));
        Gpt back = GptCheckpoint.load(dir.resolve("ckpt"));
        var a = m.namedParameters();
        var b = back.namedParameters();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(values(a.get(k)), values(b.get(k)), k);
        assertEquals(TINY, GptCheckpoint.readConfig(dir.resolve("ckpt")));
    }

    /** Hugging Face's sharded layout (model.safetensors.index.json + shards) loads to the same weights as one file. */
    @Test
    void shardedCheckpointLoadsLikeOneFile() throws IOException {
        Path one = dir.resolve("one"), sharded = dir.resolve("sharded");
        writeGpt2Checkpoint(one, TINY, 3);
        Files.createDirectories(sharded);
        Files.copy(one.resolve("config.json"), sharded.resolve("config.json"));
        List<List<Safetensors.Tensor32>> shards = List.of(new ArrayList<>(), new ArrayList<>());
        var weightMap = new com.google.gson.JsonObject();
        try (Safetensors st = Safetensors.open(one.resolve("model.safetensors"))) {
            int i = 0;
            for (var e : st.entries().values()) {
                int shard = i++ % 2;
                shards.get(shard).add(new Safetensors.Tensor32(e.name(), e.shape(), st.floats(e.name())));
                weightMap.addProperty(e.name(), "model-0000" + (shard + 1) + "-of-00002.safetensors");
            }
        }
        for (int k = 0; k < 2; k++)
            Safetensors.write(sharded.resolve("model-0000" + (k + 1) + "-of-00002.safetensors"), shards.get(k), Map.of());
        var index = new com.google.gson.JsonObject();
        index.add("weight_map", weightMap);
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
        // the models stay reachable while their tensors are read: a collected Gpt frees its parameters (a JVM crash, seen once)
        Gpt oneModel = GptCheckpoint.load(one), shardedModel = GptCheckpoint.load(sharded);
        var a = oneModel.namedParameters();
        var b = shardedModel.namedParameters();
        for (String k : a.keySet()) assertArrayEquals(values(a.get(k)), values(b.get(k)), k);
        java.lang.ref.Reference.reachabilityFence(oneModel);
        java.lang.ref.Reference.reachabilityFence(shardedModel);

        weightMap.remove("transformer.ln_f.bias");
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
        var e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(sharded));
        assertTrue(e.getMessage().contains("index.json") && e.getMessage().contains("ln_f.bias"), e.getMessage());
    }

    @Test
    void badCheckpointsNameTheFileAndTensor() throws IOException {
        Path ckpt = dir.resolve("bad");
        writeGpt2Checkpoint(ckpt, TINY, 1);
        Path st = ckpt.resolve("model.safetensors");
        byte[] good = Files.readAllBytes(st);
        // truncated
        Files.write(st, java.util.Arrays.copyOf(good, good.length - 100));
        var e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(ckpt));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
        // unknown dtype / lying offsets / missing tensor: edit the header
        long hlen = ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(good, 8, (int) hlen, java.nio.charset.StandardCharsets.UTF_8);
        for (String[] edit : new String[][] {
            {"\"F32\"", "\"Q4\"", "unknown dtype Q4"},
            {"transformer.ln_f.bias", "transformer.ln_f.bogus", "missing tensor ln_f.bias (nor transformer.ln_f.bias, model.ln_f.bias)"},
        }) {
            String h = header.replaceFirst(java.util.regex.Pattern.quote(edit[0]), edit[1]);
            byte[] hb = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + good.length - 8 - (int) hlen).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(hb.length).put(hb).put(good, 8 + (int) hlen, good.length - 8 - (int) hlen);
            Files.write(st, buf.array());
            e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(ckpt));
            assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains(edit[2]), e.getMessage());
        }
        // a shape that lies about its bytes
        String lying = header.replaceFirst("\"shape\":\\[8\\]", "\"shape\":[9]");
        byte[] hb = lying.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + good.length - 8 - (int) hlen).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(hb.length).put(hb).put(good, 8 + (int) hlen, good.length - 8 - (int) hlen);
        Files.write(st, buf.array());
        e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(ckpt));
        assertTrue(e.getMessage().contains("offsets span"), e.getMessage());
        // two tensors over the same bytes (one would load the other's values)
        Path overlap = dir.resolve("overlap.safetensors");
        byte[] h2 = ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(overlap, ByteBuffer.allocate(8 + h2.length + 12).order(ByteOrder.LITTLE_ENDIAN).putLong(h2.length).put(h2).array());
        e = assertThrows(Safetensors.BadCheckpoint.class, () -> Safetensors.open(overlap).close());
        assertTrue(e.getMessage().contains("tensors a [0, 8) and b [4, 12) overlap"), e.getMessage());
    }

    /** Changing a later token never changes earlier logits. */
    @Test
    void causality() {
        Gpt m = model(7);
        try (var g = new NoGradGuard()) {
            float[] a = values(m.forward(Tensor.create(new long[] {1, 2, 3, 4, 5, 6}, 1, 6)));
            float[] b = values(m.forward(Tensor.create(new long[] {1, 2, 3, 9, 0, 10}, 1, 6)));
            int keep = 3 * TINY.vocab();
            assertArrayEquals(java.util.Arrays.copyOf(a, keep), java.util.Arrays.copyOf(b, keep));
            assertTrue(!java.util.Arrays.equals(a, b));
        }
    }

    /** Greedy decoding with and without the KV cache gives the same tokens. */
    @Test
    void kvCacheChangesNothing() {
        Gpt m = model(9);
        var gen = new Generator(m, Kernels.cpu());
        int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 9}};
        var p = Params.Sampling.of(0.0f, 1);
        var with = gen.generate(prompts, 6, p, -1, 0, true);
        var without = gen.generate(prompts, 6, p, -1, 0, false);
        for (int r = 0; r < prompts.length; r++) assertArrayEquals(without.tokens()[r], with.tokens()[r], "row " + r);
        var s1 = gen.generate(prompts, 6, Params.Sampling.of(1.0f, 3), -1, 0, true);
        var s2 = gen.generate(prompts, 6, Params.Sampling.of(1.0f, 3), -1, 0, false);
        for (int r = 0; r < prompts.length; r++) assertArrayEquals(s2.tokens()[r], s1.tokens()[r], "sampled row " + r);
    }

    /**
     * The cache that writes each step into buffers of its capacity gives the bits of the one that
     * concatenates (the simple form): the same hidden states, pass by pass, over a prompt and 4 steps.
     */
    @Test
    void kvCacheBuffersMatchConcatenation() {
        Gpt m = model(11);
        try (var g = new NoGradGuard(); KvCache grow = new KvCache(TINY.layers()); KvCache buffers = new KvCache(TINY.layers(), 8)) {
            long[][] steps = {{1, 2, 3, 4, 5, 6, 7, 8}, {9, 10}, {3, 1}, {4, 1}, {5, 9}};
            int at = 0;
            for (long[] s : steps) {
                int t = s.length / 2;
                long[] pos = new long[s.length];
                for (int r = 0; r < 2; r++) for (int i = 0; i < t; i++) pos[r * t + i] = at + i;
                Tensor tokens = Tensor.create(s, 2, t), positions = Tensor.create(pos, 2, t);
                float[] a = values(m.hidden(tokens, positions, null, grow)), b = values(m.hidden(tokens, positions, null, buffers));
                assertArrayEquals(a, b, "pass at position " + at);
                at += t;
            }
            assertEquals(8, buffers.length());
            assertThrows(IllegalStateException.class, () -> m.hidden(Tensor.create(new long[] {1, 2}, 2, 1),
                    Tensor.create(new long[] {8, 8}, 2, 1), null, buffers));
        }
    }

    /**
     * Rows that share a prompt (K samples of one input) read it once with the cache: the tokens
     * drawn are those of the uncached path, which reads every row on its own.
     */
    @Test
    void sharedPromptsAreReadOnce() {
        Gpt m = model(10);
        var gen = new Generator(m, Kernels.cpu());
        int[][] prompts = {{1, 2, 3}, {1, 2, 3}, {4}, {1, 2, 3}, {4}, {5, 6, 7, 8, 9}};
        for (var p : List.of(Params.Sampling.of(0.0f, 1), Params.Sampling.of(1.0f, 5))) {
            var with = gen.generate(prompts, 6, p, -1, 0, true);
            var without = gen.generate(prompts, 6, p, -1, 0, false);
            for (int r = 0; r < prompts.length; r++) {
                assertArrayEquals(without.tokens()[r], with.tokens()[r], "row " + r);
                for (int j = 0; j < with.logprobs()[r].length; j++)
                    assertEquals(without.logprobs()[r][j], with.logprobs()[r][j], 1e-4, "row " + r + " token " + j);
            }
        }
    }

    /**
     * Rows that stopped leave the batch (their cache rows dropped): every row's tokens are those of
     * the simple form, which keeps every row to the last step, and its log-probs the same to float
     * rounding, with and without the cache, shared prompts among them; rows did stop at different steps.
     */
    @Test
    void stoppedRowsLeaveTheBatch() {
        Gpt m = new Gpt(new GptConfig(11, 16, 2, 2, 8, 0.0));
        int[][] prompts = new int[24][];
        for (int r = 0; r < prompts.length; r++) prompts[r] = r % 3 == 0 ? new int[] {1, 2, 3} : new int[] {4 + r % 5, 1 + r % 7};
        int eos = 5, max = 10;
        var fast = Generator.droppingStoppedRows(m, Kernels.cpu());
        var simple = new Generator(m, Kernels.cpu());
        java.util.Set<Integer> lengths = new java.util.TreeSet<>();
        for (boolean cache : new boolean[] {true, false})
            for (long seed : new long[] {1, 2, 3}) {
                var p = Params.Sampling.of(1.0f, seed);
                var a = fast.generate(prompts, max, p, eos, 0, cache, 7);
                var b = simple.generate(prompts, max, p, eos, 0, cache, 7);
                for (int r = 0; r < prompts.length; r++) {
                    assertArrayEquals(b.tokens()[r], a.tokens()[r], "cache " + cache + ", seed " + seed + ", row " + r);
                    for (int j = 0; j < a.logprobs()[r].length; j++)  // a smaller batch's products round differently (1 ulp seen)
                        assertEquals(b.logprobs()[r][j], a.logprobs()[r][j], 1e-5, "cache " + cache + ", seed " + seed + ", row " + r);
                    lengths.add(a.tokens()[r].length);
                }
            }
        assertTrue(lengths.size() >= 4 && lengths.contains(max), "rows stopped at " + lengths);
    }

    /** Left padding does not change a prompt's next-token distribution. */
    @Test
    void leftPaddingChangesNothing() {
        Gpt m = model(11);
        var gen = new Generator(m, Kernels.cpu());
        float[] alone = values(gen.nextTokenLogits(new int[][] {{3, 4}}, 0));
        float[] padded = values(gen.nextTokenLogits(new int[][] {{1, 2, 5, 6, 7}, {3, 4}}, 0));
        for (int v = 0; v < TINY.vocab(); v++) assertEquals(alone[v], padded[TINY.vocab() + v], 1e-5, "token " + v);
    }

    /** Generation stops a row at EOS and respects maxNewTokens. */
    @Test
    void stopsAtEos() {
        Gpt m = model(13);
        var gen = new Generator(m, Kernels.cpu());
        var greedy = gen.generate(new int[][] {{1, 2}}, 5, Params.Sampling.of(0.0f, 1), -1, 0, true);
        int first = greedy.tokens()[0][0];
        var stopped = gen.generate(new int[][] {{1, 2}}, 5, Params.Sampling.of(0.0f, 1), first, 0, true);
        assertArrayEquals(new int[] {first}, stopped.tokens()[0]);
        assertEquals(5, greedy.tokens()[0].length);
        assertThrows(IllegalArgumentException.class, () -> gen.generate(new int[][] {{1}}, 20, Params.Sampling.of(0f, 1), -1, 0, true));
    }

    /** LAST: the reward is the head at each row's last real token; right padding after it changes nothing. */
    @Test
    void rewardAtTheLastRealToken() {
        torch.manual_seed(21);
        var rm = new RewardModel(new Gpt(TINY), RewardModel.Pooling.LAST);
        rm.eval();
        try (var g = new NoGradGuard()) {
            float[] batch = twoRows(rm, new int[] {1, 2});
            float[] alone = values(rm.scores(Tensor.create(new long[] {1, 2, 3}, 1, 3), new int[] {3}, new int[] {1}));
            assertEquals(alone[0], batch[0], 1e-5);
            double[] head = headAt(rm, new long[] {4, 5, 6, 7, 8});
            assertEquals(head[4], batch[1], 1e-5);
        }
        assertThrows(IllegalArgumentException.class,
                () -> rm.scores(Tensor.create(new long[] {1, 2}, 1, 2), new int[] {3}, new int[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> rm.scores(Tensor.create(new long[] {1, 2}, 1, 2), new int[] {2}, new int[] {-1}));
    }

    /**
     * MEAN, SUM and MEAN_LAST pool the head over the response's positions [start, length): its
     * mean, its sum, or half its mean plus half the head at the last token, each in float64 from
     * the trunk's hidden states; padding changes nothing, and a start past the end pools the last
     * token alone.
     */
    @Test
    void rewardPooledOverTheResponse() {
        for (RewardModel.Pooling pooling : List.of(RewardModel.Pooling.MEAN, RewardModel.Pooling.SUM, RewardModel.Pooling.MEAN_LAST)) {
            torch.manual_seed(22);
            var rm = new RewardModel(new Gpt(TINY), pooling);
            rm.eval();
            try (var g = new NoGradGuard()) {
                float[] batch = twoRows(rm, new int[] {1, 7});
                double[] first = headAt(rm, new long[] {1, 2, 3}), second = headAt(rm, new long[] {4, 5, 6, 7, 8});
                assertEquals(pooled(pooling, first, 1), batch[0], 1e-5, pooling.key());
                assertEquals(second[4], batch[1], 1e-5, pooling.key());
                float[] alone = values(rm.scores(Tensor.create(new long[] {4, 5, 6, 7, 8}, 1, 5), new int[] {5}, new int[] {2}));
                assertEquals(pooled(pooling, second, 2), alone[0], 1e-5, pooling.key());
            }
        }
    }

    /**
     * The log-ratio term, in float64 from the two models' own logits: each response position adds
     * beta * (log p(token | before) - log p_ref(token | before)) to the head before pooling; the
     * trunk's term carries a gradient and the reference takes none; packed rows still score as their
     * sequences.
     */
    @Test
    void logratioAddsEachTokensLogprobAgainstTheReference() {
        torch.manual_seed(24);
        Gpt trunk = new Gpt(TINY), reference = new Gpt(TINY);  // two draws, so the ratio is not 0
        var rm = new RewardModel(trunk, RewardModel.Pooling.MEAN, reference, 0.7);
        rm.eval();
        long[] row = {4, 5, 6, 7, 8};
        try (var g = new NoGradGuard()) {
            double[] head = headAt(rm, row), own = tokenLogprobs(trunk, row), ref = tokenLogprobs(reference, row);
            double want = 0;
            for (int t = 2; t < row.length; t++) want += (head[t] + 0.7 * (own[t] - ref[t])) / (row.length - 2);
            assertEquals(want, values(rm.scores(Tensor.create(row, 1, row.length), new int[] {5}, new int[] {2}))[0], 1e-5);
            // the reference's log-probs of a packed row, as a trainer caches them: prompt {4, 5}, response {6, 7, 8}
            float[] cached = rm.packedReferenceLogprobs(List.of(new int[] {4, 5}), List.of(List.of(new int[] {6, 7, 8})), 0).get(0);
            assertEquals(row.length, cached.length);
            for (int t = 1; t < row.length; t++) assertEquals(ref[t], cached[t], 1e-5, "reference log-prob at position " + t);
        }
        try (var g = new NoGradGuard()) {
            rm.head.weight().zero_();  // the score is then the term alone
        }
        rm.scores(Tensor.create(row, 1, row.length), new int[] {5}, new int[] {2}).sum().backward();
        assertTrue(trunk.namedParameters().values().stream().anyMatch(p -> p.grad().defined() && p.grad().abs().sum().item_double() > 0),
                "the trunk's log-probabilities take the gradient");
        assertTrue(reference.namedParameters().values().stream().noneMatch(p -> p.requires_grad()), "the reference is frozen");
        packedMatchesUnpacked(rm);
        assertThrows(IllegalArgumentException.class, () -> new RewardModel(new Gpt(TINY), RewardModel.Pooling.MEAN, null, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RewardModel(new Gpt(TINY), RewardModel.Pooling.MEAN, new Gpt(TINY), 0));
    }

    /** log p(row[t] | row[0..t)) in float64 from the model's logits; 0 at t = 0. */
    private static double[] tokenLogprobs(Gpt m, long[] row) {
        float[] logits = values(m.forward(Tensor.create(row, 1, row.length)));
        int v = m.config.vocab();
        double[] out = new double[row.length];
        for (int t = 1; t < row.length; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < v; j++) max = Math.max(max, logits[(t - 1) * v + j]);
            for (int j = 0; j < v; j++) sum += Math.exp(logits[(t - 1) * v + j] - max);
            out[t] = logits[(t - 1) * v + (int) row[t]] - max - Math.log(sum);
        }
        return out;
    }

    /** The hand-worked pooling of per-position head values over [start, end of head). */
    private static double pooled(RewardModel.Pooling pooling, double[] head, int start) {
        double sum = 0;
        for (int i = start; i < head.length; i++) sum += head[i];
        double mean = sum / (head.length - start), last = head[head.length - 1];
        return switch (pooling) {
            case SUM -> sum;
            case MEAN -> mean;
            case MEAN_LAST -> 0.5 * mean + 0.5 * last;
            case LAST -> last;
        };
    }

    /**
     * Packed rows (a prompt once, then each of its responses) give each response the score of its
     * own sequence prompt + response, for every pooling: the reference is {@link RewardModel#scores}
     * on the sequences one by one. Prompts of 2-4 tokens, responses of 0-5 (an empty one pools the
     * prompt's last token, as a response clipped away does).
     */
    @Test
    void packedRowsScoreAsTheirSequences() {
        for (RewardModel.Pooling pooling : RewardModel.Pooling.values()) {
            torch.manual_seed(23);
            packedMatchesUnpacked(new RewardModel(new Gpt(TINY), pooling));
        }
    }

    /** Checks {@link RewardModel#packedScores} against {@link RewardModel#scores} on a few prompts and responses. */
    public static void packedMatchesUnpacked(RewardModel rm) {
        int v = rm.trunk.config.vocab();
        List<int[]> prompts = List.of(new int[] {1, 2, 3, 4}, new int[] {5, 6}, new int[] {7 % v, 8 % v, 9 % v});
        List<List<int[]>> responses = List.of(
                List.of(new int[] {5, 6, 7}, new int[] {8}, new int[] {9 % v, 10 % v, 1, 2, 3}),
                List.of(new int[] {1, 2}, new int[] {}),
                List.of(new int[] {4, 4, 4, 4}));
        rm.eval();
        try (var g = new NoGradGuard()) {
            float[] packed = values(rm.packedScores(prompts, responses, 0));
            int k = 0;
            for (int i = 0; i < prompts.size(); i++)
                for (int[] r : responses.get(i)) {
                    int[] p = prompts.get(i);
                    long[] row = new long[p.length + r.length];
                    for (int j = 0; j < p.length; j++) row[j] = p[j];
                    for (int j = 0; j < r.length; j++) row[p.length + j] = r[j];
                    float alone = values(rm.scores(Tensor.create(row, 1, row.length), new int[] {row.length}, new int[] {p.length}))[0];
                    assertEquals(alone, packed[k++], 1e-5, rm.pooling + ": prompt " + i + ", response " + Arrays.toString(r));
                }
            assertEquals(k, packed.length);
            if (rm.reference() != null) {  // the reference's log-probs computed one prompt at a time and given: the same scores
                List<float[]> rows = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++)
                    rows.add(rm.packedReferenceLogprobs(List.of(prompts.get(i)), List.of(responses.get(i)), 0).get(0));
                float[] given = values(rm.packedScores(prompts, responses, 0, rows));
                for (int i = 0; i < packed.length; i++) assertEquals(packed[i], given[i], 1e-5, "response " + i + " with given log-probs");
                assertThrows(IllegalArgumentException.class, () -> rm.packedScores(prompts, responses, 0, rows.subList(0, 2)));
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> rm.packedScores(List.of(new int[rm.trunk.config.context()]), List.of(List.of(new int[] {1})), 0));
    }

    /** Scores of the rows {1, 2, 3} (right-padded to 5) and {4, 5, 6, 7, 8}, their responses starting at starts. */
    private static float[] twoRows(RewardModel rm, int[] starts) {
        return values(rm.scores(Tensor.create(new long[] {1, 2, 3, 0, 0, 4, 5, 6, 7, 8}, 2, 5), new int[] {3, 5}, starts));
    }

    /** The reward head at each position of one unpadded row, in float64: bias + weight . hidden. */
    private static double[] headAt(RewardModel rm, long[] row) {
        long[] pos = new long[row.length];
        for (int i = 0; i < row.length; i++) pos[i] = i;
        float[] hidden = values(rm.trunk.hidden(Tensor.create(row, 1, row.length), Tensor.create(pos, 1, row.length), null, null));
        float[] w = values(rm.head.weight());
        double[] out = new double[row.length];
        for (int t = 0; t < row.length; t++) {
            out[t] = values(rm.head.bias())[0];
            for (int j = 0; j < TINY.width(); j++) out[t] += (double) w[j] * hidden[t * TINY.width() + j];
        }
        return out;
    }

    /** The loss falls when overfitting one tiny batch. */
    @Test
    void overfitsATinyBatch() {
        torch.manual_seed(1);
        Gpt m = new Gpt(TINY);
        m.train(true);
        long[] seq = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2};
        Tensor x = Tensor.create(java.util.Arrays.copyOf(seq, 11), 1, 11);
        Tensor y = Tensor.create(java.util.Arrays.copyOfRange(seq, 1, 12), 11);
        var params = new org.bytedeco.pytorch.TensorVector();
        for (Tensor p : m.namedParameters().values()) params.push_back(p);
        var opt = new AdamW(params, new AdamWOptions(1e-2));
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            opt.zero_grad();
            Tensor loss = torch.cross_entropy(m.forward(x).view(11, TINY.vocab()), y);
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item_float();
            last = loss.item_float();
        }
        assertTrue(last < 0.2 * first, "loss " + first + " -> " + last);
    }

    /** Where the models run: the setting read against what LibTorch sees; here, with no GPU, the CPU. */
    @Test
    void deviceSettings() {
        assertEquals(false, org.gendiv.core.model.Devices.wantsCuda("auto", false));
        assertEquals(true, org.gendiv.core.model.Devices.wantsCuda("auto", true));
        assertEquals("cuda", org.gendiv.core.model.Devices.cudaDevice(null, null));
        assertEquals("cuda", org.gendiv.core.model.Devices.cudaDevice("1", "0"));
        assertEquals("cuda:3", org.gendiv.core.model.Devices.cudaDevice("8", "3"));
        assertEquals(false, org.gendiv.core.model.Devices.wantsCuda("CPU", true));
        var e = assertThrows(IllegalArgumentException.class, () -> org.gendiv.core.model.Devices.wantsCuda("cuda", false));
        assertTrue(e.getMessage().contains("LibTorch sees no CUDA device"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> org.gendiv.core.model.Devices.wantsCuda("tpu", true));
        if (!org.bytedeco.pytorch.global.torch.cuda_is_available()) {
            assertEquals(false, org.gendiv.core.model.Devices.cuda());
            assertTrue(model(1).namedParameters().get("wte.weight").is_cpu());
        }
    }

    /**
     * The FLOP count of a forward pass against the GPT-2 formula worked by hand: per token and
     * layer 12 d^2 weights (c_attn 3 d^2, c_proj d^2, c_fc and the MLP's c_proj 4 d^2 each) and
     * attention's 2 T d multiply-adds per query (scores and weighted sum), then the LM head's d V;
     * 2 FLOPs a multiply-add, and three times that with gradients on (forward plus backward).
     */
    @Test
    void flopsCountTheForwardPassAsTheFormulaDoes() {
        Gpt m = model(3);
        long b = 3, t = 7, d = TINY.width(), v = TINY.vocab(), layers = TINY.layers();
        long expected = 2 * b * t * (layers * (12 * d * d + 2 * t * d) + d * v);
        Tensor tokens = torch.randint(v, new long[] {b, t});
        long before = Flops.total();
        try (var g = new NoGradGuard()) {
            m.forward(tokens);
        }
        assertEquals(expected, Flops.total() - before, "a no-grad forward");
        before = Flops.total();
        m.forward(tokens).sum().backward();
        assertEquals(3 * expected, Flops.total() - before, "a forward whose backward follows");
    }
}
