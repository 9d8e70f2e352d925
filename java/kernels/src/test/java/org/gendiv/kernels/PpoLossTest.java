package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.gendiv.kernels.reference.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The fused PPO loss: statistics against float64, gradient against central finite differences. */
class PpoLossTest {
    static final Params.Ppo[] PARAMS = {
        Params.Ppo.study(),
        new Params.Ppo(0.7f, 0.1f, 0.28f, 0.0f, 0.0f, 20.0f),   // asymmetric clip, temperature
        new Params.Ppo(1.0f, 0.2f, 0.2f, 2.0f, 0.05f, 20.0f),   // dual clip and entropy bonus
        new Params.Ppo(1.3f, 0.2f, 0.2f, 0.0f, 0.01f, 0.25f),   // a tight log-ratio clamp
    };

    record Case(float[] z, int[] act, float[] old, float[] adv, float[] mask) {}

    static Case randomCase(long seed, int n, int vocab) {
        var rng = new SplittableRandom(seed);
        float[] z = TestData.normal(rng, n * vocab, 2.0);
        int[] act = TestData.ids(rng, n, vocab);
        float[] old = new float[n], adv = TestData.normal(rng, n, 1.0), mask = new float[n];
        for (int i = 0; i < n; i++) {
            old[i] = (float) (ReferenceKernels.logProb(z, i * vocab, vocab, act[i], 1.0) + (rng.nextDouble() - 0.5));
            mask[i] = i % 4 == 3 ? 0 : 1;
        }
        return new Case(z, act, old, adv, mask);
    }

    /** The loss in float64, written out once more for finite differences. */
    static double loss64(double[] z, Case c, int n, int vocab, Params.Ppo p) {
        double t = p.temperature(), msum = 0, total = 0;
        for (float m : c.mask()) msum += m;
        for (int i = 0; i < n; i++) {
            if (c.mask()[i] == 0) continue;
            double m = Double.NEGATIVE_INFINITY, s = 0, h = 0;
            for (int v = 0; v < vocab; v++) m = Math.max(m, z[i * vocab + v] / t);
            for (int v = 0; v < vocab; v++) s += Math.exp(z[i * vocab + v] / t - m);
            double lse = m + Math.log(s);
            for (int v = 0; v < vocab; v++) {
                double lp = z[i * vocab + v] / t - lse;
                h -= Math.exp(lp) * lp;
            }
            double lr = z[i * vocab + c.act()[i]] / t - lse - c.old()[i];
            lr = Math.max(-p.logRatioClamp(), Math.min(p.logRatioClamp(), lr));
            double ratio = Math.exp(lr), a = c.adv()[i];
            double l = Math.max(-a * ratio, -a * Math.max(1 - p.epsLow(), Math.min(1 + p.epsHigh(), ratio)));
            if (p.dualClip() > 0 && a < 0) l = Math.min(l, -p.dualClip() * a);
            total += c.mask()[i] * (l - p.entropyCoef() * h);
        }
        return total / msum;
    }

    static Stream<Arguments> cases() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(PARAMS).map(p -> Arguments.of(b, p)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientMatchesCentralFiniteDifferences(Backend backend, Params.Ppo p) {
        int n = 8, vocab = 13;
        Case c = randomCase(17, n, vocab);
        float[] grad = new float[n * vocab];
        var st = Kernels.of(backend, Device.cpu()).ppo().compute(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), p, grad);
        double[] z = new double[n * vocab];
        for (int i = 0; i < z.length; i++) z[i] = c.z()[i];
        TestData.close(st.loss(), loss64(z, c, n, vocab, p), 1e-5, 1e-5, "loss");
        double h = 1e-5;
        for (int i = 0; i < z.length; i++) {
            double keep = z[i];
            z[i] = keep + h;
            double up = loss64(z, c, n, vocab, p);
            z[i] = keep - h;
            double down = loss64(z, c, n, vocab, p);
            z[i] = keep;
            TestData.close(grad[i], (up - down) / (2 * h), 2e-6, 1e-3, "d loss / d z[" + i + "]");
        }
    }

    /** Statistics against the reference at realistic vocabulary sizes, and every row's gradient. */
    @ParameterizedTest
    @MethodSource("cases")
    void statsAndGradientAgainstReference(Backend backend, Params.Ppo p) {
        for (int[] shape : new int[][] {{1, 1}, {6, 1000}, {3, 50257}}) {
            int n = shape[0], vocab = shape[1];
            Case c = randomCase(n * 13L + vocab, n, vocab);
            if (n == 1) c.mask()[0] = 1;
            float[] grad = new float[n * vocab];
            var st = Kernels.of(backend, Device.cpu()).ppo().compute(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), p, grad);
            double[] want = ReferenceKernels.ppoLoss(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), p);
            double[] g = ReferenceKernels.ppoGrad(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), p);
            TestData.close(st.loss(), want[0], 1e-5, 1e-5, "loss");
            TestData.close(st.policyLoss(), want[1], 1e-5, 1e-5, "policy loss");
            TestData.close(st.clipFraction(), want[2], 1e-7, 0, "clip fraction");
            TestData.close(st.approxKl(), want[3], 1e-5, 1e-4, "approx KL");
            TestData.close(st.entropy(), want[4], 1e-5, 1e-5, "entropy");
            assertEquals(want[5], st.maskSum(), 0.0);
            for (int i = 0; i < g.length; i++) TestData.close(grad[i], g[i], 1e-7, 1e-3, "grad " + i);
        }
    }

    /** The gradient may overwrite the logits: same numbers as with a separate buffer. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void gradientInPlace(Backend backend) {
        int n = 5, vocab = 3001;
        Case c = randomCase(3, n, vocab);
        var k = Kernels.of(backend, Device.cpu()).ppo();
        var p = PARAMS[2];
        float[] separate = new float[n * vocab];
        var s1 = k.compute(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), p, separate);
        float[] inPlace = c.z().clone();
        var s2 = k.compute(inPlace, n, vocab, c.act(), c.old(), c.adv(), c.mask(), p, inPlace);
        assertArrayEquals(separate, inPlace);
        assertEquals(s1, s2);
    }

    /** Masked rows get a zero gradient; an all-zero mask gives loss 0 and a zero gradient. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void masks(Backend backend) {
        int n = 4, vocab = 37;
        Case c = randomCase(5, n, vocab);
        float[] grad = new float[n * vocab];
        var k = Kernels.of(backend, Device.cpu()).ppo();
        k.compute(c.z(), n, vocab, c.act(), c.old(), c.adv(), c.mask(), Params.Ppo.study(), grad);
        for (int v = 0; v < vocab; v++) assertEquals(0.0f, grad[3 * vocab + v]);
        float[] zeros = new float[n];
        java.util.Arrays.fill(grad, 1f);
        var st = k.compute(c.z(), n, vocab, c.act(), c.old(), c.adv(), zeros, Params.Ppo.study(), grad);
        assertEquals(0.0f, st.loss());
        assertEquals(0.0f, st.maskSum());
        for (float g : grad) assertEquals(0.0f, g);
    }

    /** bf16 logits and gradient: close to the float32 computation on the same values. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void bf16(Backend backend) {
        int n = 6, vocab = 2000;
        Case c = randomCase(6, n, vocab);
        short[] zb = TestData.toBf16(c.z());
        float[] zf = TestData.fromBf16(zb);
        var k = Kernels.of(backend, Device.cpu()).ppo();
        float[] gf = new float[n * vocab];
        var sf = k.compute(zf, n, vocab, c.act(), c.old(), c.adv(), c.mask(), Params.Ppo.study(), gf);
        var seg = java.lang.foreign.MemorySegment.ofArray(zb);
        var sb = k.compute(seg, Dtype.BF16, n, vocab, vocab, java.lang.foreign.MemorySegment.ofArray(c.act()),
                java.lang.foreign.MemorySegment.ofArray(c.old()), java.lang.foreign.MemorySegment.ofArray(c.adv()),
                java.lang.foreign.MemorySegment.ofArray(c.mask()), Params.Ppo.study(), seg);  // in place, bf16
        TestData.close(sb.loss(), sf.loss(), 1e-6, 1e-5, "bf16 loss");
        float[] gb = TestData.fromBf16(zb);
        double scale = 0;
        for (float g : gf) scale = Math.max(scale, Math.abs(g));
        for (int i = 0; i < gf.length; i++) TestData.close(gb[i], gf[i], scale * 1e-2, 1e-2, "bf16 grad " + i);
        assertTrue(scale > 0);
    }

    /** Large-magnitude logits with -inf entries stay finite and match the reference. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void largeMagnitudes(Backend backend) {
        int n = 2, vocab = 6;
        float[] z = {1e4f, 1e4f - 1, Float.NEGATIVE_INFINITY, -1e4f, 1e4f - 3, 0, -1e4f, -1e4f + 2, 0, 5e3f,
            Float.NEGATIVE_INFINITY, 5e3f + 1};
        int[] act = {1, 5};
        float[] old = {-1.5f, -0.4f}, adv = {1.0f, -0.7f}, mask = {1, 1};
        var p = PARAMS[2];
        float[] grad = new float[n * vocab];
        var st = Kernels.of(backend, Device.cpu()).ppo().compute(z, n, vocab, act, old, adv, mask, p, grad);
        double[] want = ReferenceKernels.ppoLoss(z, n, vocab, act, old, adv, mask, p);
        double[] g = ReferenceKernels.ppoGrad(z, n, vocab, act, old, adv, mask, p);
        TestData.close(st.loss(), want[0], 1e-5, 1e-5, "loss");
        for (int i = 0; i < g.length; i++) TestData.close(grad[i], g[i], 1e-6, 1e-4, "grad " + i);
    }
}
