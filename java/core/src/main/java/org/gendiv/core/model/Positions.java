package org.gendiv.core.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Position ids. Right padding (and no padding) keeps 0..T-1 for every row; causal attention never lets a real token see the padding after it. */
final class Positions {
    private Positions() {}

    static Tensor rightPadded(long b, long t) {
        return torch.arange(new Scalar(t), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0).expand(b, t);
    }
}
