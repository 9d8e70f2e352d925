package org.gendiv.core.train;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.Devices;

/** A batch of PPO experience: right-padded sequences and, per response token, everything the update needs. */
final class Experience {
    int rows, width, length;  // B, T (prompt + response, padded), L (longest response)
    long[] tokens;            // [B, T]
    int[] promptLength, responseLength, actions;  // actions [B, L] (0 where masked)
    float[] mask, oldLogprobs, refLogprobs, oldValues, advantages, returns, scores, kl;
    double timePolicy, timeReference, timeReward;  // seconds spent scoring, for the step's breakdown
    int firstRow;             // these rows are rows [firstRow, firstRow + B) of the global batch (0 alone)

    /** Of some rows of the global batch, those this experience holds, renumbered as its own rows, in the order given. */
    int[] ownRows(int[] global) {
        int n = 0;
        for (int g : global) if (g >= firstRow && g < firstRow + rows) n++;
        int[] own = new int[n];
        n = 0;
        for (int g : global) if (g >= firstRow && g < firstRow + rows) own[n++] = g - firstRow;
        return own;
    }

    /** The position in row r whose output scores response token j (past the response: its last token's). */
    int source(int r, int j) {
        return promptLength[r] + Math.min(j, responseLength[r] - 1) - 1;
    }

    /** The experience of some rows, response arrays [m * L]. */
    static final class Slice {
        long[] tokens;
        int[] actions;
        float[] mask, oldLogprobs, oldValues, advantages, returns;
    }

    /** The experience of some rows (renumbered 0..m-1). */
    Slice slice(int[] rows) {
        Slice s = new Slice();
        int l = length, n = rows.length * l;
        s.tokens = new long[rows.length * width];
        s.actions = new int[n];
        s.mask = new float[n];
        s.oldLogprobs = new float[n];
        s.oldValues = new float[n];
        s.advantages = new float[n];
        s.returns = new float[n];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            System.arraycopy(tokens, r * width, s.tokens, i * width, width);
            System.arraycopy(actions, r * l, s.actions, i * l, l);
            System.arraycopy(mask, r * l, s.mask, i * l, l);
            System.arraycopy(oldLogprobs, r * l, s.oldLogprobs, i * l, l);
            System.arraycopy(oldValues, r * l, s.oldValues, i * l, l);
            System.arraycopy(advantages, r * l, s.advantages, i * l, l);
            System.arraycopy(returns, r * l, s.returns, i * l, l);
        }
        return s;
    }

    /** For the given rows (renumbered 0..m-1 in the batch fed), flat indices into [m * T] of the outputs scoring each response token. */
    Tensor sourceIndex(int[] rows) {
        long[] idx = new long[rows.length * length];
        for (int i = 0; i < rows.length; i++)
            for (int j = 0; j < length; j++)
                idx[i * length + j] = (long) i * width + source(rows[i], j);
        return Devices.to(Tensor.create(idx, idx.length));
    }
}
