package org.gendiv.core.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The reward model: a GPT trunk (initialised from the SFT policy) and a scalar head read at each
 * sequence's last non-pad token. Sequences are right-padded here (prompt + response, then pad).
 */
public final class RewardModel extends org.bytedeco.pytorch.Module {
    public final Gpt trunk;
    public final ScalarHead head;

    public RewardModel(Gpt trunk) {
        this.trunk = register_module("transformer", trunk);
        this.head = register_module("head", new ScalarHead(trunk.hiddenWidth()));
    }

    /** One score per row of tokens [B, T]; lengths[b] real tokens in row b (the rest is padding). */
    public Tensor scores(Tensor tokens, int[] lengths) {
        long b = tokens.size(0);
        if (lengths.length != b) throw new IllegalArgumentException("lengths has " + lengths.length + " rows, tokens " + b);
        long[] last = new long[(int) b];
        for (int r = 0; r < b; r++) {
            if (lengths[r] < 1 || lengths[r] > tokens.size(1))
                throw new IllegalArgumentException("lengths[" + r + "] = " + lengths[r] + " is outside [1, " + tokens.size(1) + "]");
            last[r] = lengths[r] - 1;
        }
        Tensor perPosition = head.forward(trunk.hidden(tokens, Positions.rightPadded(b, tokens.size(1)), null, null));
        return perPosition.gather(1, Devices.to(Tensor.create(last, b, 1))).squeeze(1);
    }
}
