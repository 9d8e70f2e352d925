package org.gendiv.core.model;

import java.lang.foreign.MemorySegment;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;

/** A LibTorch CPU tensor's memory as the kernels take it, and float32 values copied out to Java (from any device). */
public final class Tensors {
    private Tensors() {}

    /** The tensor's bytes, zero-copy (the tensor must be contiguous and outlive the segment's use). */
    public static MemorySegment segment(Tensor t) {
        if (t.is_cuda()) throw new IllegalArgumentException("a CUDA tensor has no host memory: pass Devices.cpu(t)");
        return MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(t.numel() * t.element_size());
    }

    /** The values of a float32 tensor, row-major (detached and made contiguous first). */
    public static float[] floats(Tensor t) {
        Tensor c = Devices.cpu(t.detach()).contiguous();
        float[] v = new float[(int) c.numel()];
        if (v.length > 0) new FloatPointer(c.data_ptr()).get(v);
        return v;
    }
}
