package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The C ABI, one method per function, over MemorySegments (MemorySegment.NULL for NULL),
 * returning the raw gd_status. No checks: this is the layer the binding tests drive with bad
 * input to prove the library itself refuses it. {@link #of(Backend)} gives the implementation.
 */
public interface NativeCalls {
    String lastError();

    String version();

    boolean cudaCompiled();

    int cudaDeviceCount();

    int synchronize(Device d);

    int sample(Device d, MemorySegment logits, Dtype dtype, long rows, long vocab, long rowStride,
            MemorySegment rowIds, Params.Sampling p, MemorySegment outTokens, MemorySegment outLogprobs,
            MemorySegment outKeptMass);

    int tokenLogprobs(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment targets, float temperature, MemorySegment outLogprobs, MemorySegment outEntropy);

    int klPerToken(Device d, MemorySegment logprobs, MemorySegment refLogprobs, long n, int estimator,
            MemorySegment outKl);

    int klRewards(Device d, MemorySegment logprobs, MemorySegment refLogprobs, MemorySegment mask,
            MemorySegment scores, long batch, long seqLen, Params.KlReward p, MemorySegment outRewards,
            MemorySegment outKl);

    int klExact(Device d, MemorySegment logits, MemorySegment refLogits, Dtype dtype, long n, long vocab,
            long rowStride, long refRowStride, float temperature, MemorySegment outKl);

    /** statsOut receives gd_ppo_stats: loss, policy_loss, clip_fraction, approx_kl, entropy, mask_sum. */
    int ppoLoss(Device d, MemorySegment logits, Dtype dtype, long n, long vocab, long rowStride,
            MemorySegment actions, MemorySegment oldLogprobs, MemorySegment advantages, MemorySegment mask,
            Params.Ppo p, MemorySegment gradLogits, float[] statsOut);

    /** statsOut receives gd_value_stats: loss, clip_fraction, mask_sum. */
    int valueLoss(Device d, MemorySegment values, MemorySegment oldValues, MemorySegment returns,
            MemorySegment mask, long n, float clip, MemorySegment gradValues, float[] statsOut);

    int gae(Device d, MemorySegment rewards, MemorySegment values, MemorySegment mask, long batch, long seqLen,
            float gamma, float lambda, MemorySegment outAdvantages, MemorySegment outReturns);

    int maskedWhiten(Device d, MemorySegment x, MemorySegment mask, long n, boolean shiftMean, MemorySegment out);

    static NativeCalls of(Backend backend) {
        return switch (backend) {
            case JNI -> JniCalls.INSTANCE;
            case FFM -> FfmCalls.INSTANCE;
        };
    }
}
