package org.gendiv.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The reward model: a GPT trunk (initialised from the SFT policy) and a scalar head on each
 * position, pooled into one score per sequence: the head at the last token (LAST, as InstructGPT
 * reads it), or the mean of the head over the response's tokens, EOS included (MEAN: every
 * response token gets its own gradient, so a wrong fact is credited where it is written), their
 * sum (SUM: additive credit per token, so a response's length counts as the tokens it adds), or
 * half of each of MEAN and LAST (MEAN_LAST: per-token credit, and the last token's view of the
 * whole response).
 * With a reference model and logratio beta > 0, each position's score adds
 * beta * (log p(token | before) - log p_ref(token | before)): the trunk's own LM head against the
 * frozen reference it started from (the SFT policy), DPO's implicit reward (Rafailov et al. 2023)
 * per token. It is 0 at initialisation, and lets the reward model blame a token the way its trunk
 * predicts it (a reason not copied from the post) rather than through the head alone.
 * Sequences are right-padded here (prompt + response, then pad).
 */
public final class RewardModel extends org.bytedeco.pytorch.Module {
    /** How the per-position scores become one score per sequence. */
    public enum Pooling {
        LAST, MEAN, SUM, MEAN_LAST;

        public static Pooling of(String name) {
            for (Pooling p : values()) if (p.key().equals(name)) return p;
            throw new IllegalArgumentException("pooling must be one of " + keys(", ") + ", got '" + name + "'");
        }

        /** Every pooling's key, joined by the separator. */
        public static String keys(String separator) {
            return String.join(separator, Arrays.stream(values()).map(Pooling::key).toList());
        }

        /**
         * Writes this pooling's weights into w[offset + j] for the positions j in [from, end) that
         * a sequence pools (its response, or its last token alone; end - 1 is the last token).
         */
        void spread(float[] w, int offset, int from, int end) {
            if (this == LAST) from = end - 1;
            int n = end - from;
            float each = switch (this) {
                case SUM -> 1f;
                case MEAN_LAST -> 0.5f / n;
                default -> 1f / n;
            };
            for (int j = from; j < end; j++) w[offset + j] = each;
            if (this == MEAN_LAST) w[offset + end - 1] += 0.5f;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public final Gpt trunk;
    public final ScalarHead head;
    public final Pooling pooling;
    /** The frozen model of the log-ratio term (null without one): not a submodule, so neither trained nor saved with the trunk. */
    private final Gpt reference;
    /** The log-ratio term's beta (0 without a reference); normalisation rescales it with the head. */
    private double logratio;

    public RewardModel(Gpt trunk, Pooling pooling) {
        this(trunk, pooling, null, 0);
    }

    /** With a reference (same vocabulary) and logratio > 0: the log-ratio term of the class comment. */
    public RewardModel(Gpt trunk, Pooling pooling, Gpt reference, double logratio) {
        if ((reference == null) != (logratio == 0) || !(logratio >= 0) || Double.isInfinite(logratio))
            throw new IllegalArgumentException("a log-ratio term needs both a reference model and a finite beta > 0, got "
                    + (reference == null ? "no reference" : "a reference") + " and beta " + logratio);
        if (reference != null && reference.config.vocab() != trunk.config.vocab())
            throw new IllegalArgumentException("the reference's vocabulary (" + reference.config.vocab() + ") is not the trunk's ("
                    + trunk.config.vocab() + ")");
        this.trunk = register_module("transformer", trunk);
        this.head = register_module("head", new ScalarHead(trunk.hiddenWidth()));
        this.pooling = pooling;
        this.reference = reference;
        this.logratio = logratio;
        if (reference != null) {
            reference.eval();
            for (Tensor p : reference.namedParameters().values()) p.requires_grad_(false);
        }
    }

    /** The log-ratio term's reference model, or null. */
    public Gpt reference() {
        return reference;
    }

    /** The log-ratio term's beta (0 = none). */
    public double logratio() {
        return logratio;
    }

    /** Divides the log-ratio term's beta by std, as normalisation divides the head. */
    public void rescaleLogratio(double std) {
        if (!(std > 0)) throw new IllegalArgumentException("std must be > 0, got " + std);
        logratio /= std;
    }

    /**
     * The score of each position in read (flat indices into tokens [rows, cols]): the head on the
     * trunk's hidden state there, plus the log-ratio term when there is one. Only those positions
     * go through the head and the LM heads' log-softmax (pooling reads a response's tokens, not its
     * prompt). previous[k] is the flat index of the position whose prediction position k's token
     * is (the token before it in its sequence; null: the position before it in its row, as
     * right-padded rows lay sequences out), and the reference reads the same tokens, positions and
     * mask, unless its log-probs are given (referenceLogprobs, flat over every position; null:
     * computed here).
     */
    private Tensor positionScores(Tensor tokens, Tensor positions, Tensor mask, long[] previous, long[] read,
            Tensor referenceLogprobs) {
        Tensor hidden = trunk.hidden(tokens, positions, mask, null);
        Tensor flat = hidden.reshape(-1, hidden.size(2));
        Tensor at = Devices.to(Tensor.create(read));
        Tensor scores = head.forward(flat.index_select(0, at));
        if (reference == null) return scores;
        previous = previousOrRowOrder(tokens, previous);
        long[] from = new long[read.length];
        for (int i = 0; i < read.length; i++) from[i] = previous[(int) read[i]];
        Tensor prev = Devices.to(Tensor.create(from)), next = Devices.to(tokens).reshape(-1).index_select(0, at).reshape(-1, 1);
        Tensor own = tokenLogprobs(trunk, flat, prev, next);
        Tensor ref = referenceLogprobs != null ? referenceLogprobs.index_select(0, at) : referenceLogprobs(tokens, positions, mask, prev, next);
        return scores.add(own.sub(ref).mul(new Scalar(logratio)));
    }

    private static long[] previousOrRowOrder(Tensor tokens, long[] previous) {
        if (previous != null) return previous;
        long t = tokens.size(1);
        previous = new long[(int) tokens.numel()];
        for (int k = 0; k < previous.length; k++) previous[k] = k % t == 0 ? k : k - 1;
        return previous;
    }

    /** The frozen reference's log p(token k | what position previous[k] read) for the positions k whose tokens next holds. */
    private Tensor referenceLogprobs(Tensor tokens, Tensor positions, Tensor mask, Tensor previous, Tensor next) {
        try (var g = new NoGradGuard()) {
            Tensor hidden = reference.hidden(tokens, positions, mask, null);
            return tokenLogprobs(reference, hidden.reshape(-1, hidden.size(2)), previous, next);
        }
    }

    /** log p(next[i] | what flat position previous[i] read), by model's LM head on its hidden states [positions, width]. */
    private static Tensor tokenLogprobs(Gpt model, Tensor flatHidden, Tensor previous, Tensor next) {
        return torch.log_softmax(model.lmHead(flatHidden.index_select(0, previous)), 1).gather(1, next).squeeze(1);
    }

    /**
     * Pooling weights over the positions that any of them reads: weights [pooled, positions]
     * row-major, restricted to the columns (read, in order) where some weight is not 0.
     */
    private record Read(int pooled, long[] positions, float[] weights) {
        static Read of(float[] weights, int pooled, int positions) {
            boolean[] used = new boolean[positions];
            int n = 0;
            for (int r = 0; r < pooled; r++)
                for (int k = 0; k < positions; k++)
                    if (weights[r * positions + k] != 0 && !used[k]) {
                        used[k] = true;
                        n++;
                    }
            long[] read = new long[n];
            for (int k = 0, i = 0; k < positions; k++) if (used[k]) read[i++] = k;
            float[] w = new float[pooled * n];
            for (int r = 0; r < pooled; r++)
                for (int i = 0; i < n; i++) w[r * n + i] = weights[r * positions + (int) read[i]];
            return new Read(pooled, read, w);
        }

        /** As {@link #of} for weights [rows, width] that pool each row's own positions: one score per row. */
        static Read ofRows(float[] weights, int rows, int width) {
            int n = 0;
            for (float x : weights) if (x != 0) n++;
            long[] read = new long[n];
            float[] w = new float[rows * n];
            for (int k = 0, i = 0; k < weights.length; k++)
                if (weights[k] != 0) {
                    read[i] = k;
                    w[k / width * n + i++] = weights[k];
                }
            return new Read(rows, read, w);
        }

        /** The pooled scores [pooled]: these weights times each read position's score. */
        Tensor pool(Tensor positionScores) {
            return Devices.to(Tensor.create(weights, pooled, positions.length)).matmul(positionScores);
        }
    }

    /**
     * One score per row of tokens [B, T]: lengths[b] real tokens in row b (the rest is padding),
     * the response starting at token responseStarts[b] (MEAN and SUM pool over [start, length); a start
     * at or past the length, as when the context clipped the response away, pools the last token).
     */
    public Tensor scores(Tensor tokens, int[] lengths, int[] responseStarts) {
        long b = tokens.size(0), t = tokens.size(1);
        if (lengths.length != b || responseStarts.length != b)
            throw new IllegalArgumentException("lengths has " + lengths.length + " rows, responseStarts " + responseStarts.length
                    + ", tokens " + b);
        float[] weights = new float[(int) (b * t)];
        for (int r = 0; r < b; r++) {
            if (lengths[r] < 1 || lengths[r] > t)
                throw new IllegalArgumentException("lengths[" + r + "] = " + lengths[r] + " is outside [1, " + t + "]");
            if (responseStarts[r] < 0) throw new IllegalArgumentException("responseStarts[" + r + "] = " + responseStarts[r] + " < 0");
            pooling.spread(weights, (int) (r * t), Math.min(responseStarts[r], lengths[r] - 1), lengths[r]);
        }
        Read read = Read.ofRows(weights, (int) b, (int) t);
        return read.pool(positionScores(tokens, Positions.rightPadded(b, t), null, null, read.positions(), null));
    }

    /** Whether {@link #packedScores} may read this trunk: its layers attend by position alone (no sliding window). */
    public boolean canPack() {
        for (int i = 0; i < trunk.config.layers(); i++) if (trunk.config.arch().window(i) != 0) return false;
        return true;
    }

    /**
     * One score per response, the responses to a prompt packed after it in one row: row g holds
     * prompts[g] and then each of responses[g] (tokens, EOS included, right-padded to the longest
     * row). Each response attends to the prompt and to its own earlier tokens, at the positions it
     * would have after the prompt alone, so its score is {@link #scores}'s of the sequence prompt +
     * response (to float rounding), and the prompt is read once instead of once per response.
     * Every prompt + response must fit the context; an empty response pools the prompt's last
     * token, as scores() does for a response clipped away. Scores in order, prompt by prompt.
     */
    public Tensor packedScores(List<int[]> prompts, List<List<int[]>> responses, int padId) {
        return packedScores(prompts, responses, padId, null);
    }

    /**
     * As above, with the log-ratio term's reference log-probs given, row by row as
     * {@link #packedReferenceLogprobs} returns them for the same prompts and responses (null: the
     * reference reads the rows here). A frozen reference gives the same numbers for a row whatever
     * else is in its batch, so a trainer can compute them once per row and reuse them every epoch.
     */
    public Tensor packedScores(List<int[]> prompts, List<List<int[]>> responses, int padId, List<float[]> referenceLogprobs) {
        Packed p = packed(prompts, responses, padId);
        Tensor ref = null;
        if (referenceLogprobs != null) {
            if (reference == null) throw new IllegalStateException("reference log-probs given, but this reward model has no log-ratio term");
            if (referenceLogprobs.size() != p.rows)
                throw new IllegalArgumentException(referenceLogprobs.size() + " rows of reference log-probs for " + p.rows + " prompts");
            float[] flat = new float[p.rows * p.width];
            for (int i = 0; i < p.rows; i++) {
                float[] row = referenceLogprobs.get(i);
                if (row.length != p.lengths[i])
                    throw new IllegalArgumentException("reference log-probs of row " + i + " have " + row.length + " positions, its row "
                            + p.lengths[i]);
                System.arraycopy(row, 0, flat, i * p.width, row.length);
            }
            ref = Devices.to(Tensor.create(flat));
        }
        Read read = Read.of(p.weights, p.responses, p.rows * p.width);
        return read.pool(positionScores(p.tokens(), p.positions(), p.mask(), p.previous, read.positions(), ref));
    }

    /**
     * The frozen reference's log-prob of each position's token in the packed rows of
     * {@link #packedScores} (the log-ratio term's subtrahend): for each prompt, its row's real
     * positions in order (the prompt, then each response).
     */
    public List<float[]> packedReferenceLogprobs(List<int[]> prompts, List<List<int[]>> responses, int padId) {
        if (reference == null) throw new IllegalStateException("this reward model has no log-ratio term");
        Packed p = packed(prompts, responses, padId);
        Tensor tokens = p.tokens();
        float[] flat;
        try (var g = new NoGradGuard()) {  // every position: a row's log-probs serve whatever its responses' weights read
            Tensor ref = referenceLogprobs(tokens, p.positions(), p.mask(), Devices.to(Tensor.create(p.previous)),
                    Devices.to(tokens).reshape(-1, 1));
            flat = Tensors.floats(ref);
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < p.rows; i++) out.add(Arrays.copyOfRange(flat, i * p.width, i * p.width + p.lengths[i]));
        return out;
    }

    private Packed packed(List<int[]> prompts, List<List<int[]>> responses, int padId) {
        if (!canPack()) throw new IllegalStateException("a sliding-window trunk cannot read packed rows");
        return Packed.of(prompts, responses, padId, trunk.config.context(), pooling);
    }

    /**
     * Prompts with their responses packed after them, one row each, right-padded to width: the
     * tokens, each position's position id and segment (-1 the prompt, r response r, below -1
     * padding), the flat index each token is predicted from, each row's real length, and each
     * response's pooling weights over the flat positions.
     */
    private record Packed(int rows, int width, int responses, long[] tokenIds, long[] positionIds, long[] segment, long[] previous,
            int[] lengths, float[] weights) {
        static Packed of(List<int[]> prompts, List<List<int[]>> responses, int padId, int context, Pooling pooling) {
            if (prompts.size() != responses.size())
                throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " groups of responses");
            int g = prompts.size(), t = 1, total = 0;
            int[] lengths = new int[g];
            for (int i = 0; i < g; i++) {
                int p = prompts.get(i).length, row = p;
                if (p < 1) throw new IllegalArgumentException("prompt " + i + " is empty");
                for (int[] r : responses.get(i)) {
                    if (p + r.length > context)
                        throw new IllegalArgumentException("prompt " + i + " and a response of " + r.length + " tokens exceed the context ("
                                + context + ")");
                    row += r.length;
                    total++;
                }
                lengths[i] = row;
                t = Math.max(t, row);
            }
            long[] tokens = new long[g * t], positions = new long[g * t], segment = new long[g * t], previous = new long[g * t];
            for (int k = 0; k < previous.length; k++) previous[k] = k;
            float[] weights = new float[total * g * t];
            int response = 0;
            for (int i = 0; i < g; i++) {
                int[] prompt = prompts.get(i);
                int at = i * t;
                for (int j = 0; j < t; j++) {
                    tokens[at + j] = padId;
                    segment[at + j] = -2 - j;  // padding: each position alone
                }
                for (int j = 0; j < prompt.length; j++) {
                    tokens[at + j] = prompt[j];
                    positions[at + j] = j;
                    segment[at + j] = -1;      // the prompt: every response sees it
                    previous[at + j] = j == 0 ? at : at + j - 1;
                }
                int k = at + prompt.length;
                for (int[] r : responses.get(i)) {
                    int from = k;
                    for (int j = 0; j < r.length; j++, k++) {
                        tokens[k] = r[j];
                        positions[k] = prompt.length + j;
                        segment[k] = response;
                        previous[k] = j == 0 ? at + prompt.length - 1 : k - 1;  // the first token follows the prompt
                    }
                    if (r.length == 0) pooling.spread(weights, response * g * t, at + prompt.length - 1, at + prompt.length);
                    else pooling.spread(weights, response * g * t, from, k);
                    response++;
                }
            }
            return new Packed(g, t, total, tokens, positions, segment, previous, lengths, weights);
        }

        Tensor tokens() {
            return Tensor.create(tokenIds, rows, width);
        }

        Tensor positions() {
            return Tensor.create(positionIds, rows, width);
        }

        /** [rows, 1, width, width]: causal, within a segment or onto the prompt. */
        Tensor mask() {
            Tensor seg = Devices.to(Tensor.create(segment, rows, width));
            Tensor index = Devices.to(torch.arange(new Scalar(width), new TensorOptions(torch.ScalarType.Long)));
            Tensor causal = index.view(1, 1, 1, width).le(index.view(1, 1, width, 1));
            Tensor keys = seg.view(rows, 1, 1, width);
            return causal.logical_and(keys.eq(seg.view(rows, 1, width, 1)).logical_or(keys.eq(new Scalar(-1))));
        }
    }
}
