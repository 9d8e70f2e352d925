package org.gendiv.core.train;

import java.lang.foreign.MemorySegment;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.ActorCritic;
import org.gendiv.core.model.Devices;
import static org.gendiv.core.model.Tensors.floats;
import static org.gendiv.core.model.Tensors.segment;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * PPO's loss on a minibatch (Schulman et al. 2017): the clipped policy loss from the fused PPO
 * kernel (loss and its gradient with respect to the logits, handed to LibTorch's backward) or,
 * for comparisons, composed from LibTorch ops ({@link CompositePpo}); beside it the clipped value
 * loss from the value kernel on both paths.
 */
final class PpoLoss {
    private PpoLoss() {}

    /**
     * The clipped policy loss and the clipped value loss on some rows, each scaled by share (these
     * rows' part of the minibatch's tokens; 1 for all of them), as what to differentiate; its stats
     * are loss, policy loss, clip fraction, approx KL, entropy, value loss, each a mean over these
     * rows' tokens.
     */
    static GradientShards.Part<double[]> loss(ActorCritic ac, Kernels kernels, PpoConfig c, boolean composite, Experience x,
            int[] rows, float share) {
        Experience.Slice s = x.slice(rows);
        Tensor tokens = Tensor.create(s.tokens, rows.length, x.width);
        Tensor index = x.sourceIndex(rows);
        Tensor[] lv = ac.forward(tokens, index);
        Tensor logits = lv[0].contiguous();                           // [m * L, V]
        Tensor values = lv[1].reshape(-1).index_select(0, index);     // [m * L]
        int n = s.actions.length, vocab = (int) logits.size(1);
        Params.Ppo params = c.kernelParams();
        // The critic's side is the same on both paths: clipped value loss and d loss / d values (value kernel).
        float[] gv = new float[n];
        var vs = kernels.advantages().valueLoss(floats(values), s.oldValues, s.returns, s.mask, c.valueClip(), gv);
        Tensor vGrad = Devices.to(Tensor.create(gv, n)).mul(new Scalar(c.valueCoef()));
        if (share != 1f) vGrad = vGrad.mul(new Scalar(share));
        if (composite) {
            Tensor[] lossParts = CompositePpo.loss(logits, s, params);
            Tensor policy = share != 1f ? lossParts[0].mul(new Scalar(share)) : lossParts[0];
            double policyLoss = lossParts[0].item_double() + c.entropyCoef() * lossParts[3].item_double();
            return new GradientShards.Part<>(policy.add(values.mul(vGrad).sum()), new double[] {lossParts[0].item_double(), policyLoss,
                    lossParts[1].item_double(), lossParts[2].item_double(), lossParts[3].item_double(), vs.loss()});
        }
        Tensor host = Devices.cpu(logits), grad = torch.empty_like(host);  // the kernel reads and writes host memory
        var ps = kernels.ppo().compute(segment(host), Dtype.F32, n, vocab, vocab, MemorySegment.ofArray(s.actions),
                MemorySegment.ofArray(s.oldLogprobs), MemorySegment.ofArray(s.advantages),
                MemorySegment.ofArray(s.mask), params, segment(grad));
        grad = Devices.to(grad);
        if (share != 1f) grad = grad.mul(new Scalar(share));
        // One backward pass from both heads: d loss / d logits from the kernel, d value loss / d values scaled.
        return new GradientShards.Part<>(torch.cat(new TensorVector(logits.reshape(-1), values)),
                torch.cat(new TensorVector(grad.reshape(-1), vGrad)),
                new double[] {ps.loss(), ps.policyLoss(), ps.clipFraction(), ps.approxKl(), ps.entropy(), vs.loss()});
    }
}
