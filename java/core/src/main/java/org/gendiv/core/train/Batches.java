package org.gendiv.core.train;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.tokenizer.Tokenizer;

/**
 * Token layouts and batching. A prompt is [BOS] prompt [SEP] (no SEP for tokenizers without one); a training sequence is the prompt
 * then the response and [EOS]; raw text is [BOS] text [EOS]. Batches are drawn from (seed, step)
 * alone: each epoch is a fresh permutation of the data, so step s always sees the same examples,
 * resumed or not.
 */
public final class Batches {
    private Batches() {}

    public static int[] prompt(Tokenizer tok, String prompt) {
        return concat(new int[] {tok.bosId()}, tok.encode(prompt), tok.sepId() < 0 ? new int[0] : new int[] {tok.sepId()});
    }

    public static int[] sequence(Tokenizer tok, String prompt, String response) {
        return sequence(tok, prompt(tok, prompt), response);
    }

    /** The same after an already encoded prompt (its length is where the response starts). */
    public static int[] sequence(Tokenizer tok, int[] prompt, String response) {
        return concat(prompt, tok.encode(response), new int[] {tok.eosId()});
    }

    public static int[] text(Tokenizer tok, String text) {
        return concat(new int[] {tok.bosId()}, tok.encode(text), new int[] {tok.eosId()});
    }

    /** The response of a generated continuation as text: the tokens before EOS. */
    public static String response(Tokenizer tok, int[] generated) {
        int n = 0;
        while (n < generated.length && generated[n] != tok.eosId()) n++;
        return tok.decode(Arrays.copyOf(generated, n));
    }

    public static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Indices of the examples in batch `step` of size `batch` over n examples. */
    public static int[] indices(int n, int batch, int step, long seed) {
        if (batch > n) throw new IllegalArgumentException("batch size " + batch + " is larger than the data (" + n + " examples)");
        int perEpoch = n / batch, epoch = step / perEpoch, at = (step % perEpoch) * batch;
        int[] perm = permutation(n, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch));
        return Arrays.copyOfRange(perm, at, at + batch);
    }

    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Rows right-padded to the longest: tokens [B, T] (int64) and each row's length. */
    public record Padded(long[] tokens, int[] lengths, int width) {
        public int rows() {
            return lengths.length;
        }

        public Tensor tensor() {
            return Tensor.create(tokens, rows(), width);
        }
    }

    public static Padded rightPad(List<int[]> rows, int pad) {
        int width = 0;
        for (int[] r : rows) width = Math.max(width, r.length);
        long[] t = new long[rows.size() * width];
        Arrays.fill(t, pad);
        int[] len = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int[] r = rows.get(i);
            for (int j = 0; j < r.length; j++) t[i * width + j] = r[j];
            len[i] = r.length;
        }
        return new Padded(t, len, width);
    }

    /** The first max tokens of a training sequence (a longer one is cut at the end). */
    /** The response's tokens (EOS included) after an encoded prompt, as far as prompt + response fit max tokens. */
    public static int[] clippedResponse(Tokenizer tok, int[] prompt, String response, int max) {
        int[] seq = clip(sequence(tok, prompt, response), max);
        return Arrays.copyOfRange(seq, Math.min(prompt.length, seq.length), seq.length);
    }

    public static int[] clip(int[] seq, int max) {
        return seq.length <= max ? seq : Arrays.copyOf(seq, max);
    }
}
