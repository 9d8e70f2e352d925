package org.gendiv.bench;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** A plain streaming read of float32 memory on `threads` threads: the baseline for GB/s figures. */
final class MemoryRead {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private MemoryRead() {}

    static float sum(MemorySegment seg, int threads) {
        long n = seg.byteSize() / 4;
        return (float) IntStream.range(0, threads).parallel().mapToDouble(t -> {
            long lo = n * t / threads, hi = n * (t + 1) / threads;
            FloatVector acc = FloatVector.zero(S);
            long i = lo;
            for (; i + S.length() <= hi; i += S.length())
                acc = acc.add(FloatVector.fromMemorySegment(S, seg, 4 * i, ByteOrder.nativeOrder()));
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (; i < hi; i++) s += seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            return s;
        }).sum();
    }
}
