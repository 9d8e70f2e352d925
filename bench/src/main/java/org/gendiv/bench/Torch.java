package org.gendiv.bench;

import java.lang.foreign.MemorySegment;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Small LibTorch helpers shared by the benchmarks. */
final class Torch {
    private Torch() {}

    static Scalar s(double v) {
        return new Scalar(v);
    }

    static ScalarOptional so(double v) {
        return new ScalarOptional(new Scalar(v));
    }

    /** A contiguous float32 tensor of N(0, scale^2) values, with the seed fixed. */
    static Tensor randn(double scale, long... shape) {
        torch.manual_seed(1234);
        return torch.randn(shape).mul(s(scale)).contiguous();
    }

    /** The tensor's storage as a MemorySegment: what gendiv's kernels read and write, no copy. */
    static MemorySegment segment(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(t.numel() * t.element_size());
    }
}
