package org.gendiv.kernels;

/**
 * Where a kernel runs: the CPU with a thread count (0 = all cores), or a CUDA device ordinal
 * with a stream (a raw cudaStream_t address; 0 = the default stream). On CUDA every buffer
 * must be device memory (for example a LibTorch CUDA tensor's data pointer).
 */
public record Device(int ordinal, int threads, long stream) {
    public Device {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
    }

    public static Device cpu() {
        return new Device(-1, 0, 0L);
    }

    public static Device cpu(int threads) {
        return new Device(-1, threads, 0L);
    }

    public static Device cuda(int ordinal) {
        return cuda(ordinal, 0L);
    }

    public static Device cuda(int ordinal, long stream) {
        if (ordinal < 0) throw new IllegalArgumentException("CUDA ordinal must be >= 0, got " + ordinal);
        return new Device(ordinal, 0, stream);
    }

    public boolean isCuda() {
        return ordinal >= 0;
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + ordinal : "cpu" + (threads > 0 ? "(" + threads + " threads)" : "");
    }
}
