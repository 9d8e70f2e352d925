package org.gendiv.kernels;

import static java.lang.foreign.MemorySegment.NULL;
import static java.lang.foreign.MemorySegment.ofArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input gets an error naming the argument, never a crash: once through the raw C ABI of each
 * binding (the library's own checks), once through the checked Java API (IllegalArgumentException
 * before any native call). One test per case.
 */
class BadInputTest {
    static final int INVALID = 1, NO_CUDA = 2;
    final float[] z = {0.1f, 0.5f, -0.3f, 2.0f, 1.0f, 0.0f};  // [2, 3]
    final int[] tok = new int[2];
    final float[] lp = new float[2];

    int rawSample(NativeCalls c, Params.Sampling p, long rows, long vocab) {
        return c.sample(Device.cpu(), ofArray(z), Dtype.F32, rows, vocab, Math.max(vocab, 1), null, p, ofArray(tok),
                ofArray(lp), null);
    }

    void expectNative(NativeCalls c, int status, int want, String... words) {
        assertEquals(want, status, c.lastError());
        for (String w : words) assertTrue(c.lastError().contains(w), "'" + c.lastError() + "' should name " + w);
    }

    void expectJava(Runnable call, String word) {
        var e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(word), "'" + e.getMessage() + "' should name " + word);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nanTemperature(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(Float.NaN, 1), 2, 3), INVALID, "gd_sample", "temperature");
        expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample(z, 2, 3, Params.Sampling.of(Float.NaN, 1)),
                "temperature");
        expectNative(c, c.tokenLogprobs(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 3, ofArray(new int[2]), Float.NaN,
                ofArray(lp), null), INVALID, "temperature");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void infiniteTemperature(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(Float.POSITIVE_INFINITY, 1), 2, 3), INVALID, "temperature");
        expectJava(() -> Kernels.of(b, Device.cpu()).logProbs().compute(z, 2, 3, new int[2], Float.POSITIVE_INFINITY),
                "temperature");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void negativeTemperature(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(-1f, 1), 2, 3), INVALID, "temperature");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void topPOutsideUnitInterval(Backend b) {
        var c = NativeCalls.of(b);
        for (float p : new float[] {0f, -0.5f, 1.5f, Float.NaN}) {
            expectNative(c, rawSample(c, Params.Sampling.of(1f, 1).withTopP(p), 2, 3), INVALID, "top_p");
            expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample(z, 2, 3, Params.Sampling.of(1f, 1).withTopP(p)),
                    "topP");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void topKAboveVocab(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(1f, 1).withTopK(4), 2, 3), INVALID, "top_k");
        expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample(z, 2, 3, Params.Sampling.of(1f, 1).withTopK(4)),
                "topK");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void negativeTopK(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(1f, 1).withTopK(-1), 2, 3), INVALID, "top_k");
        expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample(z, 2, 3, Params.Sampling.of(1f, 1).withTopK(-1)),
                "topK");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void minPOutOfRange(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(1f, 1).withMinP(1f), 2, 3), INVALID, "min_p");
    }

    int rawPpo(NativeCalls c, int[] actions) {
        return c.ppoLoss(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 3, ofArray(actions), ofArray(new float[2]),
                ofArray(new float[2]), ofArray(new float[] {1, 1}), Params.Ppo.study(), NULL, new float[6]);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void negativeActionId(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawPpo(c, new int[] {0, -1}), INVALID, "gd_ppo_loss", "actions[1] = -1");
        expectJava(() -> Kernels.of(b, Device.cpu()).ppo().compute(z, 2, 3, new int[] {0, -1}, new float[2],
                new float[2], new float[] {1, 1}, Params.Ppo.study(), null), "actions[1]");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void actionIdAtVocab(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawPpo(c, new int[] {3, 0}), INVALID, "actions[0] = 3");
        expectNative(c, c.tokenLogprobs(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 3, ofArray(new int[] {0, 7}), 1f,
                ofArray(lp), null), INVALID, "targets[1] = 7");
        expectJava(() -> Kernels.of(b, Device.cpu()).logProbs().compute(z, 2, 3, new int[] {0, 3}, 1f), "targets[1]");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mismatchedLengths(Backend b) {
        var k = Kernels.of(b, Device.cpu());
        expectJava(() -> k.sampling().sample(z, 3, 3, Params.Sampling.of(1f, 1)), "logits.length");
        expectJava(() -> k.ppo().compute(z, 2, 3, new int[] {0, 1}, new float[3], new float[2], new float[] {1, 1},
                Params.Ppo.study(), null), "oldLogprobs.length");
        expectJava(() -> k.kl().perToken(new float[2], new float[3], Params.KlEstimator.K2), "refLogprobs.length");
        expectJava(() -> k.advantages().gae(new float[4], new float[4], new float[3], 2, 2, 1f, 1f), "mask.length");
        // A MemorySegment shorter than its shape says.
        expectJava(() -> k.sampling().sample(ofArray(new float[5]), Dtype.F32, 2, 3, 3, null, Params.Sampling.of(1f, 1),
                ofArray(tok), ofArray(lp), null), "logits holds 5 elements, needs 6");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nullBuffers(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, c.sample(Device.cpu(), NULL, Dtype.F32, 2, 3, 3, null, Params.Sampling.of(1f, 1), ofArray(tok),
                ofArray(lp), null), INVALID, "logits must not be NULL");
        expectNative(c, c.sample(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 3, null, Params.Sampling.of(1f, 1), NULL,
                ofArray(lp), null), INVALID, "out_tokens");
        expectNative(c, c.gae(Device.cpu(), ofArray(new float[4]), NULL, ofArray(new float[4]), 2, 2, 1f, 1f,
                ofArray(new float[4]), ofArray(new float[4])), INVALID, "values");
        expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample((float[]) null, 2, 3, Params.Sampling.of(1f, 1)),
                "logits");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void zeroSizeShapes(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, rawSample(c, Params.Sampling.of(1f, 1), 0, 3), INVALID, "rows must be > 0");
        expectNative(c, rawSample(c, Params.Sampling.of(1f, 1), 2, 0), INVALID, "vocab");
        expectNative(c, c.klPerToken(Device.cpu(), ofArray(new float[1]), ofArray(new float[1]), 0, 2,
                ofArray(new float[1])), INVALID, "n must be > 0");
        expectJava(() -> Kernels.of(b, Device.cpu()).sampling().sample(new float[0], 0, 3, Params.Sampling.of(1f, 1)),
                "rows");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void rowStrideBelowVocab(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, c.sample(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 2, null, Params.Sampling.of(1f, 1),
                ofArray(tok), ofArray(lp), null), INVALID, "row_stride");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void unknownKlEstimator(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, c.klPerToken(Device.cpu(), ofArray(new float[2]), ofArray(new float[2]), 2, 7,
                ofArray(new float[2])), INVALID, "estimator");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void invalidPpoParameters(Backend b) {
        var c = NativeCalls.of(b);
        var bad = new Params.Ppo(1f, 0.2f, 0.2f, 0.5f, 0f, 20f);  // dual clip must be > 1
        expectNative(c, c.ppoLoss(Device.cpu(), ofArray(z), Dtype.F32, 2, 3, 3, ofArray(new int[2]),
                ofArray(new float[2]), ofArray(new float[2]), ofArray(new float[] {1, 1}), bad, NULL, new float[6]),
                INVALID, "dual_clip");
        expectJava(() -> Kernels.of(b, Device.cpu()).ppo().compute(z, 2, 3, new int[2], new float[2], new float[2],
                new float[] {1, 1}, bad, null), "dualClip");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void whitenNeedsTwoEntries(Backend b) {
        var c = NativeCalls.of(b);
        expectNative(c, c.maskedWhiten(Device.cpu(), ofArray(new float[3]), ofArray(new float[] {0, 1, 0}), 3, true,
                ofArray(new float[3])), INVALID, "at least 2");
        expectJava(() -> Kernels.of(b, Device.cpu()).advantages().whiten(new float[3], new float[] {0, 1, 0}, true),
                "at least 2");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cudaWithoutADevice(Backend b) {
        var c = NativeCalls.of(b);
        org.junit.jupiter.api.Assumptions.assumeTrue(c.cudaDeviceCount() == 0, "a CUDA device is present");
        int s = c.sample(Device.cuda(0), MemorySegment.ofAddress(64), Dtype.F32, 2, 3, 3, null,
                Params.Sampling.of(1f, 1), MemorySegment.ofAddress(64), MemorySegment.ofAddress(64), null);
        expectNative(c, s, NO_CUDA, "no CUDA device");
        var e = assertThrows(GendivException.class, () -> Kernels.of(b, Device.cuda(0)).synchronize());
        assertEquals(GendivException.Status.NO_CUDA_DEVICE, e.status());
    }
}
