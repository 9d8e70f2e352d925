package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.gendiv.kernels.reference.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Token log-probs, entropy and the KL penalty against float64 references. */
class LogProbsAndKlTest {
    static Stream<Arguments> shapes() {
        int[][] s = {{1, 1}, {1, 7}, {5, 9}, {3, 1000}, {2, 50257}, {1, 151936}};
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(s).flatMap(x -> Stream.of(0.6f, 1.0f, 2.0f)
                .map(t -> Arguments.of(b, x[0], x[1], t))));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void logProbsAndEntropy(Backend backend, int n, int vocab, float t) {
        var rng = new SplittableRandom(n * 7L + vocab);
        float[] z = TestData.normal(rng, n * vocab, 3.0);
        int[] y = TestData.ids(rng, n, vocab);
        if (vocab > 3) {
            z[1] = Float.NEGATIVE_INFINITY;
            if (y[0] == 1) y[0] = 0;
        }
        var r = Kernels.of(backend, Device.cpu()).logProbs().compute(z, n, vocab, y, t);
        for (int i = 0; i < n; i++) {
            TestData.close(r.logprobs()[i], ReferenceKernels.logProb(z, i * vocab, vocab, y[i], t), 1e-5, 1e-5, "logp " + i);
            TestData.close(r.entropy()[i], ReferenceKernels.entropy(z, i * vocab, vocab, t), 1e-5, 1e-5, "H " + i);
        }
    }

    /** Logits of magnitude 1e4 and -inf entries: exact in float32 because maxima cancel first. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void largeMagnitudesAndInfinities(Backend backend) {
        float[] z = {1e4f, 1e4f - 2, -1e4f, Float.NEGATIVE_INFINITY, 1e4f - 1, /* row 2 */ -1e4f, -1e4f + 3,
            Float.NEGATIVE_INFINITY, -1e4f + 1, -1e4f};
        int[] y = {4, 1};
        var r = Kernels.of(backend, Device.cpu()).logProbs().compute(z, 2, 5, y, 1.0f);
        for (int i = 0; i < 2; i++) {
            TestData.close(r.logprobs()[i], ReferenceKernels.logProb(z, i * 5, 5, y[i], 1.0), 1e-5, 0, "logp " + i);
            TestData.close(r.entropy()[i], ReferenceKernels.entropy(z, i * 5, 5, 1.0), 1e-5, 0, "H " + i);
        }
        float[] kl = Kernels.of(backend, Device.cpu()).kl().exact(z, z, 2, 5, 1.0f);
        TestData.close(kl[0], 0, 1e-6, 0, "KL(p || p)");
    }

    /** Rows with a stride larger than the vocabulary, and bf16 logits, through the MemorySegment form. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void stridedAndBf16Rows(Backend backend) {
        int n = 4, vocab = 1001, stride = 1024;
        var rng = new SplittableRandom(8);
        float[] full = TestData.normal(rng, n * stride, 2.0);
        short[] bf = TestData.toBf16(full);
        float[] rounded = TestData.fromBf16(bf);
        int[] y = TestData.ids(rng, n, vocab);
        float[] lp = new float[n], h = new float[n];
        var k = Kernels.of(backend, Device.cpu()).logProbs();
        k.compute(MemorySegment.ofArray(bf), Dtype.BF16, n, vocab, stride, MemorySegment.ofArray(y), 1.0f,
                MemorySegment.ofArray(lp), MemorySegment.ofArray(h));
        for (int i = 0; i < n; i++) {
            TestData.close(lp[i], ReferenceKernels.logProb(rounded, i * stride, vocab, y[i], 1.0), 1e-5, 1e-5, "bf16 logp");
            TestData.close(h[i], ReferenceKernels.entropy(rounded, i * stride, vocab, 1.0), 1e-5, 1e-5, "bf16 H");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void klEstimators(Backend backend) {
        var rng = new SplittableRandom(2);
        float[] a = TestData.normal(rng, 1001, 1.0), b = TestData.normal(rng, 1001, 1.0);
        var kl = Kernels.of(backend, Device.cpu()).kl();
        for (Params.KlEstimator e : Params.KlEstimator.values()) {
            float[] k = kl.perToken(a, b, e);
            for (int i = 0; i < a.length; i++)
                TestData.close(k[i], ReferenceKernels.klEstimate(e, a[i], b[i]), 1e-6, 1e-5, e + " " + i);
        }
        // Hand-worked: logp = -1, ref = -2 -> r = -1: k1 = 1, k2 = 0.5, k3 = e^-1 - 1 + 1 = 0.36788.
        float[] one = {-1}, ref = {-2};
        assertEquals(1.0f, kl.perToken(one, ref, Params.KlEstimator.K1)[0], 1e-7);
        assertEquals(0.5f, kl.perToken(one, ref, Params.KlEstimator.K2)[0], 1e-7);
        assertEquals((float) Math.exp(-1), kl.perToken(one, ref, Params.KlEstimator.K3)[0], 1e-7);
    }

    /**
     * Hand-worked rewards, beta = 0.1, k2, score clip 2: row 0 mask {1,1,1,0}, logp - ref = {0.2, 0, -0.4}
     * -> k2 = {0.02, 0, 0.08} -> rewards {-0.002, 0, -0.008 + clip(3.5) = 1.992, 0}; row 1 all masked -> 0.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void klRewardsHandWorked(Backend backend) {
        float[] lp = {-1.0f, -2.0f, -3.4f, -9f, -1, -1, -1, -1};
        float[] ref = {-1.2f, -2.0f, -3.0f, 0, 0, 0, 0, 0};
        float[] mask = {1, 1, 1, 0, 0, 0, 0, 0};
        float[] scores = {3.5f, 4.0f};
        var r = Kernels.of(backend, Device.cpu()).kl().rewards(lp, ref, mask, scores, 2, 4,
                new Params.KlReward(0.1f, Params.KlEstimator.K2, 2.0f));
        float[] want = {-0.002f, 0, 1.992f, 0, 0, 0, 0, 0};
        for (int i = 0; i < 8; i++) TestData.close(r.rewards()[i], want[i], 1e-6, 1e-5, "reward " + i);
        TestData.close(r.kl()[2], 0.08, 1e-6, 1e-5, "kl at t = 2");
    }

    @ParameterizedTest
    @MethodSource("klShapes")
    void klExact(Backend backend, int n, int vocab) {
        var rng = new SplittableRandom(vocab);
        float[] a = TestData.normal(rng, n * vocab, 2.0), b = TestData.normal(rng, n * vocab, 2.0);
        if (vocab > 2) {
            a[0] = Float.NEGATIVE_INFINITY;  // zero mass under pi: contributes nothing
            b[0] = Float.NEGATIVE_INFINITY;
        }
        float[] kl = Kernels.of(backend, Device.cpu()).kl().exact(a, b, n, vocab, 0.8f);
        for (int i = 0; i < n; i++)
            TestData.close(kl[i], ReferenceKernels.klExact(a, i * vocab, b, i * vocab, vocab, 0.8), 1e-5, 1e-4, "row " + i);
    }

    static Stream<Arguments> klShapes() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(Arguments.of(b, 1, 1), Arguments.of(b, 3, 5),
                Arguments.of(b, 4, 1029), Arguments.of(b, 2, 50257)));
    }
}
