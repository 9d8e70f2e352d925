package org.gendiv.core.model;

import java.util.concurrent.atomic.LongAdder;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The matrix-multiply FLOPs the transformers have run in this process (2 per multiply-add: the
 * blocks' weight matrices, attention's scores and weighted sums, the LM head), so a stage's
 * FLOP rate can be set against LibTorch's own matmul rate on the same machine. A forward pass
 * run with gradients enabled is counted three times (its backward costs twice the forward, the
 * usual 6 N tokens accounting); one under no-grad once. Norms, activations, the embedding
 * lookup and the scalar heads are left out: a lower bound, within a few percent at these sizes.
 */
public final class Flops {
    private static final LongAdder TOTAL = new LongAdder();

    private Flops() {}

    /** FLOPs counted so far; a stage's are the difference across it. */
    public static long total() {
        return TOTAL.sum();
    }

    /** Counts a forward pass of flops FLOPs (times three when gradients are enabled). */
    static void forward(long flops) {
        TOTAL.add(GradMode.is_enabled() ? 3 * flops : flops);
    }

    /** A dense matmul of [rows, in] by [in, out]. */
    static long matmul(long rows, long in, long out) {
        return 2 * rows * in * out;
    }

    /**
     * LibTorch's float32 matmul rate here, in GFLOP/s: n x n by n x n products on the current
     * device for seconds seconds, after a quarter of that as warm-up. The yardstick for the
     * stages' rates, measured in the same run (best at its end: at a JVM's start its compiler
     * threads take a core, and the rate read there was 51 against 80 GFLOP/s).
     */
    public static double matmulRate(int n, double seconds) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor a = Devices.to(torch.randn(n, n)), b = Devices.to(torch.randn(n, n));
            for (long w0 = System.nanoTime(); System.nanoTime() - w0 < seconds * 0.25e9; )
                Devices.cpu(a.matmul(b).sum());  // warm-up (and, on a GPU, a sync)
            long t0 = System.nanoTime(), done = 0;
            while (System.nanoTime() - t0 < seconds * 1e9) {
                Devices.cpu(a.matmul(b).sum());
                done++;
            }
            return done * matmul(n, n, n) / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
    }
}
