package org.gendiv.core.train;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.ActorCritic;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import static org.gendiv.core.model.Tensors.floats;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Kernels;

/** A batch of PPO experience: right-padded sequences and, per response token, everything the update needs. */
final class Experience {
    int rows, width, length;  // B, T (prompt + response, padded), L (longest response)
    long[] tokens;            // [B, T]
    int[] promptLength, responseLength, actions;  // actions [B, L] (0 where masked)
    float[] mask, oldLogprobs, refLogprobs, oldValues, advantages, returns, scores, kl;
    double timePolicy, timeReference, timeReward;  // seconds spent scoring, for the step's breakdown
    int firstRow;             // these rows are rows [firstRow, firstRow + B) of the global batch (0 alone)

    /** The layout of a rollout batch: right-padded sequences, and each response's actions and mask [B, L]. */
    static Experience of(List<Rollouts.Rollout> rollouts, int padId) {
        Experience x = new Experience();
        x.rows = rollouts.size();
        List<int[]> full = new ArrayList<>();
        x.promptLength = new int[x.rows];
        x.responseLength = new int[x.rows];
        for (int r = 0; r < x.rows; r++) {
            full.add(rollouts.get(r).full());
            x.promptLength[r] = rollouts.get(r).prompt().length;
            x.responseLength[r] = rollouts.get(r).response().length;
            x.length = Math.max(x.length, x.responseLength[r]);
        }
        Batches.Padded p = Batches.rightPad(full, padId);
        x.width = p.width();
        x.tokens = p.tokens();
        int n = x.rows * x.length;
        x.actions = new int[n];
        x.mask = new float[n];
        for (int r = 0; r < x.rows; r++)
            for (int j = 0; j < x.responseLength[r]; j++) {
                x.actions[r * x.length + j] = rollouts.get(r).response()[j];
                x.mask[r * x.length + j] = 1f;
            }
        return x;
    }

    /** Old log-probs and values (policy), reference log-probs (SFT), and scores (RM) of a rollout batch. */
    static Experience scored(List<Rollouts.Rollout> rollouts, ActorCritic ac, Gpt reference, RewardModel rm, Tokenizer tok,
            Kernels kernels, PpoConfig c) {
        Experience x = Experience.of(rollouts, tok.padId());
        Tensor tokens = Tensor.create(x.tokens, x.rows, x.width), index = x.sourceIndex(allRows(x.rows));
        ac.train(false);
        try (var g = new NoGradGuard()) {
            long t0 = System.nanoTime();
            Tensor[] lv = ac.forward(tokens, index);
            x.oldLogprobs = Scoring.logprobs(kernels, lv[0], x.actions, c.temperature());
            x.oldValues = floats(lv[1].reshape(-1).index_select(0, index));
            long t1 = System.nanoTime();
            x.refLogprobs = Scoring.logprobs(kernels, reference.logitsAt(tokens, index), x.actions,
                    c.temperature());
            long t2 = System.nanoTime();
            x.scores = rewardScores(rollouts, rm, tok, c.missingEosPenalty());
            x.timePolicy = (t1 - t0) / 1e9;
            x.timeReference = (t2 - t1) / 1e9;
            x.timeReward = (System.nanoTime() - t2) / 1e9;
        }
        return x;
    }

    /**
     * The reward model's score of each rollout as it was trained to read one (prompt, response,
     * EOS: a response cut at the length limit gets its EOS appended), less missing_eos_penalty
     * for each cut one.
     */
    private static float[] rewardScores(List<Rollouts.Rollout> rollouts, RewardModel rm, Tokenizer tok, float missingEosPenalty) {
        float[] s = Scoring.rolloutScores(rm, tok, rollouts, rollouts.size());
        for (int i = 0; i < s.length; i++) if (!rollouts.get(i).ended(tok.eosId())) s[i] -= missingEosPenalty;
        return s;
    }

    private static int[] allRows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

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
