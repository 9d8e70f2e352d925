package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Entry point of the checked kernel API: a backend (JNI or FFM) and a device, and one object
 * per kernel family. Thread-safe; cheap to create.
 *
 * <pre>{@code
 * Kernels k = Kernels.cpu();
 * Sampling.Result r = k.sampling().sample(logits, rows, vocab, Params.Sampling.of(1.0f, 42));
 * }</pre>
 */
public final class Kernels {
    private final Backend backend;
    private final Device device;
    final NativeCalls calls;

    private Kernels(Backend backend, Device device) {
        this.backend = backend;
        this.device = device;
        this.calls = NativeCalls.of(backend);
    }

    /** The CPU with all cores, on the backend named by {@code -Dgendiv.backend} (FFM by default). */
    public static Kernels cpu() {
        return new Kernels(Backend.fromSystemProperty(), Device.cpu());
    }

    public static Kernels of(Backend backend, Device device) {
        if (backend == null) throw new IllegalArgumentException("backend must not be null");
        if (device == null) throw new IllegalArgumentException("device must not be null");
        return new Kernels(backend, device);
    }

    public Backend backend() {
        return backend;
    }

    public Device device() {
        return device;
    }

    public Sampling sampling() {
        return new Sampling(this);
    }

    public TokenLogProbs logProbs() {
        return new TokenLogProbs(this);
    }

    public KlPenalty kl() {
        return new KlPenalty(this);
    }

    public PpoLoss ppo() {
        return new PpoLoss(this);
    }

    public Advantages advantages() {
        return new Advantages(this);
    }

    /** The raw C ABI of this backend, unchecked (for tests and advanced callers). */
    public NativeCalls raw() {
        return calls;
    }

    public String libraryVersion() {
        return calls.version();
    }

    public boolean cudaCompiled() {
        return calls.cudaCompiled();
    }

    public int cudaDeviceCount() {
        return calls.cudaDeviceCount();
    }

    /** Waits for queued CUDA work on this device's stream (no-op on the CPU). */
    public void synchronize() {
        check(calls.synchronize(device));
    }

    void check(int status) {
        GendivException.check(status, calls);
    }

    /** On CUDA every buffer is device memory, so a Java array cannot be passed. */
    void requireReachable(MemorySegment s, String name) {
        if (device.isCuda() && s != null && !s.isNative())
            throw new IllegalArgumentException(name + " is a Java heap buffer but the device is " + device
                    + ": pass device memory (MemorySegment.ofAddress(ptr))");
    }
}
