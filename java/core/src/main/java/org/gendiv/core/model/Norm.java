package org.gendiv.core.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * LayerNorm (weight and bias) or RMSNorm (weight only, as LLaMA's: x / sqrt(mean(x^2) + eps) * w)
 * over the last dimension.
 */
final class Norm extends org.bytedeco.pytorch.Module {
    private final boolean rms;
    private final double eps;
    private final long[] shape;

    Norm(int width, double eps, boolean rms) {
        this.rms = rms;
        this.eps = eps;
        this.shape = new long[] {width};
        register_parameter("weight", torch.ones(width));
        if (!rms) register_parameter("bias", torch.zeros(width));
    }

    static Norm layer(int width, double eps) {
        return new Norm(width, eps, false);
    }

    static Norm rms(int width, double eps) {
        return new Norm(width, eps, true);
    }

    // Fetched from the module each time: a Java handle kept in a field would be freed by the
    // PointerScope of whatever step happened to build the model.
    Tensor weight() {
        return named_parameters(false).get("weight");
    }

    Tensor bias() {
        return rms ? null : named_parameters(false).get("bias");
    }

    Tensor forward(Tensor x) {
        return rms ? torch.rms_norm(x, shape, new TensorOptional(weight()), new DoubleOptional(eps))
                : torch.layer_norm(x, shape, new TensorOptional(weight()), new TensorOptional(bias()), eps, true);
    }
}
