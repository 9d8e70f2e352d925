package org.gendiv.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Device buffers for the self-test and the CUDA tests, through the system's libcudart via FFM
 * (no CUDA Java dependency). {@link #open()} is empty where there is no CUDA runtime or device.
 */
public final class CudaMemory implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private final MethodHandle malloc, free, memcpy;
    private final List<MemorySegment> owned = new ArrayList<>();

    private CudaMemory(SymbolLookup cudart) {
        malloc = LINKER.downcallHandle(cudart.find("cudaMalloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        free = LINKER.downcallHandle(cudart.find("cudaFree").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        memcpy = LINKER.downcallHandle(cudart.find("cudaMemcpy").orElseThrow(), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    /** A CUDA runtime when libcudart loads and libgendiv sees a device; else empty. */
    public static Optional<CudaMemory> open() {
        if (NativeCalls.of(Backend.FFM).cudaDeviceCount() == 0) return Optional.empty();
        for (String name : new String[] {"libcudart.so", "libcudart.so.13", "libcudart.so.12"}) {
            try {
                return Optional.of(new CudaMemory(SymbolLookup.libraryLookup(name, Arena.global())));
            } catch (IllegalArgumentException | NoSuchElementException e) {
                // try the next name
            }
        }
        return Optional.empty();
    }

    private MemorySegment alloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int rc = (int) malloc.invokeExact(out, bytes);
            if (rc != 0) throw new IllegalStateException("cudaMalloc(" + bytes + ") failed: " + rc);
            MemorySegment p = out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes);
            owned.add(p);
            return p;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void copy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        try {
            int rc = (int) memcpy.invokeExact(dst, src, bytes, kind);
            if (rc != 0) throw new IllegalStateException("cudaMemcpy failed: " + rc);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A device copy of a host array (float[], int[], long[], short[]). */
    public MemorySegment upload(Object array) {
        MemorySegment host = switch (array) {
            case float[] f -> MemorySegment.ofArray(f);
            case int[] i -> MemorySegment.ofArray(i);
            case long[] l -> MemorySegment.ofArray(l);
            case short[] s -> MemorySegment.ofArray(s);
            default -> throw new IllegalArgumentException("unsupported array " + array.getClass());
        };
        MemorySegment dev = alloc(Math.max(host.byteSize(), 1));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(host.byteSize());
            staging.copyFrom(host);
            copy(dev, staging, host.byteSize(), 1);
        }
        return dev;
    }

    public MemorySegment allocate(long bytes) {
        return alloc(Math.max(bytes, 1));
    }

    public float[] downloadFloats(MemorySegment dev, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(4L * n);
            copy(staging, dev, 4L * n, 2);
            return staging.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    public int[] downloadInts(MemorySegment dev, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(4L * n);
            copy(staging, dev, 4L * n, 2);
            return staging.toArray(ValueLayout.JAVA_INT);
        }
    }

    @Override
    public void close() {
        for (MemorySegment p : owned) {
            try {
                int ignored = (int) free.invokeExact(p);
            } catch (Throwable t) {
                // freeing at exit: nothing useful to do
            }
        }
        owned.clear();
    }
}
