package org.gendiv.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.kernels.Backend;
import org.gendiv.kernels.Device;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PPO clipped loss forward + backward for N = 2048 tokens: gendiv's fused kernel (gradient into a
 * separate buffer, or in place over the logits) against the same loss composed from LibTorch ops
 * (log_softmax + gather + clamp + autograd backward), in the same run on the same memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx2g"})
public class PpoLossBench {
    static final int N = 2048;

    @Param({"50257", "151936"})
    int vocab;

    @Param({"2"})
    int threads;

    Tensor logits, grad, actions, actionsCol, old, adv, mask;
    MemorySegment zSeg, gSeg;
    Arena arena;
    Kernels ffm, jni;
    final Params.Ppo params = Params.Ppo.study();

    @Setup(Level.Trial)
    public void setup() {
        torch.set_num_threads(threads);
        logits = Torch.randn(2.0, N, vocab);
        grad = torch.zeros(N, vocab);
        torch.manual_seed(7);
        actionsCol = torch.randint(vocab, new long[] {N, 1});
        actions = actionsCol.view(N).to(torch.ScalarType.Int).contiguous();
        old = Torch.randn(0.5, N).sub(Torch.s(Math.log(vocab)));
        adv = Torch.randn(1.0, N);
        mask = torch.ones(N);
        zSeg = Torch.segment(logits);
        gSeg = Torch.segment(grad);
        arena = Arena.ofShared();
        ffm = Kernels.of(Backend.FFM, Device.cpu(threads));
        jni = Kernels.of(Backend.JNI, Device.cpu(threads));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private float fused(Kernels k, MemorySegment out) {
        return k.ppo().compute(zSeg, Dtype.F32, N, vocab, vocab, Torch.segment(actions), Torch.segment(old),
                Torch.segment(adv), Torch.segment(mask), params, out).loss();
    }

    @Benchmark
    public float gendivFfm() {
        return fused(ffm, gSeg);
    }

    @Benchmark
    public float gendivJni() {
        return fused(jni, gSeg);
    }

    /** The gradient overwrites the logits: no [N, V] buffer at all beyond the logits. */
    @Benchmark
    public float gendivFfmInPlace() {
        return fused(ffm, zSeg);
    }

    /** One plain read of the logits: the bandwidth ceiling (the fused kernel reads twice, writes once). */
    @Benchmark
    public float readLogits() {
        return MemoryRead.sum(zSeg, threads);
    }

    @Benchmark
    public float libtorch() {
        try (PointerScope scope = new PointerScope()) {
            Tensor z = logits.detach().requires_grad_(true);
            Tensor logp = torch.log_softmax(z.div(Torch.s(params.temperature())), 1).gather(1, actionsCol).view(N);
            Tensor ratio = logp.sub(old).clamp(Torch.so(-20), Torch.so(20)).exp();
            Tensor a = adv.neg();
            Tensor pg = torch.maximum(a.mul(ratio), a.mul(ratio.clamp(Torch.so(0.8), Torch.so(1.2))));
            Tensor loss = pg.mul(mask).sum().div(mask.sum());
            loss.backward();
            return z.grad().select(0, 0).select(0, 0).item_float() + loss.item_float();
        }
    }
}
