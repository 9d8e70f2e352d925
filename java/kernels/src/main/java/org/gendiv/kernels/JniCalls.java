package org.gendiv.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.gendiv.kernels.jni.GendivLibrary;
import org.gendiv.kernels.jni.GendivLibrary.Address;

/**
 * JNI backend through the JavaCPP binding. Native segments pass their address; heap segments
 * (Java arrays) are staged through native memory, as JNI's Get*ArrayElements would copy them on
 * HotSpot anyway: inputs copied in, outputs copied back after the call.
 */
final class JniCalls implements NativeCalls {
    static final JniCalls INSTANCE = new JniCalls();

    private JniCalls() {
        Loader.load(GendivLibrary.class);
    }

    /** Native views of a call's segments; heap ones copied, and outputs copied back on close. */
    private static final class Staging implements AutoCloseable {
        private Arena arena;  // only when a Java array must be copied
        private final List<MemorySegment[]> staged = new ArrayList<>();  // {heap, native copy}
        private final List<Boolean> outputs = new ArrayList<>();

        Pointer in(MemorySegment s) {
            return view(s, false);
        }

        Pointer out(MemorySegment s) {
            return view(s, true);
        }

        private Pointer view(MemorySegment s, boolean output) {
            if (s == null || s.equals(MemorySegment.NULL)) return null;
            if (s.isNative()) return Address.of(s.address());
            for (int i = 0; i < staged.size(); i++) {  // the same heap region twice (grad aliasing logits)
                MemorySegment[] pair = staged.get(i);
                if (sameRegion(pair[0], s)) {
                    if (output) outputs.set(i, true);
                    return Address.of(pair[1].address());
                }
            }
            if (arena == null) arena = Arena.ofConfined();
            MemorySegment copy = arena.allocate(Math.max(1, s.byteSize()), 16);
            MemorySegment.copy(s, 0, copy, 0, s.byteSize());
            staged.add(new MemorySegment[] {s, copy});
            outputs.add(output);
            return Address.of(copy.address());
        }

        private static boolean sameRegion(MemorySegment a, MemorySegment b) {
            return a.heapBase().isPresent() && b.heapBase().isPresent() && a.heapBase().get() == b.heapBase().get()
                    && a.address() == b.address() && a.byteSize() == b.byteSize();
        }

        @Override
        public void close() {
            for (int i = 0; i < staged.size(); i++)
                if (outputs.get(i)) MemorySegment.copy(staged.get(i)[1], 0, staged.get(i)[0], 0, staged.get(i)[0].byteSize());
            if (arena != null) arena.close();
        }
    }

    // Parameter structs are native allocations (about 1 us each through JavaCPP), so each thread
    // keeps one of each and refills it per call.
    private static final ThreadLocal<GendivLibrary.gd_context> CONTEXT =
            ThreadLocal.withInitial(GendivLibrary.gd_context::new);
    private static final ThreadLocal<GendivLibrary.gd_sampling_params> SAMPLING =
            ThreadLocal.withInitial(GendivLibrary.gd_sampling_params::new);
    private static final ThreadLocal<GendivLibrary.gd_kl_reward_params> KL_REWARD =
            ThreadLocal.withInitial(GendivLibrary.gd_kl_reward_params::new);
    private static final ThreadLocal<GendivLibrary.gd_ppo_params> PPO =
            ThreadLocal.withInitial(GendivLibrary.gd_ppo_params::new);
    private static final ThreadLocal<GendivLibrary.gd_ppo_stats> PPO_STATS =
            ThreadLocal.withInitial(GendivLibrary.gd_ppo_stats::new);
    private static final ThreadLocal<GendivLibrary.gd_value_stats> VALUE_STATS =
            ThreadLocal.withInitial(GendivLibrary.gd_value_stats::new);

    private static GendivLibrary.gd_context context(Device d) {
        return CONTEXT.get().device(d.ordinal()).num_threads(d.threads()).stream(Address.of(d.stream()));
    }

    @Override
    public String lastError() {
        return GendivLibrary.gd_last_error().getString();
    }

    @Override
    public String version() {
        return GendivLibrary.gd_version().getString();
    }

    @Override
    public boolean cudaCompiled() {
        return GendivLibrary.gd_cuda_compiled() != 0;
    }

    @Override
    public int cudaDeviceCount() {
        return GendivLibrary.gd_cuda_device_count();
    }

    @Override
    public int synchronize(Device d) {
        return GendivLibrary.gd_synchronize(context(d));
    }

    @Override
    public int sample(Device d, MemorySegment logits, Dtype dtype, long rows, long vocab, long rowStride,
            MemorySegment rowIds, Params.Sampling p, MemorySegment outTokens, MemorySegment outLogprobs,
            MemorySegment outKeptMass) {
        try (var s = new Staging()) {
            var ctx = context(d);
            var ps = SAMPLING.get();
            ps.temperature(p.temperature()).top_k(p.topK()).top_p(p.topP()).min_p(p.minP()).seed(p.seed())
                    .step(p.step());
            return GendivLibrary.gd_sample(ctx, s.in(logits), dtype.code, rows, vocab, rowStride, s.in(rowIds), ps,
                    s.out(outTokens), s.out(outLogprobs), s.out(outKeptMass));
        }
    }

    @Override
    public int tokenLogprobs(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment targets, float temperature, MemorySegment outLogprobs, MemorySegment outEntropy) {
        try (var s = new Staging()) {
            var ctx = context(d);
            return GendivLibrary.gd_token_logprobs(ctx, s.in(logits), dtype.code, n, vocab, rowStride, s.in(targets),
                    temperature, s.out(outLogprobs), s.out(outEntropy));
        }
    }

    @Override
    public int klPerToken(Device d, MemorySegment logprobs, MemorySegment refLogprobs, long n, int estimator,
            MemorySegment outKl) {
        try (var s = new Staging()) {
            var ctx = context(d);
            return GendivLibrary.gd_kl_per_token(ctx, s.in(logprobs), s.in(refLogprobs), n, estimator, s.out(outKl));
        }
    }

    @Override
    public int klRewards(Device d, MemorySegment logprobs, MemorySegment refLogprobs, MemorySegment mask,
            MemorySegment scores, long batch, long seqLen, Params.KlReward p, MemorySegment outRewards,
            MemorySegment outKl) {
        try (var s = new Staging()) {
            var ctx = context(d);
            var ps = KL_REWARD.get();
            ps.beta(p.beta()).estimator(p.estimator() == null ? 0 : p.estimator().code).score_clip(p.scoreClip());
            return GendivLibrary.gd_kl_rewards(ctx, s.in(logprobs), s.in(refLogprobs), s.in(mask), s.in(scores), batch,
                    seqLen, ps, s.out(outRewards), s.out(outKl));
        }
    }

    @Override
    public int klExact(Device d, MemorySegment logits, MemorySegment refLogits, Dtype dtype, long n, long vocab,
            long rowStride, long refRowStride, float temperature, MemorySegment outKl) {
        try (var s = new Staging()) {
            var ctx = context(d);
            return GendivLibrary.gd_kl_exact(ctx, s.in(logits), s.in(refLogits), dtype.code, n, vocab, rowStride,
                    refRowStride, temperature, s.out(outKl));
        }
    }

    @Override
    public int ppoLoss(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment actions, MemorySegment oldLogprobs, MemorySegment advantages, MemorySegment mask,
            Params.Ppo p, MemorySegment gradLogits, float[] statsOut) {
        try (var s = new Staging()) {
            var ctx = context(d);
            var ps = PPO.get();
            var st = PPO_STATS.get();
            ps.temperature(p.temperature()).eps_low(p.epsLow()).eps_high(p.epsHigh()).dual_clip(p.dualClip())
                    .entropy_coef(p.entropyCoef()).log_ratio_clamp(p.logRatioClamp());
            int status = GendivLibrary.gd_ppo_loss(ctx, s.in(logits), dtype.code, n, vocab, rowStride, s.in(actions),
                    s.in(oldLogprobs), s.in(advantages), s.in(mask), ps, s.out(gradLogits), statsOut == null ? null : st);
            if (status == 0 && statsOut != null) {
                statsOut[0] = st.loss();
                statsOut[1] = st.policy_loss();
                statsOut[2] = st.clip_fraction();
                statsOut[3] = st.approx_kl();
                statsOut[4] = st.entropy();
                statsOut[5] = st.mask_sum();
            }
            return status;
        }
    }

    @Override
    public int valueLoss(Device d, MemorySegment values, MemorySegment oldValues, MemorySegment returns,
            MemorySegment mask, long n, float clip, MemorySegment gradValues, float[] statsOut) {
        try (var s = new Staging()) {
            var ctx = context(d);
            var st = VALUE_STATS.get();
            int status = GendivLibrary.gd_value_loss(ctx, s.in(values), s.in(oldValues), s.in(returns), s.in(mask), n,
                    clip, s.out(gradValues), statsOut == null ? null : st);
            if (status == 0 && statsOut != null) {
                statsOut[0] = st.loss();
                statsOut[1] = st.clip_fraction();
                statsOut[2] = st.mask_sum();
            }
            return status;
        }
    }

    @Override
    public int gae(Device d, MemorySegment rewards, MemorySegment values, MemorySegment mask, long batch,
            long seqLen, float gamma, float lambda, MemorySegment outAdvantages, MemorySegment outReturns) {
        try (var s = new Staging()) {
            var ctx = context(d);
            return GendivLibrary.gd_gae(ctx, s.in(rewards), s.in(values), s.in(mask), batch, seqLen, gamma, lambda,
                    s.out(outAdvantages), s.out(outReturns));
        }
    }

    @Override
    public int maskedWhiten(Device d, MemorySegment x, MemorySegment mask, long n, boolean shiftMean,
            MemorySegment out) {
        try (var s = new Staging()) {
            var ctx = context(d);
            return GendivLibrary.gd_masked_whiten(ctx, s.in(x), s.in(mask), n, shiftMean ? 1 : 0, s.out(out));
        }
    }
}
