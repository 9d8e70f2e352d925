package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.semantic.NliModel;
import org.gendiv.core.semantic.SentenceEmbedder;
import org.gendiv.diversity.NliDiversity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-backed diversity scorers on tiny BERT-family checkpoints written here: a
 * sentence-transformers BERT (mean pooling) and a RoBERTa MNLI classifier, each against an
 * independent float64 forward pass over the stored weights, with the token ids worked out by hand
 * from the tokenizer.json written here.
 */
public class EncoderTest {
    @TempDir
    Path dir;

    static final List<String> WORDS = List.of("a", "cat", "sat", "on", "the", "mat", "dog", "ran");
    static final int V = 4 + WORDS.size(), H = 8, HEADS = 2, FFN = 12, LAYERS = 2, POS = 16;

    /** A WordLevel tokenizer.json whose post-processor adds the family's special tokens: ids 0-3 are the specials. */
    public static void tokenizer(Path d, boolean roberta) throws IOException {
        String[] sp = roberta ? new String[] {"<s>", "<pad>", "</s>", "<unk>"} : new String[] {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        String cls = roberta ? sp[0] : sp[2], sep = roberta ? sp[2] : sp[3];
        int clsId = roberta ? 0 : 2, sepId = roberta ? 2 : 3;
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < 4; i++) vocab.append('"').append(sp[i]).append("\":").append(i).append(',');
        for (int i = 0; i < WORDS.size(); i++) vocab.append('"').append(WORDS.get(i)).append("\":").append(4 + i).append(i + 1 < WORDS.size() ? "," : "");
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < 4; i++)
            added.append(i > 0 ? "," : "").append("{\"id\":").append(i).append(",\"content\":\"").append(sp[i])
                    .append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
        String s = "{\"SpecialToken\":{\"id\":\"" + cls + "\",\"type_id\":0}}", e0 = "{\"SpecialToken\":{\"id\":\"" + sep + "\",\"type_id\":0}}",
                e1 = "{\"SpecialToken\":{\"id\":\"" + sep + "\",\"type_id\":" + (roberta ? 0 : 1) + "}}";
        String a = "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}", b = "{\"Sequence\":{\"id\":\"B\",\"type_id\":" + (roberta ? 0 : 1) + "}}";
        String pair = roberta ? String.join(",", s, a, e0, e1, b, e1) : String.join(",", s, a, e0, b, e1);
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added + "],\"normalizer\":null,"
                + "\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":{\"type\":\"TemplateProcessing\","
                + "\"single\":[" + String.join(",", s, a, e0) + "],\"pair\":[" + pair + "],\"special_tokens\":{"
                + "\"" + cls + "\":{\"id\":\"" + cls + "\",\"ids\":[" + clsId + "],\"tokens\":[\"" + cls + "\"]},"
                + "\"" + sep + "\":{\"id\":\"" + sep + "\",\"ids\":[" + sepId + "],\"tokens\":[\"" + sep + "\"]}}},"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"" + sp[roberta ? 3 : 1] + "\"}}";
        Files.writeString(d.resolve("tokenizer.json"), json);
    }

    public static Map<String, long[]> shapes(boolean roberta, boolean classifier) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("embeddings.word_embeddings.weight", new long[] {V, H});
        s.put("embeddings.position_embeddings.weight", new long[] {POS, H});
        s.put("embeddings.token_type_embeddings.weight", new long[] {roberta ? 1 : 2, H});
        s.put("embeddings.LayerNorm.weight", new long[] {H});
        s.put("embeddings.LayerNorm.bias", new long[] {H});
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                s.put(p + m + ".weight", new long[] {H, H});
                s.put(p + m + ".bias", new long[] {H});
            }
            s.put(p + "attention.output.LayerNorm.weight", new long[] {H});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {H});
            s.put(p + "intermediate.dense.weight", new long[] {FFN, H});
            s.put(p + "intermediate.dense.bias", new long[] {FFN});
            s.put(p + "output.dense.weight", new long[] {H, FFN});
            s.put(p + "output.dense.bias", new long[] {H});
            s.put(p + "output.LayerNorm.weight", new long[] {H});
            s.put(p + "output.LayerNorm.bias", new long[] {H});
        }
        if (classifier) {
            String dense = roberta ? "classifier.dense" : "pooler.dense", out = roberta ? "classifier.out_proj" : "classifier";
            s.put(dense + ".weight", new long[] {H, H});
            s.put(dense + ".bias", new long[] {H});
            s.put(out + ".weight", new long[] {3, H});
            s.put(out + ".bias", new long[] {3});
        }
        return s;
    }

    public static String config(boolean roberta, String extra) {
        return "{\"model_type\": \"" + (roberta ? "roberta" : "bert") + "\", \"vocab_size\": " + V + ", \"hidden_size\": " + H
                + ", \"num_hidden_layers\": " + LAYERS + ", \"num_attention_heads\": " + HEADS + ", \"intermediate_size\": " + FFN
                + ", \"max_position_embeddings\": " + POS + ", \"type_vocab_size\": " + (roberta ? 1 : 2) + ", \"layer_norm_eps\": 1e-5"
                + (roberta ? ", \"pad_token_id\": 1" : "") + extra + "}";
    }

    // ---- float64 reference ----------------------------------------------------------------------

    /** erf by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7). */
    static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return Math.signum(x) * y;
    }

    /** Hidden states of one unpadded sequence. */
    static double[][] hidden(Map<String, float[]> w, int[] ids, int[] types, int posOffset) {
        int t = ids.length, hd = H / HEADS;
        double[][] x = new double[t][H];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < H; j++)
                x[i][j] = w.get("embeddings.word_embeddings.weight")[ids[i] * H + j] + w.get("embeddings.position_embeddings.weight")[(i + posOffset) * H + j]
                        + w.get("embeddings.token_type_embeddings.weight")[types[i] * H + j];
            x[i] = ModelTest.layerNorm(x[i], w.get("embeddings.LayerNorm.weight"), w.get("embeddings.LayerNorm.bias"));
        }
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int i = 0; i < t; i++) {
                q[i] = FamiliesTest.linear(x[i], w.get(p + "attention.self.query.weight"), w.get(p + "attention.self.query.bias"), H);
                k[i] = FamiliesTest.linear(x[i], w.get(p + "attention.self.key.weight"), w.get(p + "attention.self.key.bias"), H);
                v[i] = FamiliesTest.linear(x[i], w.get(p + "attention.self.value.weight"), w.get(p + "attention.self.value.bias"), H);
            }
            double[][] nx = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] y = new double[H];
                for (int h = 0; h < HEADS; h++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < t; j++) {  // bidirectional
                        for (int e = 0; e < hd; e++) s[j] += q[i][h * hd + e] * k[j][h * hd + e] / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    for (int j = 0; j < t; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j < t; j++) for (int e = 0; e < hd; e++) y[h * hd + e] += s[j] / sum * v[j][h * hd + e];
                }
                double[] a = FamiliesTest.add(x[i], FamiliesTest.linear(y, w.get(p + "attention.output.dense.weight"), w.get(p + "attention.output.dense.bias"), H));
                a = ModelTest.layerNorm(a, w.get(p + "attention.output.LayerNorm.weight"), w.get(p + "attention.output.LayerNorm.bias"));
                double[] f = FamiliesTest.linear(a, w.get(p + "intermediate.dense.weight"), w.get(p + "intermediate.dense.bias"), FFN);
                for (int j = 0; j < FFN; j++) f[j] = 0.5 * f[j] * (1 + erf(f[j] / Math.sqrt(2)));
                nx[i] = ModelTest.layerNorm(FamiliesTest.add(a, FamiliesTest.linear(f, w.get(p + "output.dense.weight"), w.get(p + "output.dense.bias"), H)),
                        w.get(p + "output.LayerNorm.weight"), w.get(p + "output.LayerNorm.bias"));
            }
            x = nx;
        }
        return x;
    }

    static int[] ids(String words, int cls, int sep) {
        List<Integer> out = new ArrayList<>(List.of(cls));
        for (String s : words.split(" ")) out.add(4 + WORDS.indexOf(s));
        out.add(sep);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public static Path sentenceTransformer(Path d) throws IOException {
        Files.createDirectories(d.resolve("1_Pooling"));
        Files.writeString(d.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 8, \"pooling_mode_mean_tokens\": true}");
        tokenizer(d, false);
        return d;
    }

    @Test
    void sentenceEmbeddingsAreMeanPooledBert() throws IOException {
        Path d = sentenceTransformer(dir.resolve("st"));
        Map<String, float[]> w = FamiliesTest.writeCheckpoint(d, config(false, ""), shapes(false, false), "bert.", "F32", 11);
        List<String> texts = List.of("the cat sat on a mat", "a dog ran", "cat");
        double[][] want = new double[texts.size()][H];
        for (int s = 0; s < texts.size(); s++) {
            int[] ids = ids(texts.get(s), 2, 3);
            double[][] h = hidden(w, ids, new int[ids.length], 0);
            for (double[] row : h) for (int j = 0; j < H; j++) want[s][j] += row[j] / ids.length;
        }
        try (SentenceEmbedder e = new SentenceEmbedder(d, 2)) {  // batches of 2: padding in the first
            float[][] got = e.embed(texts);
            for (int s = 0; s < texts.size(); s++)
                for (int j = 0; j < H; j++) assertEquals(want[s][j], got[s][j], 1e-4, texts.get(s) + " dim " + j);
            double cos = 0, na = 0, nb = 0;
            for (int j = 0; j < H; j++) {
                cos += want[0][j] * want[1][j];
                na += want[0][j] * want[0][j];
                nb += want[1][j] * want[1][j];
            }
            assertEquals(1 - cos / Math.sqrt(na * nb), e.diversity(texts.subList(0, 2)), 1e-4);
        }
        Files.writeString(d.resolve("1_Pooling/config.json"), "{\"pooling_mode_cls_token\": true}");
        var err = assertThrows(Safetensors.BadCheckpoint.class, () -> new SentenceEmbedder(d, 2));
        assertTrue(err.getMessage().contains("only mean pooling"), err.getMessage());
    }

    @Test
    void nliIsARobertaClassifierOverThePair() throws IOException {
        Path d = dir.resolve("nli");
        Files.createDirectories(d);
        tokenizer(d, true);
        Map<String, float[]> w = FamiliesTest.writeCheckpoint(d, config(true,
                ", \"id2label\": {\"0\": \"CONTRADICTION\", \"1\": \"NEUTRAL\", \"2\": \"ENTAILMENT\"}"), shapes(true, true), "roberta.", "F32", 12);
        String premise = "the cat sat on a mat", hypothesis = "a cat sat";
        int[] p = ids(premise, 0, 2), h = ids(hypothesis, 0, 2);
        int[] pair = new int[p.length + h.length];  // <s> p </s> </s> h </s>
        System.arraycopy(p, 0, pair, 0, p.length);
        h[0] = 2;
        System.arraycopy(h, 0, pair, p.length, h.length);
        double[] first = hidden(w, pair, new int[pair.length], 2)[0];
        double[] pooled = FamiliesTest.linear(first, w.get("classifier.dense.weight"), w.get("classifier.dense.bias"), H);
        for (int j = 0; j < H; j++) pooled[j] = Math.tanh(pooled[j]);
        double[] logits = FamiliesTest.linear(pooled, w.get("classifier.out_proj.weight"), w.get("classifier.out_proj.bias"), 3);
        double max = Math.max(logits[0], Math.max(logits[1], logits[2])), sum = 0;
        for (int i = 0; i < 3; i++) sum += logits[i] = Math.exp(logits[i] - max);
        try (NliModel nli = new NliModel(d)) {
            NliDiversity.Probabilities got = nli.score(premise, hypothesis);
            assertEquals(logits[2] / sum, got.entailment(), 1e-4);
            assertEquals(logits[1] / sum, got.neutral(), 1e-4);
            assertEquals(logits[0] / sum, got.contradiction(), 1e-4);
            List<String> set = List.of(premise, hypothesis, "the dog ran", "a mat");
            double oneByOne = NliDiversity.of(set, nli);
            assertEquals(oneByOne, nli.diversity(set, 5), 1e-6, "batched pairs score as single ones");
            assertTrue(oneByOne >= -2 && oneByOne <= 2, "NLI diversity (a pair scores in [-2, 2]) " + oneByOne);
        }
        Files.writeString(d.resolve("config.json"), config(true, ", \"id2label\": {\"0\": \"yes\", \"1\": \"no\", \"2\": \"maybe\"}"));
        var err = assertThrows(Safetensors.BadCheckpoint.class, () -> new NliModel(d));
        assertTrue(err.getMessage().contains("id2label has no entailment"), err.getMessage());
    }
}
