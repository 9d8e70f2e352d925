package org.gendiv.kernels;

import static java.lang.foreign.MemorySegment.NULL;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import org.gendiv.kernels.ffm.gd_context;
import org.gendiv.kernels.ffm.gd_kl_reward_params;
import org.gendiv.kernels.ffm.gd_ppo_params;
import org.gendiv.kernels.ffm.gd_ppo_stats;
import org.gendiv.kernels.ffm.gd_sampling_params;
import org.gendiv.kernels.ffm.gd_value_stats;
import org.gendiv.kernels.ffm.gendiv_h;

/**
 * FFM backend. Native segments go through gendiv_h's plain downcalls; a call that passes any
 * heap segment (a Java array) uses a critical downcall that lets the library read the array in
 * place, so arrays cost no copy (the GC waits for the call, which is short and never calls back).
 */
final class FfmCalls implements NativeCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    static final FfmCalls INSTANCE = new FfmCalls();

    private final MethodHandle sampleHeap = critical(gendiv_h.gd_sample$address(), gendiv_h.gd_sample$descriptor());
    private final MethodHandle logprobsHeap = critical(gendiv_h.gd_token_logprobs$address(),
            gendiv_h.gd_token_logprobs$descriptor());
    private final MethodHandle klTokenHeap = critical(gendiv_h.gd_kl_per_token$address(),
            gendiv_h.gd_kl_per_token$descriptor());
    private final MethodHandle klRewardsHeap = critical(gendiv_h.gd_kl_rewards$address(),
            gendiv_h.gd_kl_rewards$descriptor());
    private final MethodHandle klExactHeap = critical(gendiv_h.gd_kl_exact$address(),
            gendiv_h.gd_kl_exact$descriptor());
    private final MethodHandle ppoHeap = critical(gendiv_h.gd_ppo_loss$address(), gendiv_h.gd_ppo_loss$descriptor());
    private final MethodHandle valueHeap = critical(gendiv_h.gd_value_loss$address(),
            gendiv_h.gd_value_loss$descriptor());
    private final MethodHandle gaeHeap = critical(gendiv_h.gd_gae$address(), gendiv_h.gd_gae$descriptor());
    private final MethodHandle whitenHeap = critical(gendiv_h.gd_masked_whiten$address(),
            gendiv_h.gd_masked_whiten$descriptor());

    private FfmCalls() {}

    private static MethodHandle critical(MemorySegment addr, FunctionDescriptor desc) {
        return LINKER.downcallHandle(addr, desc, Linker.Option.critical(true));
    }

    private static boolean anyHeap(MemorySegment... segments) {
        for (MemorySegment s : segments)
            if (s != null && !s.isNative()) return true;
        return false;
    }

    private static MemorySegment orNull(MemorySegment s) {
        return s == null ? NULL : s;
    }

    private static MemorySegment context(Arena arena, Device d) {
        MemorySegment ctx = gd_context.allocate(arena);
        gd_context.device(ctx, d.ordinal());
        gd_context.num_threads(ctx, d.threads());
        gd_context.stream(ctx, MemorySegment.ofAddress(d.stream()));
        return ctx;
    }

    private static RuntimeException downcallFailed(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException("FFM downcall failed", t);
    }

    @Override
    public String lastError() {
        return gendiv_h.gd_last_error().reinterpret(Long.MAX_VALUE).getString(0);
    }

    @Override
    public String version() {
        return gendiv_h.gd_version().reinterpret(Long.MAX_VALUE).getString(0);
    }

    @Override
    public boolean cudaCompiled() {
        return gendiv_h.gd_cuda_compiled() != 0;
    }

    @Override
    public int cudaDeviceCount() {
        return gendiv_h.gd_cuda_device_count();
    }

    @Override
    public int synchronize(Device d) {
        try (Arena a = Arena.ofConfined()) {
            return gendiv_h.gd_synchronize(context(a, d));
        }
    }

    @Override
    public int sample(Device d, MemorySegment logits, Dtype dtype, long rows, long vocab, long rowStride,
            MemorySegment rowIds, Params.Sampling p, MemorySegment outTokens, MemorySegment outLogprobs,
            MemorySegment outKeptMass) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ps = gd_sampling_params.allocate(a);
            gd_sampling_params.temperature(ps, p.temperature());
            gd_sampling_params.top_k(ps, p.topK());
            gd_sampling_params.top_p(ps, p.topP());
            gd_sampling_params.min_p(ps, p.minP());
            gd_sampling_params.seed(ps, p.seed());
            gd_sampling_params.step(ps, p.step());
            MethodHandle h = anyHeap(logits, rowIds, outTokens, outLogprobs, outKeptMass)
                    ? sampleHeap : gendiv_h.gd_sample$handle();
            return (int) h.invokeExact(context(a, d), orNull(logits), dtype.code, rows, vocab, rowStride,
                    orNull(rowIds), ps, orNull(outTokens), orNull(outLogprobs), orNull(outKeptMass));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int tokenLogprobs(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment targets, float temperature, MemorySegment outLogprobs, MemorySegment outEntropy) {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = anyHeap(logits, targets, outLogprobs, outEntropy)
                    ? logprobsHeap : gendiv_h.gd_token_logprobs$handle();
            return (int) h.invokeExact(context(a, d), orNull(logits), dtype.code, n, vocab, rowStride, orNull(targets),
                    temperature, orNull(outLogprobs), orNull(outEntropy));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int klPerToken(Device d, MemorySegment logprobs, MemorySegment refLogprobs, long n, int estimator,
            MemorySegment outKl) {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = anyHeap(logprobs, refLogprobs, outKl) ? klTokenHeap : gendiv_h.gd_kl_per_token$handle();
            return (int) h.invokeExact(context(a, d), orNull(logprobs), orNull(refLogprobs), n, estimator,
                    orNull(outKl));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int klRewards(Device d, MemorySegment logprobs, MemorySegment refLogprobs, MemorySegment mask,
            MemorySegment scores, long batch, long seqLen, Params.KlReward p, MemorySegment outRewards,
            MemorySegment outKl) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ps = gd_kl_reward_params.allocate(a);
            gd_kl_reward_params.beta(ps, p.beta());
            gd_kl_reward_params.estimator(ps, p.estimator() == null ? 0 : p.estimator().code);
            gd_kl_reward_params.score_clip(ps, p.scoreClip());
            MethodHandle h = anyHeap(logprobs, refLogprobs, mask, scores, outRewards, outKl)
                    ? klRewardsHeap : gendiv_h.gd_kl_rewards$handle();
            return (int) h.invokeExact(context(a, d), orNull(logprobs), orNull(refLogprobs), orNull(mask),
                    orNull(scores), batch, seqLen, ps, orNull(outRewards), orNull(outKl));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int klExact(Device d, MemorySegment logits, MemorySegment refLogits, Dtype dtype, long n, long vocab,
            long rowStride, long refRowStride, float temperature, MemorySegment outKl) {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = anyHeap(logits, refLogits, outKl) ? klExactHeap : gendiv_h.gd_kl_exact$handle();
            return (int) h.invokeExact(context(a, d), orNull(logits), orNull(refLogits), dtype.code, n, vocab,
                    rowStride, refRowStride, temperature, orNull(outKl));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int ppoLoss(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment actions, MemorySegment oldLogprobs, MemorySegment advantages, MemorySegment mask,
            Params.Ppo p, MemorySegment gradLogits, float[] statsOut) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ps = gd_ppo_params.allocate(a);
            gd_ppo_params.temperature(ps, p.temperature());
            gd_ppo_params.eps_low(ps, p.epsLow());
            gd_ppo_params.eps_high(ps, p.epsHigh());
            gd_ppo_params.dual_clip(ps, p.dualClip());
            gd_ppo_params.entropy_coef(ps, p.entropyCoef());
            gd_ppo_params.log_ratio_clamp(ps, p.logRatioClamp());
            MemorySegment st = statsOut == null ? NULL : gd_ppo_stats.allocate(a);
            MethodHandle h = anyHeap(logits, actions, oldLogprobs, advantages, mask, gradLogits)
                    ? ppoHeap : gendiv_h.gd_ppo_loss$handle();
            int status = (int) h.invokeExact(context(a, d), orNull(logits), dtype.code, n, vocab, rowStride,
                    orNull(actions), orNull(oldLogprobs), orNull(advantages), orNull(mask), ps, orNull(gradLogits), st);
            if (status == 0 && statsOut != null) MemorySegment.copy(st, ValueLayout.JAVA_FLOAT, 0, statsOut, 0, 6);
            return status;
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int valueLoss(Device d, MemorySegment values, MemorySegment oldValues, MemorySegment returns,
            MemorySegment mask, long n, float clip, MemorySegment gradValues, float[] statsOut) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = statsOut == null ? NULL : gd_value_stats.allocate(a);
            MethodHandle h = anyHeap(values, oldValues, returns, mask, gradValues)
                    ? valueHeap : gendiv_h.gd_value_loss$handle();
            int status = (int) h.invokeExact(context(a, d), orNull(values), orNull(oldValues), orNull(returns),
                    orNull(mask), n, clip, orNull(gradValues), st);
            if (status == 0 && statsOut != null) MemorySegment.copy(st, ValueLayout.JAVA_FLOAT, 0, statsOut, 0, 3);
            return status;
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int gae(Device d, MemorySegment rewards, MemorySegment values, MemorySegment mask, long batch,
            long seqLen, float gamma, float lambda, MemorySegment outAdvantages, MemorySegment outReturns) {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = anyHeap(rewards, values, mask, outAdvantages, outReturns) ? gaeHeap : gendiv_h.gd_gae$handle();
            return (int) h.invokeExact(context(a, d), orNull(rewards), orNull(values), orNull(mask), batch, seqLen,
                    gamma, lambda, orNull(outAdvantages), orNull(outReturns));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }

    @Override
    public int maskedWhiten(Device d, MemorySegment x, MemorySegment mask, long n, boolean shiftMean,
            MemorySegment out) {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = anyHeap(x, mask, out) ? whitenHeap : gendiv_h.gd_masked_whiten$handle();
            return (int) h.invokeExact(context(a, d), orNull(x), orNull(mask), n, shiftMean ? 1 : 0, orNull(out));
        } catch (Throwable t) {
            throw downcallFailed(t);
        }
    }
}
