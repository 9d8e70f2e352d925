package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.train.AdamW;
import org.gendiv.core.train.OptimConfig;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPT and LLaMA-family checkpoints in Hugging Face's exact names and layouts, written here with
 * random weights (F32, F16 or BF16), loaded by gendiv and checked against an independent float64
 * forward pass of the same stored values; then the model invariants (KV cache, left padding) for
 * each family, and freezing.
 */
public class FamiliesTest {
    @TempDir
    Path dir;

    static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6, 5};

    // ---- checkpoint writing, with the dtypes real checkpoints use ---------------------------

    /** Rounds to the dtype's precision and back, so the reference sees exactly what is stored. */
    static float roundTo(String dtype, float x) {
        return switch (dtype) {
            case "F32" -> x;
            case "F16" -> Float.float16ToFloat(Float.floatToFloat16(x));
            case "BF16" -> Float.intBitsToFloat(bf16(x) << 16);
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    static int bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;  // round to nearest even
    }

    /** A safetensors file written by hand (not by gendiv's writer), in the given dtype. */
    static void writeSafetensors(Path file, Map<String, long[]> shapes, Map<String, float[]> values, String dtype)
            throws IOException {
        int size = dtype.equals("F32") ? 4 : 2;
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (var e : shapes.entrySet()) {
            long n = values.get(e.getKey()).length * (long) size;
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":")
                    .append(Arrays.toString(e.getValue()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + n).append("]}");
            offset += n;
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (String name : shapes.keySet())
            for (float v : values.get(name))
                switch (dtype) {
                    case "F32" -> buf.putFloat(v);
                    case "F16" -> buf.putShort(Float.floatToFloat16(v));
                    default -> buf.putShort((short) bf16(v));
                }
        Files.createDirectories(file.getParent());
        Files.write(file, buf.array());
    }

    /** Random weights for the shapes (norm gains near 1), rounded to the dtype, written under prefix + name. */
    public static Map<String, float[]> writeCheckpoint(Path dir, String configJson, Map<String, long[]> shapes, String prefix,
            String dtype, long seed) throws IOException {
        var rng = new SplittableRandom(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        Map<String, long[]> stored = new LinkedHashMap<>();
        Map<String, float[]> storedValues = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            boolean gain = name.contains("norm") && name.endsWith("weight");
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = roundTo(dtype, (float) (gain ? 1 + 0.1 * rng.nextGaussian() : 0.3 * rng.nextGaussian()));
            w.put(name, v);
            String s = name.startsWith("lm_head") || name.startsWith("classifier") ? name : prefix + name;  // heads sit outside the base model
            stored.put(s, shape);
            storedValues.put(s, v);
        });
        writeSafetensors(dir.resolve("model.safetensors"), stored, storedValues, dtype);
        Files.writeString(dir.resolve("config.json"), configJson);
        return w;
    }

    // ---- the float64 reference ----------------------------------------------------------------

    static double[] linear(double[] x, float[] w, float[] b, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b == null ? 0 : b[o];
            for (int i = 0; i < x.length; i++) s += w[o * x.length + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    static double[] rmsNorm(double[] x, float[] g, double eps) {
        double ms = 0;
        for (double v : x) ms += v * v / x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] / Math.sqrt(ms + eps) * g[i];
        return y;
    }

    static double[] add(double[] a, double[] b) {
        double[] y = a.clone();
        for (int i = 0; i < y.length; i++) y[i] += b[i];
        return y;
    }

    /** Causal multi-head attention; query head h reads key/value head h / (heads / kvHeads). */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int hd) {
        int t = q.length;
        double[][] y = new double[t][heads * hd];
        for (int i = 0; i < t; i++)
            for (int h = 0; h < heads; h++) {
                int kh = h / (heads / kvHeads);
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j <= i; j++) {
                    for (int e = 0; e < hd; e++) s[j] += q[i][h * hd + e] * k[j][kh * hd + e] / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
                for (int j = 0; j <= i; j++)
                    for (int e = 0; e < hd; e++) y[i][h * hd + e] += s[j] / sum * v[j][kh * hd + e];
            }
        return y;
    }

    public record Opt(int vocab, int context, int width, int heads, int ffn, int layers, int proj, boolean preNorm) {
        public String json() {
            return String.format("{\"model_type\": \"opt\", \"vocab_size\": %d, \"max_position_embeddings\": %d, "
                    + "\"hidden_size\": %d, \"num_attention_heads\": %d, \"ffn_dim\": %d, \"num_hidden_layers\": %d, "
                    + "\"word_embed_proj_dim\": %d, \"do_layer_norm_before\": %b, \"activation_function\": \"relu\", "
                    + "\"enable_bias\": true, \"torch_dtype\": \"float16\"}", vocab, context, width, heads, ffn, layers, proj, preNorm);
        }

        public Map<String, long[]> shapes() {
            Map<String, long[]> s = new LinkedHashMap<>();
            String p = "decoder.";
            s.put(p + "embed_tokens.weight", new long[] {vocab, proj});
            s.put(p + "embed_positions.weight", new long[] {context + 2, width});
            if (proj != width) {
                s.put(p + "project_in.weight", new long[] {width, proj});
                s.put(p + "project_out.weight", new long[] {proj, width});
            }
            for (int l = 0; l < layers; l++) {
                String b = p + "layers." + l + ".";
                for (String m : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                    s.put(b + "self_attn." + m + ".weight", new long[] {width, width});
                    s.put(b + "self_attn." + m + ".bias", new long[] {width});
                }
                s.put(b + "self_attn_layer_norm.weight", new long[] {width});
                s.put(b + "self_attn_layer_norm.bias", new long[] {width});
                s.put(b + "fc1.weight", new long[] {ffn, width});
                s.put(b + "fc1.bias", new long[] {ffn});
                s.put(b + "fc2.weight", new long[] {width, ffn});
                s.put(b + "fc2.bias", new long[] {width});
                s.put(b + "final_layer_norm.weight", new long[] {width});
                s.put(b + "final_layer_norm.bias", new long[] {width});
            }
            if (preNorm) {
                s.put(p + "final_layer_norm.weight", new long[] {width});
                s.put(p + "final_layer_norm.bias", new long[] {width});
            }
            return s;
        }

        double[][] reference(Map<String, float[]> w, int[] tokens) {
            int t = tokens.length, hd = width / heads;
            String p = "decoder.";
            double[][] x = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] e = new double[proj];
                for (int j = 0; j < proj; j++) e[j] = w.get(p + "embed_tokens.weight")[tokens[i] * proj + j];
                if (proj != width) e = linear(e, w.get(p + "project_in.weight"), null, width);
                for (int j = 0; j < width; j++) e[j] += w.get(p + "embed_positions.weight")[(i + 2) * width + j];
                x[i] = e;
            }
            for (int l = 0; l < layers; l++) {
                String b = p + "layers." + l + ".";
                double[][] q = new double[t][], k = new double[t][], v = new double[t][];
                for (int i = 0; i < t; i++) {
                    double[] h = preNorm ? ModelTest.layerNorm(x[i], w.get(b + "self_attn_layer_norm.weight"), w.get(b + "self_attn_layer_norm.bias")) : x[i];
                    q[i] = linear(h, w.get(b + "self_attn.q_proj.weight"), w.get(b + "self_attn.q_proj.bias"), width);
                    k[i] = linear(h, w.get(b + "self_attn.k_proj.weight"), w.get(b + "self_attn.k_proj.bias"), width);
                    v[i] = linear(h, w.get(b + "self_attn.v_proj.weight"), w.get(b + "self_attn.v_proj.bias"), width);
                }
                double[][] y = attention(q, k, v, heads, heads, hd);
                for (int i = 0; i < t; i++) {
                    x[i] = add(x[i], linear(y[i], w.get(b + "self_attn.out_proj.weight"), w.get(b + "self_attn.out_proj.bias"), width));
                    if (!preNorm) x[i] = ModelTest.layerNorm(x[i], w.get(b + "self_attn_layer_norm.weight"), w.get(b + "self_attn_layer_norm.bias"));
                    double[] h = preNorm ? ModelTest.layerNorm(x[i], w.get(b + "final_layer_norm.weight"), w.get(b + "final_layer_norm.bias")) : x[i];
                    double[] f = linear(h, w.get(b + "fc1.weight"), w.get(b + "fc1.bias"), ffn);
                    for (int j = 0; j < ffn; j++) f[j] = Math.max(0, f[j]);
                    x[i] = add(x[i], linear(f, w.get(b + "fc2.weight"), w.get(b + "fc2.bias"), width));
                    if (!preNorm) x[i] = ModelTest.layerNorm(x[i], w.get(b + "final_layer_norm.weight"), w.get(b + "final_layer_norm.bias"));
                }
            }
            double[][] logits = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] h = preNorm ? ModelTest.layerNorm(x[i], w.get(p + "final_layer_norm.weight"), w.get(p + "final_layer_norm.bias")) : x[i];
                if (proj != width) h = linear(h, w.get(p + "project_out.weight"), null, proj);
                logits[i] = linear(h, w.get(p + "embed_tokens.weight"), null, vocab);
            }
            return logits;
        }
    }

    public record Llama(String type, int vocab, int context, int width, int heads, int kvHeads, int ffn, int layers,
            boolean tied, boolean bias, double theta, double eps) {
        public String json() {
            return String.format(java.util.Locale.ROOT, "{\"model_type\": \"%s\", \"vocab_size\": %d, \"max_position_embeddings\": %d, "
                    + "\"hidden_size\": %d, \"num_attention_heads\": %d, \"num_key_value_heads\": %d, \"intermediate_size\": %d, "
                    + "\"num_hidden_layers\": %d, \"tie_word_embeddings\": %b, \"rope_theta\": %s, \"rms_norm_eps\": %s, "
                    + "\"hidden_act\": \"silu\", \"rope_scaling\": null}", type, vocab, context, width, heads, kvHeads, ffn, layers, tied,
                    theta, eps);
        }

        public Map<String, long[]> shapes() {
            Map<String, long[]> s = new LinkedHashMap<>();
            int kvw = kvHeads * (width / heads);
            s.put("embed_tokens.weight", new long[] {vocab, width});
            for (int l = 0; l < layers; l++) {
                String b = "layers." + l + ".";
                s.put(b + "input_layernorm.weight", new long[] {width});
                s.put(b + "self_attn.q_proj.weight", new long[] {width, width});
                s.put(b + "self_attn.k_proj.weight", new long[] {kvw, width});
                s.put(b + "self_attn.v_proj.weight", new long[] {kvw, width});
                if (bias) {
                    s.put(b + "self_attn.q_proj.bias", new long[] {width});
                    s.put(b + "self_attn.k_proj.bias", new long[] {kvw});
                    s.put(b + "self_attn.v_proj.bias", new long[] {kvw});
                }
                s.put(b + "self_attn.o_proj.weight", new long[] {width, width});
                s.put(b + "post_attention_layernorm.weight", new long[] {width});
                s.put(b + "mlp.gate_proj.weight", new long[] {ffn, width});
                s.put(b + "mlp.up_proj.weight", new long[] {ffn, width});
                s.put(b + "mlp.down_proj.weight", new long[] {width, ffn});
            }
            s.put("norm.weight", new long[] {width});
            if (!tied) s.put("lm_head.weight", new long[] {vocab, width});
            return s;
        }

        /** Rotary embedding of one head's vector at a position: pairs (j, j + hd/2) rotated by pos * theta^(-2j/hd). */
        double[] rope(double[] x, int off, int hd, int pos) {
            double[] y = x.clone();
            for (int j = 0; j < hd / 2; j++) {
                double a = pos * Math.pow(theta, -2.0 * j / hd), c = Math.cos(a), s = Math.sin(a);
                double x1 = x[off + j], x2 = x[off + j + hd / 2];
                y[off + j] = x1 * c - x2 * s;
                y[off + j + hd / 2] = x2 * c + x1 * s;
            }
            return y;
        }

        double[][] reference(Map<String, float[]> w, int[] tokens) {
            int t = tokens.length, hd = width / heads, kvw = kvHeads * hd;
            double[][] x = new double[t][width];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < width; j++) x[i][j] = w.get("embed_tokens.weight")[tokens[i] * width + j];
            for (int l = 0; l < layers; l++) {
                String b = "layers." + l + ".";
                double[][] q = new double[t][], k = new double[t][], v = new double[t][];
                for (int i = 0; i < t; i++) {
                    double[] h = rmsNorm(x[i], w.get(b + "input_layernorm.weight"), eps);
                    q[i] = linear(h, w.get(b + "self_attn.q_proj.weight"), w.get(b + "self_attn.q_proj.bias"), width);
                    k[i] = linear(h, w.get(b + "self_attn.k_proj.weight"), w.get(b + "self_attn.k_proj.bias"), kvw);
                    v[i] = linear(h, w.get(b + "self_attn.v_proj.weight"), w.get(b + "self_attn.v_proj.bias"), kvw);
                    for (int hh = 0; hh < heads; hh++) q[i] = rope(q[i], hh * hd, hd, i);
                    for (int hh = 0; hh < kvHeads; hh++) k[i] = rope(k[i], hh * hd, hd, i);
                }
                double[][] y = attention(q, k, v, heads, kvHeads, hd);
                for (int i = 0; i < t; i++) {
                    x[i] = add(x[i], linear(y[i], w.get(b + "self_attn.o_proj.weight"), null, width));
                    double[] h = rmsNorm(x[i], w.get(b + "post_attention_layernorm.weight"), eps);
                    double[] g = linear(h, w.get(b + "mlp.gate_proj.weight"), null, ffn), u = linear(h, w.get(b + "mlp.up_proj.weight"), null, ffn);
                    for (int j = 0; j < ffn; j++) g[j] = g[j] / (1 + Math.exp(-g[j])) * u[j];
                    x[i] = add(x[i], linear(g, w.get(b + "mlp.down_proj.weight"), null, width));
                }
            }
            double[][] logits = new double[t][];
            for (int i = 0; i < t; i++)
                logits[i] = linear(rmsNorm(x[i], w.get("norm.weight"), eps), w.get(tied ? "embed_tokens.weight" : "lm_head.weight"), null, vocab);
            return logits;
        }
    }

    static void assertLogits(double[][] want, Gpt m, int vocab) {
        m.eval();
        long[] t = new long[TOKENS.length];
        for (int i = 0; i < t.length; i++) t[i] = TOKENS[i];
        float[] got;
        try (var g = new NoGradGuard()) {
            got = ModelTest.values(m.forward(Tensor.create(t, 1, t.length)));
        }
        for (int i = 0; i < TOKENS.length; i++)
            for (int o = 0; o < vocab; o++)
                assertEquals(want[i][o], got[i * vocab + o], 2e-4 + 2e-4 * Math.abs(want[i][o]), "logit " + i + "," + o);
    }

    // ---- logits against the reference -------------------------------------------------------

    static final Opt OPT = new Opt(13, 16, 8, 2, 20, 2, 8, true);
    static final Opt OPT_350M_STYLE = new Opt(13, 16, 8, 2, 20, 2, 6, false);
    static final Llama LLAMA = new Llama("llama", 13, 16, 16, 4, 2, 24, 2, false, false, 10000, 1e-6);
    static final Llama QWEN2 = new Llama("qwen2", 13, 16, 8, 2, 1, 12, 2, true, true, 1e6, 1e-5);

    @Test
    void optMatchesAFloat64ForwardPass() throws IOException {
        Map<String, float[]> w = writeCheckpoint(dir.resolve("opt"), OPT.json(), OPT.shapes(), "model.", "F32", 1);
        Gpt m = GptCheckpoint.load(dir.resolve("opt"));
        assertEquals("opt", m.config.arch().modelType());
        assertLogits(OPT.reference(w, TOKENS), m, OPT.vocab());
    }

    /** OPT-350m's shape: LayerNorm after each sub-layer, embeddings narrower than the model (project_in/out); bf16 weights, base-model names. */
    @Test
    void postNormOptWithProjectionsInBf16() throws IOException {
        Map<String, float[]> w = writeCheckpoint(dir.resolve("opt350"), OPT_350M_STYLE.json(), OPT_350M_STYLE.shapes(), "", "BF16", 2);
        assertLogits(OPT_350M_STYLE.reference(w, TOKENS), GptCheckpoint.load(dir.resolve("opt350")), OPT_350M_STYLE.vocab());
    }

    @Test
    void llamaWithGroupedQueryAttentionMatches() throws IOException {
        Map<String, float[]> w = writeCheckpoint(dir.resolve("llama"), LLAMA.json(), LLAMA.shapes(), "model.", "F32", 3);
        Gpt m = GptCheckpoint.load(dir.resolve("llama"));
        assertEquals(2, m.config.arch().kvHeads());
        assertLogits(LLAMA.reference(w, TOKENS), m, LLAMA.vocab());
        torch.manual_seed(24);
        ModelTest.packedMatchesUnpacked(new RewardModel(m, RewardModel.Pooling.MEAN));  // rotary positions restart per response
    }

    /** Qwen2's variant: biases on Q, K, V, a tied head, another rope theta; fp16 weights. */
    @Test
    void qwen2InFp16Matches() throws IOException {
        Map<String, float[]> w = writeCheckpoint(dir.resolve("qwen2"), QWEN2.json(), QWEN2.shapes(), "model.", "F16", 4);
        assertLogits(QWEN2.reference(w, TOKENS), GptCheckpoint.load(dir.resolve("qwen2")), QWEN2.vocab());
    }

    /** Every family saves and loads back bit for bit, config included. */
    @Test
    void eachFamilyRoundTrips() throws IOException {
        writeCheckpoint(dir.resolve("a"), OPT_350M_STYLE.json(), OPT_350M_STYLE.shapes(), "model.", "F32", 5);
        writeCheckpoint(dir.resolve("b"), LLAMA.json(), LLAMA.shapes(), "model.", "F32", 6);
        for (String name : new String[] {"a", "b"}) {
            Gpt m = GptCheckpoint.load(dir.resolve(name));
            GptCheckpoint.save(m, dir.resolve(name + "-saved"));
            Gpt back = GptCheckpoint.load(dir.resolve(name + "-saved"));
            assertEquals(m.config, back.config);
            var a = m.namedParameters();
            var b = back.namedParameters();
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertArrayEquals(ModelTest.values(a.get(k)), ModelTest.values(b.get(k)), k);
        }
    }

    // ---- invariants per family ----------------------------------------------------------------

    static Gpt load(Path dir, String name, String json, Map<String, long[]> shapes, long seed) throws IOException {
        writeCheckpoint(dir.resolve(name), json, shapes, "model.", "F32", seed);
        return GptCheckpoint.load(dir.resolve(name));
    }

    /**
     * Greedy decoding with and without the KV cache, and a prompt alone or left-padded in a batch,
     * agree (rotary positions included); repeated prompts are read once and their cache copied to
     * their rows (with LLaMA's grouped-query heads).
     */
    @Test
    void cacheAndPaddingChangeNothingInEachFamily() throws IOException {
        Gpt[] models = {load(dir, "o", OPT.json(), OPT.shapes(), 7), load(dir, "l", LLAMA.json(), LLAMA.shapes(), 8)};
        for (Gpt m : models) {
            var gen = new Generator(m, Kernels.cpu());
            int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 9}, {1, 2, 3}, {4}, {1, 2, 3}};
            var p = Params.Sampling.of(0.0f, 1);
            var with = gen.generate(prompts, 6, p, -1, 0, true);
            var without = gen.generate(prompts, 6, p, -1, 0, false);
            String family = m.config.arch().modelType();
            for (int r = 0; r < prompts.length; r++) assertArrayEquals(without.tokens()[r], with.tokens()[r], family + " row " + r);
            float[] alone = ModelTest.values(gen.nextTokenLogits(new int[][] {{3, 4}}, 0));
            float[] padded = ModelTest.values(gen.nextTokenLogits(new int[][] {{1, 2, 5, 6, 7}, {3, 4}}, 0));
            for (int v = 0; v < m.config.vocab(); v++) assertEquals(alone[v], padded[m.config.vocab() + v], 1e-5, family + " token " + v);
        }
    }

    @Test
    void unknownModelTypeListsTheSupportedOnes() throws IOException {
        Files.createDirectories(dir.resolve("bert"));
        Files.writeString(dir.resolve("bert/config.json"), "{\"model_type\": \"bert\", \"vocab_size\": 10}");
        var e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(dir.resolve("bert")));
        assertTrue(e.getMessage().contains("model_type bert is not supported") && e.getMessage().contains("gpt2, llama, mistral, opt, qwen2"),
                e.getMessage());
        Files.writeString(dir.resolve("bert/config.json"), LLAMA.json().replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"longrope\"}"));
        e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(dir.resolve("bert")));
        assertTrue(e.getMessage().contains("config.json: rope_scaling.type = longrope"), e.getMessage());
        Files.writeString(dir.resolve("bert/config.json"), LLAMA.json().replace("\"hidden_size\": 16", "\"hidden_size\": \"big\""));
        e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(dir.resolve("bert")));
        assertTrue(e.getMessage().contains("key hidden_size must be an integer"), e.getMessage());
    }

    /** Freezing the bottom half: an optimizer step moves the top layers and leaves the bottom and the embeddings exactly as they were. */
    @Test
    void freezingLeavesTheBottomLayersAlone() throws IOException {
        Gpt m = load(dir, "f", LLAMA.json(), LLAMA.shapes(), 9);
        assertEquals(1, m.freezeBottom(0.5));
        Map<String, float[]> before = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> before.put(k, ModelTest.values(v)));
        var adam = new AdamW(m.namedParameters(), OptimConfig.of(1e-2).withWarmup(0));
        torch.manual_seed(1);
        Tensor logits = m.forward(Tensor.create(new long[] {1, 2, 3, 4}, 1, 4));
        logits.pow(new org.bytedeco.pytorch.Scalar(2)).mean().backward();
        adam.step(1e-2);
        m.namedParameters().forEach((k, v) -> {
            boolean frozen = k.startsWith("model.embed_tokens") || k.startsWith("model.layers.0.");
            boolean same = Arrays.equals(before.get(k), ModelTest.values(v));
            if (frozen) assertTrue(same, k + " is frozen but moved");
            else assertFalse(same, k + " should have moved");
        });
    }

    /**
     * A checkpoint larger than the heap loads: a child JVM with a 32 MB heap loads one whose
     * embedding alone is 64 MB as float32 (bf16 on disk), since tensors go from the mapped file
     * straight into LibTorch's memory.
     */
    @Test
    void aCheckpointLargerThanTheHeapLoads() throws Exception {
        var big = new Llama("llama", 16384, 16, 1024, 8, 8, 64, 1, true, false, 10000, 1e-6);
        Map<String, float[]> w = writeCheckpoint(dir.resolve("big"), big.json(), big.shapes(), "model.", "BF16", 13);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                HeapCheck.class.getName(), dir.resolve("big").toString(), "12345").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        String[] last = out.strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        float[] emb = w.get("embed_tokens.weight");
        assertEquals(emb[12345 * 1024], Float.parseFloat(last[0]), out);
        assertEquals(emb[12345 * 1024 + 1023], Float.parseFloat(last[1]), out);
        assertTrue(Long.parseLong(last[2]) < 64L << 20, "the child's heap is smaller than the embedding: " + last[2]);
    }
}
