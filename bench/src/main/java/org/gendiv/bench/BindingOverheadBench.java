package org.gendiv.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.kernels.Backend;
import org.gendiv.kernels.Device;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.NativeCalls;
import org.gendiv.kernels.Params;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the binding costs: a tiny call (one token's KL, raw ABI) and a large call (log-probs of
 * 256 rows x 50257), through JNI and FFM, with native memory and with Java arrays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BindingOverheadBench {
    static final int ROWS = 256, VOCAB = 50257;
    Arena arena;
    MemorySegment a, b, out, logits, targets, lp;
    float[] ha = {-1f}, hb = {-2f}, hout = new float[1];
    Tensor t;
    final Device cpu = Device.cpu(2);
    final NativeCalls ffm = NativeCalls.of(Backend.FFM), jni = NativeCalls.of(Backend.JNI);
    Kernels kf, kj;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        a = arena.allocate(4);
        b = arena.allocate(4);
        out = arena.allocate(4);
        t = Torch.randn(2.0, ROWS, VOCAB);
        logits = Torch.segment(t);
        targets = arena.allocate(4L * ROWS);
        lp = arena.allocate(4L * ROWS);
        kf = Kernels.of(Backend.FFM, cpu);
        kj = Kernels.of(Backend.JNI, cpu);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int tinyFfm() {
        return ffm.klPerToken(cpu, a, b, 1, Params.KlEstimator.K2.ordinal() + 1, out);
    }

    @Benchmark
    public int tinyJni() {
        return jni.klPerToken(cpu, a, b, 1, Params.KlEstimator.K2.ordinal() + 1, out);
    }

    @Benchmark
    public int tinyFfmHeapArrays() {
        return ffm.klPerToken(cpu, MemorySegment.ofArray(ha), MemorySegment.ofArray(hb), 1, 2, MemorySegment.ofArray(hout));
    }

    @Benchmark
    public int tinyJniHeapArrays() {
        return jni.klPerToken(cpu, MemorySegment.ofArray(ha), MemorySegment.ofArray(hb), 1, 2, MemorySegment.ofArray(hout));
    }

    @Benchmark
    public MemorySegment largeFfm() {
        kf.logProbs().compute(logits, Dtype.F32, ROWS, VOCAB, VOCAB, targets, 1.0f, lp, null);
        return lp;
    }

    @Benchmark
    public MemorySegment largeJni() {
        kj.logProbs().compute(logits, Dtype.F32, ROWS, VOCAB, VOCAB, targets, 1.0f, lp, null);
        return lp;
    }
}
