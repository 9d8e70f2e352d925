package org.gendiv.kernels;

/** Element type of a logits buffer. Everything else is float32 (int32 for token ids). */
public enum Dtype {
    F32(0, 4),
    /** bfloat16 stored as the top 16 bits of a float32, in a short/char buffer. */
    BF16(1, 2);

    final int code;
    final int bytes;

    Dtype(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
