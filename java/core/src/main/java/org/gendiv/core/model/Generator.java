package org.gendiv.core.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.IntBuffer;
import java.util.Arrays;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.data.Distinct;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * Batched generation: prompts of different lengths are left-padded (positions count from each
 * prompt's first real token; padding is masked out of attention), decoding is KV-cached, and
 * every token is drawn by gendiv's sampling kernel (row id = the prompt's index in the batch,
 * step = the decoding step, so a prompt's samples do not depend on the batch). A row stops at
 * EOS; all stop at maxNewTokens. With the cache, a prompt that several rows share (K samples of
 * one input) is read once: the first pass runs over the distinct prompts, and its keys, values
 * and logits are copied to every row that shares them. {@link #droppingStoppedRows} makes a
 * generator whose rows leave the batch once a quarter of it has stopped (their cache rows
 * dropped), so a batch of short answers does not run every step over the rows that finished. A
 * row's random stream does not depend on the batch, so it draws the same tokens as here, and
 * their log-probs to float rounding (a smaller batch's matrix products may round differently:
 * ModelTest), unless a draw lands within that rounding of a boundary between two tokens: for
 * evaluation and inference, not for training, whose results the last bits move.
 */
public final class Generator {
    private final Gpt model;
    private final Kernels kernels;
    private final boolean dropStopped;

    public Generator(Gpt model, Kernels kernels) {
        this(model, kernels, false);
    }

    private Generator(Gpt model, Kernels kernels, boolean dropStopped) {
        this.model = model;
        this.kernels = kernels;
        this.dropStopped = dropStopped;
    }

    /** A generator whose rows that stopped leave the batch (above); the constructor's keeps every row to the last step. */
    public static Generator droppingStoppedRows(Gpt model, Kernels kernels) {
        return new Generator(model, kernels, true);
    }

    /** The sampler found no finite logit in a row: the model's output is not a distribution. */
    public static final class NoFiniteLogit extends IllegalArgumentException {
        NoFiniteLogit(String message) {
            super(message);
        }
    }

    /** Per prompt: the generated tokens (EOS included when drawn), their log-probs, and the mask (all ones). */
    public record Result(int[][] tokens, float[][] logprobs) {}

    public Result generate(int[][] prompts, int maxNewTokens, Params.Sampling sampling, int eosId, int padId,
            boolean useCache) {
        return generate(prompts, maxNewTokens, sampling, eosId, padId, useCache, 0);
    }

    /**
     * As above, the rows' random streams numbered from firstRow: a shard of a larger batch (one
     * rank's rows of a data-parallel step) draws what those rows draw in the whole batch.
     */
    public Result generate(int[][] prompts, int maxNewTokens, Params.Sampling sampling, int eosId, int padId,
            boolean useCache, long firstRow) {
        int b = prompts.length, longest = 0;
        if (b == 0) throw new IllegalArgumentException("prompts must not be empty");
        for (int[] p : prompts) {
            if (p.length == 0) throw new IllegalArgumentException("every prompt needs at least one token");
            longest = Math.max(longest, p.length);
        }
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        if (longest + maxNewTokens > model.config.context())
            throw new IllegalArgumentException("longest prompt (" + longest + ") + maxNewTokens (" + maxNewTokens
                    + ") exceeds the context (" + model.config.context() + ")");
        int total = longest + maxNewTokens;
        Layout lay = leftPad(prompts, longest, total, padId);
        long[] tokens = lay.tokens, position = lay.position;
        boolean[] valid = lay.valid;
        int[] length = new int[b];
        boolean[] done = new boolean[b];
        int[][] out = new int[b][maxNewTokens];
        float[][] lps = new float[b][maxNewTokens];
        boolean wasTraining = model.is_training();
        if (wasTraining) model.eval();  // only then: batches sampled side by side share the module (BatchWorkers)
        try (var noGrad = new NoGradGuard(); Arena arena = Arena.ofConfined();
                KvCache cache = useCache ? new KvCache(model.config.layers(), total) : null) {
            MemorySegment rowIds = arena.allocate(8L * b), tok = arena.allocate(4L * b), lp = arena.allocate(4L * b);
            int[] live = new int[b];  // the batch's rows still decoding, in order: live[i] is the original row of row i
            int n = b;
            for (int r = 0; r < b; r++) live[r] = r;
            for (int r = 0; r < b; r++) rowIds.setAtIndex(ValueLayout.JAVA_LONG, r, firstRow + r);
            // a prompt repeated in the batch (K samples of one input) is read once, its cache copied to each row
            Distinct<int[]> distinct = useCache ? Distinct.of(Arrays.asList(prompts), IntBuffer::wrap) : null;
            for (int step = 0; step < maxNewTokens; step++) {
                int end = longest + step;                       // tokens [0, end) are known
                int start = useCache && step > 0 ? end - 1 : 0;  // what this forward pass feeds
                try (PointerScope scope = new PointerScope()) {  // frees the step's temporaries now, not at GC
                    Tensor last;
                    if (step == 0 && distinct != null && distinct.repeats()) {
                        int[][] unique = distinct.items().toArray(int[][]::new);
                        Layout u = leftPad(unique, longest, total, padId);
                        int k = unique.length;
                        int[] each = identity(k);
                        Tensor hidden = model.hidden(slice(u.tokens, each, k, total, 0, end), slice(u.position, each, k, total, 0, end),
                                mask(u.valid, each, k, total, 0, end), cache);
                        Tensor rows = Devices.to(Tensor.create(Arrays.stream(distinct.of()).asLongStream().toArray(), b));
                        cache.selectRows(rows);
                        last = model.lmHead(hidden.select(1, end - 1)).index_select(0, rows);  // the head on the last position alone
                    } else {
                        Tensor hidden = model.hidden(slice(tokens, live, n, total, start, end),
                                slice(position, live, n, total, start, end), mask(valid, live, n, total, start, end), cache);
                        last = model.lmHead(hidden.select(1, end - start - 1));
                    }
                    last = Devices.cpu(last).contiguous();  // the sampling kernel reads host memory
                    kernels.sampling().sample(Tensors.segment(last), Dtype.F32, n, model.config.vocab(), model.config.vocab(), rowIds,
                            sampling.withStep(step), tok, lp, null);
                }
                int stopped = 0;
                for (int i = 0; i < n; i++) {
                    int r = live[i], at = r * total + end;
                    if (done[r]) {  // stopped at an earlier step, not yet out of the batch
                        stopped++;
                        continue;
                    }
                    int t = tok.getAtIndex(ValueLayout.JAVA_INT, i);
                    if (t < 0)
                        throw new NoFiniteLogit("the model's next-token logits for prompt " + r + " have no finite value at step "
                                + step + " (NaN or infinite weights: a diverged model?)");
                    out[r][length[r]] = t;
                    lps[r][length[r]] = lp.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    length[r]++;
                    tokens[at] = t;
                    valid[at] = true;
                    position[at] = prompts[r].length + step;
                    if (t == eosId) {
                        done[r] = true;
                        stopped++;
                    }
                }
                if (stopped == n) break;
                // rows that stopped leave once they are a quarter of the batch (or at once without a cache, which holds no rows)
                if (dropStopped && stopped > 0 && (cache == null || 4 * stopped >= n)) {
                    int kept = 0;
                    long[] keep = new long[n - stopped];
                    for (int i = 0; i < n; i++)
                        if (!done[live[i]]) {
                            keep[kept] = i;
                            rowIds.setAtIndex(ValueLayout.JAVA_LONG, kept, firstRow + live[i]);
                            live[kept++] = live[i];
                        }
                    n = kept;
                    if (cache != null)
                        try (PointerScope scope = new PointerScope()) {
                            cache.selectRows(Devices.to(Tensor.create(keep, keep.length)));
                        }
                }
            }
        } finally {
            if (wasTraining) model.train(true);
        }
        for (int r = 0; r < b; r++) {
            out[r] = Arrays.copyOf(out[r], length[r]);
            lps[r] = Arrays.copyOf(lps[r], length[r]);
        }
        return new Result(out, lps);
    }

    /** Logits of the next token after each (left-padded) prompt: [B, vocab]. */
    public Tensor nextTokenLogits(int[][] prompts, int padId) {
        int b = prompts.length, longest = 0;
        for (int[] p : prompts) longest = Math.max(longest, p.length);
        Layout lay = leftPad(prompts, longest, longest, padId);
        try (var noGrad = new NoGradGuard()) {
            int[] rows = identity(b);
            return model.forward(slice(lay.tokens, rows, b, longest, 0, longest), slice(lay.position, rows, b, longest, 0, longest),
                    mask(lay.valid, rows, b, longest, 0, longest), null).select(1, longest - 1).contiguous();
        }
    }

    /** Rows of width total: each prompt right-aligned at column longest, padding before it. */
    private record Layout(long[] tokens, boolean[] valid, long[] position) {}

    private static Layout leftPad(int[][] prompts, int longest, int total, int padId) {
        int b = prompts.length;
        long[] tokens = new long[b * total], position = new long[b * total];
        boolean[] valid = new boolean[b * total];
        Arrays.fill(tokens, padId);
        for (int r = 0; r < b; r++) {
            int off = longest - prompts[r].length;
            for (int i = 0; i < prompts[r].length; i++) {
                tokens[r * total + off + i] = prompts[r][i];
                valid[r * total + off + i] = true;
                position[r * total + off + i] = i;
            }
        }
        return new Layout(tokens, valid, position);
    }

    private static int[] identity(int n) {
        int[] rows = new int[n];
        for (int r = 0; r < n; r++) rows[r] = r;
        return rows;
    }

    /** Columns [start, end) of the first n of the given rows of a (rows of width total): [n, end - start]. */
    private static Tensor slice(long[] a, int[] rows, int n, int total, int start, int end) {
        long[] s = new long[n * (end - start)];
        for (int i = 0; i < n; i++) System.arraycopy(a, rows[i] * total + start, s, i * (end - start), end - start);
        return Tensor.create(s, n, end - start);
    }

    /**
     * Attention mask [n, 1, queries, keys] (true = may attend) of the first n of the given rows, for
     * queries [start, end) over keys [0, end): causal, real keys only; a padding query sees itself
     * so its row is never empty.
     */
    private static Tensor mask(boolean[] valid, int[] rows, int n, int total, int start, int end) {
        int q = end - start;
        boolean[] m = new boolean[n * q * end];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < q; j++) {
                int qj = start + j;
                for (int k = 0; k <= qj; k++) m[(i * q + j) * end + k] = valid[rows[i] * total + k];
                m[(i * q + j) * end + qj] = true;
            }
        return Tensor.create(m, n, 1, q, end);
    }
}
