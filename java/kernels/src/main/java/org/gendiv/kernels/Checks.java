package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Argument checks run before any native call; each message names the argument. */
final class Checks {
    private Checks() {}

    static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    static void positive(long v, String name) {
        require(v > 0, name + " must be > 0, got " + v);
    }

    static MemorySegment notNull(MemorySegment s, String name) {
        require(s != null && !s.equals(MemorySegment.NULL), name + " must not be null");
        return s;
    }

    /** A host buffer must hold at least `elements` of `bytes` each (device pointers are not checked). */
    static void size(MemorySegment s, long elements, int bytes, String name, Device d) {
        notNull(s, name);
        if (d.isCuda()) return;
        require(s.byteSize() >= elements * bytes,
                name + " holds " + s.byteSize() / bytes + " elements, needs " + elements);
    }

    static void rows(long rows, String rowsName, long vocab, long stride) {
        positive(rows, rowsName);
        require(vocab > 0 && vocab <= Integer.MAX_VALUE, "vocab must be in [1, 2^31 - 1], got " + vocab);
        require(stride >= vocab, "rowStride must be >= vocab (" + vocab + "), got " + stride);
    }

    /** Matrix [rows, stride] where the last row needs only vocab elements. */
    static long matrixElements(long rows, long vocab, long stride) {
        return (rows - 1) * stride + vocab;
    }

    /** Token ids in host memory must index the vocabulary. */
    static void ids(MemorySegment ids, long n, long vocab, String name, Device d) {
        size(ids, n, 4, name, d);
        if (d.isCuda()) return;
        for (long i = 0; i < n; i++) {
            int id = ids.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            require(id >= 0 && id < vocab, name + "[" + i + "] = " + id + " is outside [0, " + vocab + ")");
        }
    }
}
