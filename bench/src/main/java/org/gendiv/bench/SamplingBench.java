package org.gendiv.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.T_TensorTensor_T;
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
 * Sampling B = 64 rows: gendiv's kernel (FFM and JNI) against the same math composed from
 * LibTorch ops in the same run, on the same logits memory, with the same thread count; plus a
 * plain read of the logits (the memory-bandwidth ceiling for one pass).
 * "plain": temperature 1 (the study's setting). "filtered": top-k 50, top-p 0.9 at T = 0.8.
 * "top_p": top-p 0.9 alone at T = 1 (nucleus sampling as most generation code sets it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SamplingBench {
    static final int ROWS = 64;

    @Param({"50257", "151936"})
    int vocab;

    @Param({"plain", "filtered", "top_p"})
    String filter;

    @Param({"2"})
    int threads;

    Tensor logits;
    MemorySegment seg;
    Arena arena;
    MemorySegment tokens, logprobs, kept;
    Kernels ffm, jni;
    Params.Sampling params;
    long step;

    @Setup(Level.Trial)
    public void setup() {
        torch.set_num_threads(threads);
        logits = Torch.randn(3.0, ROWS, vocab);
        seg = Torch.segment(logits);
        arena = Arena.ofShared();
        tokens = arena.allocate(4L * ROWS);
        logprobs = arena.allocate(4L * ROWS);
        kept = arena.allocate(4L * ROWS);
        ffm = Kernels.of(Backend.FFM, Device.cpu(threads));
        jni = Kernels.of(Backend.JNI, Device.cpu(threads));
        params = switch (filter) {
            case "plain" -> Params.Sampling.of(1.0f, 42);
            case "filtered" -> Params.Sampling.of(0.8f, 42).withTopK(50).withTopP(0.9f);
            case "top_p" -> Params.Sampling.of(1.0f, 42).withTopP(0.9f);
            default -> throw new IllegalArgumentException("filter: plain, filtered or top_p, not " + filter);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment gendivFfm() {
        ffm.sampling().sample(seg, Dtype.F32, ROWS, vocab, vocab, null, params.withStep(step++), tokens, logprobs, kept);
        return tokens;
    }

    @Benchmark
    public MemorySegment gendivJni() {
        jni.sampling().sample(seg, Dtype.F32, ROWS, vocab, vocab, null, params.withStep(step++), tokens, logprobs, kept);
        return tokens;
    }

    /** Token, its log-prob under the full distribution and the kept mass, from LibTorch ops. */
    @Benchmark
    public float libtorch() {
        try (PointerScope scope = new PointerScope()) {
            Tensor logp = torch.log_softmax(logits.div(Torch.s(params.temperature())), 1);
            if (filter.equals("plain")) {
                Tensor tok = torch.multinomial(logp.exp(), 1);
                return logp.gather(1, tok).sum().item_float();
            }
            // top-k 50 sorts the 50 best; top-p alone sorts the whole row
            T_TensorTensor_T top = filter.equals("top_p") ? logp.sort(1, true) : logp.topk(params.topK(), 1, true, true);
            Tensor p = top.get0().exp();
            Tensor cum = p.cumsum(1);
            Tensor massK = p.sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
            // keep the smallest prefix whose mass reaches top_p of the top-k mass (of 1 without top-k)
            Tensor drop = cum.sub(p).div(massK).gt(Torch.s(params.topP()));
            Tensor q = p.masked_fill(drop, Torch.s(0.0));
            Tensor pick = torch.multinomial(q, 1);
            Tensor tok = top.get1().gather(1, pick);
            Tensor keptMass = q.sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
            return logp.gather(1, tok).sum().item_float() + keptMass.sum().item_float();
        }
    }

    /** One plain read of the logits (Vector API sum, the same thread count): the bandwidth ceiling. */
    @Benchmark
    public float readLogits() {
        return MemoryRead.sum(seg, threads);
    }
}
