package org.gendiv.kernels.reference;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * generator behind gendiv's sampling noise, written independently of kernels/include for the
 * reference sampler. Checked against the Random123 known-answer vectors.
 */
public final class Philox {
    private Philox() {}

    public static int[] philox4x32_10(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            long p0 = Integer.toUnsignedLong(0xD2511F53) * Integer.toUnsignedLong(c0);
            long p1 = Integer.toUnsignedLong(0xCD9E8D57) * Integer.toUnsignedLong(c2);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += 0x9E3779B9;
            k1 += 0xBB67AE85;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /**
     * The uniform in (0, 1) of a token of one draw: counter (token / 4, step, row id low, row id
     * high 16 | step high 16 << 16), key = seed, lane token % 4; 24 bits, centred.
     */
    public static double uniform(long seed, long rowId, long step, long token) {
        int c3 = (int) ((rowId >>> 32) & 0xffff) | (int) (((step >>> 32) & 0xffff) << 16);
        int[] r = philox4x32_10((int) (token >>> 2), (int) step, (int) rowId, c3, (int) seed, (int) (seed >>> 32));
        int bits = r[(int) (token & 3)];
        return ((bits >>> 8) + 0.5) / (1 << 24);
    }

    /** Standard Gumbel noise -log(-log u) of that uniform, in float64. */
    public static double gumbel(long seed, long rowId, long step, long token) {
        return -Math.log(-Math.log(uniform(seed, rowId, step, token)));
    }
}
