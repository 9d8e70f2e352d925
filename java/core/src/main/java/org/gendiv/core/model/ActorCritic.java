package org.gendiv.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

/**
 * PPO's actor and critic: the policy, and a value head (a scalar per position) on either the
 * policy's own trunk ({@code shared}: one forward pass gives logits and values, and the value loss
 * also shapes the trunk) or a separate trunk (AlpacaFarm initialises it from the reward model).
 */
public final class ActorCritic {
    public final Gpt policy;
    public final Gpt critic;
    public final ScalarHead valueHead;

    public ActorCritic(Gpt policy, Gpt separateCritic) {
        this.policy = policy;
        this.critic = separateCritic == null ? policy : separateCritic;
        if (critic.config.context() < policy.config.context())
            throw new IllegalArgumentException("the critic's context (" + critic.config.context()
                    + ") is shorter than the policy's (" + policy.config.context() + ")");
        this.valueHead = new ScalarHead(critic.hiddenWidth());
    }

    public boolean shared() {
        return critic == policy;
    }

    /**
     * For right-padded rows (positions 0..T-1, causal): the logits [N, vocab] at the flat
     * positions index (int64 [N], into [B * T]; the LM head runs there alone) and the values [B, T].
     */
    public Tensor[] forward(Tensor tokens, Tensor index) {
        Tensor positions = Positions.rightPadded(tokens.size(0), tokens.size(1));
        Tensor h = policy.hidden(tokens, positions, null, null);
        Tensor hv = shared() ? h : critic.hidden(tokens, positions, null, null);
        Tensor at = h.reshape(-1, h.size(2)).index_select(0, Devices.to(index));
        return new Tensor[] {policy.lmHead(at), valueHead.forward(hv)};
    }

    /** Every trainable tensor by a unique name (a shared trunk is listed once). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        policy.namedParameters().forEach((k, v) -> m.put("policy." + k, v));
        if (!shared()) critic.namedParameters().forEach((k, v) -> m.put("critic." + k, v));
        m.put("value_head.weight", valueHead.weight());
        m.put("value_head.bias", valueHead.bias());
        return m;
    }

    public void train(boolean on) {
        policy.train(on);
        critic.train(on);
        valueHead.train(on);
    }
}
