package org.gendiv.core.train;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Devices;
import org.gendiv.kernels.Params;

/**
 * The PPO clipped loss composed from LibTorch ops, differentiated by autograd: the reference the
 * fused kernel is tested against, and the baseline it is benchmarked against.
 */
final class CompositePpo {
    private CompositePpo() {}

    /** [loss, clip fraction, approx KL (k3), entropy] over the masked tokens of logits [n, V]. */
    static Tensor[] loss(Tensor logits, Experience.Slice s, Params.Ppo p) {
        int n = s.actions.length;
        long[] actions = new long[n];
        for (int i = 0; i < n; i++) actions[i] = s.actions[i];
        Tensor logpAll = torch.log_softmax(logits.div(new Scalar(p.temperature())), 1);
        Tensor logp = logpAll.gather(1, Devices.to(Tensor.create(actions, n, 1))).squeeze(1);
        Tensor mask = Devices.to(Tensor.create(s.mask, n)), adv = Devices.to(Tensor.create(s.advantages, n));
        Tensor logRatio = logp.sub(Devices.to(Tensor.create(s.oldLogprobs, n)))
                .clamp(new ScalarOptional(new Scalar(-p.logRatioClamp())),
                        new ScalarOptional(new Scalar(p.logRatioClamp())));
        Tensor ratio = logRatio.exp();
        Tensor unclipped = adv.neg().mul(ratio);
        Tensor clipped = adv.neg().mul(ratio.clamp(new ScalarOptional(new Scalar(1 - p.epsLow())),
                new ScalarOptional(new Scalar(1 + p.epsHigh()))));
        Tensor perToken = torch.maximum(unclipped, clipped);
        Tensor denom = mask.sum();
        Tensor entropy = logpAll.exp().mul(logpAll).sum(new long[] {1}).neg();
        Tensor meanEntropy = entropy.mul(mask).sum().div(denom);
        Tensor loss = perToken.mul(mask).sum().div(denom).sub(meanEntropy.mul(new Scalar(p.entropyCoef())));
        Tensor clipFraction = clipped.gt(unclipped).to(torch.ScalarType.Float).mul(mask).sum().div(denom);
        Tensor approxKl = logRatio.exp().sub(new Scalar(1.0)).sub(logRatio).mul(mask).sum().div(denom);
        return new Tensor[] {loss, clipFraction, approxKl, meanEntropy};
    }
}
