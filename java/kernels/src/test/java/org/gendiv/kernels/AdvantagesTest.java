package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.gendiv.kernels.reference.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Value loss, GAE and whitening against hand-worked cases, float64 and finite differences. */
class AdvantagesTest {
    static double valueLoss64(double[] v, float[] old, float[] ret, float[] mask, double eps) {
        double msum = 0, loss = 0;
        for (float m : mask) msum += m;
        for (int i = 0; i < v.length; i++) {
            double vc = old[i] + Math.max(-eps, Math.min(eps, v[i] - old[i]));
            loss += mask[i] * 0.5 * Math.max((v[i] - ret[i]) * (v[i] - ret[i]), (vc - ret[i]) * (vc - ret[i]));
        }
        return loss / msum;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void valueLossGradientMatchesFiniteDifferences(Backend backend) {
        var rng = new SplittableRandom(1);
        int n = 200;
        float[] v = TestData.normal(rng, n, 1.0), old = TestData.normal(rng, n, 1.0), ret = TestData.normal(rng, n, 1.0);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = i % 9 == 0 ? 0 : 1;
        float[] grad = new float[n];
        var st = Kernels.of(backend, Device.cpu()).advantages().valueLoss(v, old, ret, mask, 0.2f, grad);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = v[i];
        TestData.close(st.loss(), valueLoss64(x, old, ret, mask, 0.2f), 1e-6, 1e-5, "value loss");
        for (int i = 0; i < n; i++) {
            double keep = x[i], h = 1e-6;
            x[i] = keep + h;
            double up = valueLoss64(x, old, ret, mask, 0.2f);
            x[i] = keep - h;
            double down = valueLoss64(x, old, ret, mask, 0.2f);
            x[i] = keep;
            TestData.close(grad[i], (up - down) / (2 * h), 1e-6, 1e-3, "d/dv[" + i + "]");
        }
    }

    /** v = 1.5, v_old = 1, R = 2, eps = 0.2: unclipped 0.25 < clipped (1.2 - 2)^2 = 0.64, so 0.32 and no gradient. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void valueLossHandWorked(Backend backend) {
        float[] g = new float[1];
        var st = Kernels.of(backend, Device.cpu()).advantages().valueLoss(new float[] {1.5f}, new float[] {1f},
                new float[] {2f}, new float[] {1f}, 0.2f, g);
        assertEquals(0.32f, st.loss(), 1e-6);
        assertEquals(1.0f, st.clipFraction());
        assertEquals(0.0f, g[0]);
    }

    /**
     * A band wider than any move (eps = 1e6) clips nothing: v_old + (v - v_old) can differ from v
     * by an ulp in float32, which once counted 4 of 234 such tokens as clipped.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void valueLossInsideTheBandIsNeverClipped(Backend backend) {
        var rng = new SplittableRandom(3);
        int n = 2000;
        float[] v = TestData.normal(rng, n, 1.0), old = TestData.normal(rng, n, 1.0), ret = TestData.normal(rng, n, 1.0);
        float[] mask = new float[n], g = new float[n];
        java.util.Arrays.fill(mask, 1f);
        var st = Kernels.of(backend, Device.cpu()).advantages().valueLoss(v, old, ret, mask, 1e6f, g);
        assertEquals(0.0f, st.clipFraction());
        for (int i = 0; i < n; i++) assertEquals((v[i] - ret[i]) / n, g[i], 1e-7, "d/dv[" + i + "]");
    }

    /**
     * gamma 1, lambda 0.5, r = {0, 0, 1}, V = {0.1, 0.2, 0.5} then a masked tail:
     * delta = {0.1, 0.3, 0.5}; A2 = 0.5, A1 = 0.3 + 0.25 = 0.55, A0 = 0.1 + 0.275 = 0.375; R = A + V.
     * Row 2 is fully masked, so all zeros.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void gaeHandWorked(Backend backend) {
        float[] r = {0, 0, 1, 9, 1, 1, 1, 1}, v = {0.1f, 0.2f, 0.5f, 7, 3, 3, 3, 3}, m = {1, 1, 1, 0, 0, 0, 0, 0};
        var gae = Kernels.of(backend, Device.cpu()).advantages().gae(r, v, m, 2, 4, 1.0f, 0.5f);
        float[] wantA = {0.375f, 0.55f, 0.5f, 0, 0, 0, 0, 0}, wantR = {0.475f, 0.75f, 1.0f, 0, 0, 0, 0, 0};
        for (int i = 0; i < 8; i++) {
            assertEquals(wantA[i], gae.advantages()[i], 1e-6, "A " + i);
            assertEquals(wantR[i], gae.returns()[i], 1e-6, "R " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void gaeAndWhitenAgainstReference(Backend backend) {
        var rng = new SplittableRandom(4);
        int batch = 7, len = 33, n = batch * len;
        float[] r = TestData.normal(rng, n, 1.0), v = TestData.normal(rng, n, 1.0), m = new float[n];
        for (int i = 0; i < n; i++) m[i] = (i % len) < 5 + 4 * (i / len) && (i % len) != 3 ? 1 : 0;
        var k = Kernels.of(backend, Device.cpu()).advantages();
        var gae = k.gae(r, v, m, batch, len, 0.99f, 0.95f);
        double[][] want = ReferenceKernels.gae(r, v, m, batch, len, 0.99f, 0.95f);
        for (int i = 0; i < n; i++) {
            TestData.close(gae.advantages()[i], want[0][i], 1e-5, 1e-5, "A " + i);
            TestData.close(gae.returns()[i], want[1][i], 1e-5, 1e-5, "R " + i);
        }
        for (boolean shift : new boolean[] {true, false}) {
            float[] w = k.whiten(gae.advantages(), m, shift);
            double[] ww = ReferenceKernels.whiten(gae.advantages(), m, shift);
            for (int i = 0; i < n; i++) TestData.close(w[i], ww[i], 1e-5, 1e-5, "whiten " + i);
        }
        // {1, 2, 3} (the 100 masked out): mean 2, Bessel variance 1 -> {-1, 0, 1}.
        float[] w = k.whiten(new float[] {1, 2, 100, 3}, new float[] {1, 1, 0, 1}, true);
        assertEquals(-1f, w[0], 1e-6);
        assertEquals(0f, w[1], 1e-6);
        assertEquals(0f, w[2]);
        assertEquals(1f, w[3], 1e-6);
    }
}
