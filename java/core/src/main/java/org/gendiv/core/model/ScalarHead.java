package org.gendiv.core.model;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** A scalar per position from hidden states [B, T, width] -> [B, T]: the critic's value head, or the reward head. */
public final class ScalarHead extends org.bytedeco.pytorch.Module {
    final LinearImpl proj;

    public ScalarHead(int width) {
        proj = register_module("score", new LinearImpl(width, 1));
        try (var g = new NoGradGuard()) {
            proj.weight().normal_(0, 1.0 / Math.sqrt(width + 1.0), new GeneratorOptional());
            proj.bias().zero_();
        }
        Devices.place(this);
    }

    public Tensor forward(Tensor hidden) {
        return proj.forward(hidden).squeeze(-1);
    }

    public Tensor weight() {
        return proj.weight();
    }

    public Tensor bias() {
        return proj.bias();
    }
}
