package org.gendiv.core.model;

import java.util.Locale;

import org.bytedeco.pytorch.Tensor;

/**
 * The reward model: a GPT trunk (initialised from the SFT policy) and a scalar head on each
 * position, pooled into one score per sequence: the head at the last token (LAST, as InstructGPT
 * reads it), or the mean of the head over the response's tokens, EOS included (MEAN: every
 * response token gets its own gradient, so a wrong fact is credited where it is written), or
 * their sum (SUM: additive credit per token, so a response's length counts as the tokens it adds).
 * Sequences are right-padded here (prompt + response, then pad).
 */
public final class RewardModel extends org.bytedeco.pytorch.Module {
    /** How the per-position scores become one score per sequence. */
    public enum Pooling {
        LAST, MEAN, SUM;

        public static Pooling of(String name) {
            for (Pooling p : values()) if (p.key().equals(name)) return p;
            throw new IllegalArgumentException("pooling must be last, mean or sum, got '" + name + "'");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public final Gpt trunk;
    public final ScalarHead head;
    public final Pooling pooling;

    public RewardModel(Gpt trunk, Pooling pooling) {
        this.trunk = register_module("transformer", trunk);
        this.head = register_module("head", new ScalarHead(trunk.hiddenWidth()));
        this.pooling = pooling;
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
            int from = pooling == Pooling.LAST ? lengths[r] - 1 : Math.min(responseStarts[r], lengths[r] - 1);
            float w = pooling == Pooling.SUM ? 1f : 1f / (lengths[r] - from);
            for (int j = from; j < lengths[r]; j++) weights[(int) (r * t + j)] = w;
        }
        Tensor perPosition = head.forward(trunk.hidden(tokens, Positions.rightPadded(b, t), null, null));
        return perPosition.mul(Devices.to(Tensor.create(weights, b, t))).sum(new long[] {1});
    }
}
