package org.gendiv.kernels;

import static java.lang.foreign.MemorySegment.ofArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * CUDA against the CPU on the same inputs, through both bindings. Compiled always; runs only where
 * libgendiv sees a CUDA device and libcudart loads, and is reported as skipped elsewhere.
 */
@EnabledIf("org.gendiv.kernels.CudaKernelsTest#gpuPresent")
class CudaKernelsTest {
    static boolean gpuPresent() {
        return CudaMemory.open().map(c -> {
            c.close();
            return true;
        }).orElse(false);
    }

    @Test
    void selfTestPassesOnCuda() {
        var rows = SelfTest.runAll();
        assertTrue(rows.stream().anyMatch(r -> r.device().startsWith("cuda") && !Double.isNaN(r.maxError())));
        for (var r : rows) assertTrue(r.pass(), r.toString());
    }

    @Test
    void samplingAndPpoMatchTheCpu() {
        int rows = 64, vocab = 50257;
        var rng = new SplittableRandom(1);
        float[] z = TestData.normal(rng, rows * vocab, 3.0);
        var p = Params.Sampling.of(1.0f, 3).withStep(2);
        try (CudaMemory cuda = CudaMemory.open().orElseThrow()) {
            for (Backend b : Backend.values()) {
                int[] cpu = Kernels.of(b, Device.cpu()).sampling().sample(z, rows, vocab, p).tokens();
                var dTok = cuda.allocate(4L * rows);
                Kernels.of(b, Device.cuda(0)).sampling().sample(cuda.upload(z), Dtype.F32, rows, vocab, vocab, null, p,
                        dTok, cuda.allocate(4L * rows), null);
                assertArrayEquals(cpu, cuda.downloadInts(dTok, rows), b + ": CUDA draws differ from the CPU's");

                int n = 32;
                int[] act = TestData.ids(rng, n, vocab);
                float[] old = new float[n], adv = TestData.normal(rng, n, 1.0), mask = new float[n];
                java.util.Arrays.fill(mask, 1f);
                for (int i = 0; i < n; i++) old[i] = -11f;
                float[] gCpu = new float[n * vocab];
                float[] zz = java.util.Arrays.copyOf(z, n * vocab);
                var sCpu = Kernels.of(b, Device.cpu()).ppo().compute(zz, n, vocab, act, old, adv, mask,
                        Params.Ppo.study(), gCpu);
                var dGrad = cuda.allocate(4L * n * vocab);
                var sGpu = Kernels.of(b, Device.cuda(0)).ppo().compute(cuda.upload(zz), Dtype.F32, n, vocab, vocab,
                        cuda.upload(act), cuda.upload(old), cuda.upload(adv), cuda.upload(mask), Params.Ppo.study(), dGrad);
                TestData.close(sGpu.loss(), sCpu.loss(), 1e-5, 1e-4, "loss");
                float[] gGpu = cuda.downloadFloats(dGrad, n * vocab);
                for (int i = 0; i < gGpu.length; i++) TestData.close(gGpu[i], gCpu[i], 1e-7, 1e-3, "grad " + i);
                assertTrue(ofArray(gCpu).byteSize() > 0);
            }
        }
    }
}
