package org.gendiv.kernels;

import java.util.SplittableRandom;

/** Random inputs for the kernel tests; every test seeds its own generator. */
final class TestData {
    private TestData() {}

    static float[] normal(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble(), v = rng.nextDouble();
            x[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    static int[] ids(SplittableRandom rng, int n, int vocab) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(vocab);
        return y;
    }

    static short[] toBf16(float[] x) {
        short[] b = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            int u = Float.floatToRawIntBits(x[i]);
            b[i] = (short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
        }
        return b;
    }

    static float[] fromBf16(short[] b) {
        float[] x = new float[b.length];
        for (int i = 0; i < b.length; i++) x[i] = Float.intBitsToFloat((b[i] & 0xffff) << 16);
        return x;
    }

    /** |got - want| <= atol + rtol |want|, with a message naming the element. */
    static void close(double got, double want, double atol, double rtol, String what) {
        if (Double.isNaN(want) && Double.isNaN(got)) return;
        if (got == want) return;
        double tol = atol + rtol * Math.abs(want);
        if (!(Math.abs(got - want) <= tol))
            throw new AssertionError(what + ": got " + got + ", want " + want + " (tol " + tol + ")");
    }
}
