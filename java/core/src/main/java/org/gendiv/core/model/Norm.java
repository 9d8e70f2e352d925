package org.gendiv.core.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * LayerNorm (weight and bias) or RMSNorm (weight only, as LLaMA's: x / sqrt(mean(x^2) + eps) * w)
 * over the last dimension. Both keep their parameters in a LayerNormImpl (RMSNorm leaves its bias
 * unused and unlisted): the module's weight() and bias() hand out references to the module's own
 * tensors, stable for its lifetime, where a parameter looked up by name would be a handle into a
 * temporary dictionary (or one a step's PointerScope frees), which the optimizer must not hold.
 */
final class Norm {
    final LayerNormImpl impl;
    private final boolean rms;
    private final double eps;
    private final long[] shape;

    private Norm(int width, double eps, boolean rms) {
        LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {width}));
        o.eps().put(eps);
        this.impl = new LayerNormImpl(o);
        this.rms = rms;
        this.eps = eps;
        this.shape = new long[] {width};
    }

    static Norm layer(int width, double eps) {
        return new Norm(width, eps, false);
    }

    static Norm rms(int width, double eps) {
        return new Norm(width, eps, true);
    }

    /** Registers the norm's parameters under name in the module; returns the norm. */
    static Norm register(org.bytedeco.pytorch.Module module, String name, Norm n) {
        module.register_module(name, n.impl);
        return n;
    }

    Tensor weight() {
        return impl.weight();
    }

    /** The bias, or null for RMSNorm. */
    Tensor bias() {
        return rms ? null : impl.bias();
    }

    Tensor forward(Tensor x) {
        return rms ? torch.rms_norm(x, shape, new TensorOptional(impl.weight()), new DoubleOptional(eps)) : impl.forward(x);
    }
}
