package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.gendiv.kernels.reference.Philox;
import org.gendiv.kernels.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingTest {
    static final Params.Sampling[] FILTERS = {
        Params.Sampling.of(1.0f, 11),
        Params.Sampling.of(0.7f, 12).withTopK(5),
        Params.Sampling.of(1.3f, 13).withTopP(0.8f),
        Params.Sampling.of(1.0f, 14).withMinP(0.1f),
        Params.Sampling.of(0.9f, 15).withTopK(40).withTopP(0.95f).withMinP(0.01f),
    };

    static Stream<Arguments> cases() {
        int[][] shapes = {{1, 1}, {3, 7}, {2, 8}, {8, 1000}, {4, 50257}};
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(shapes)
                .flatMap(s -> Stream.of(FILTERS)
                        .map(p -> Arguments.of(b, s[0], s[1], p.topK() > s[1] ? p.withTopK(s[1]) : p))));
    }

    /**
     * The kept mass against the float64 reference's. The kernel sums float32 probabilities (rel.
     * error ~1e-6), so where the reference's top-p cut has a cumulative mass within 1e-6 of
     * top_p, the kernel's cut may fall one token either side: the reference is also taken at
     * top_p (1 -+ 1e-6) and the nearest of the three must match.
     */
    static void assertKeptMass(double got, float[] z, int off, int vocab, Params.Sampling p, String where) {
        double want = ReferenceKernels.keptMass(z, off, vocab, p);
        if (p.topP() < 1) {
            for (double f : new double[] {1 - 1e-6, 1 + 1e-6}) {
                double alt = ReferenceKernels.keptMass(z, off, vocab, p.withTopP((float) Math.min(1.0, p.topP() * f)));
                if (Math.abs(alt - got) < Math.abs(want - got)) want = alt;
            }
        }
        TestData.close(got, want, 1e-5, 1e-5, where);
    }

    /** Random123's known-answer vectors for Philox4x32-10, checking the Java reference generator. */
    @Test
    void philoxMatchesKnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                Philox.philox4x32_10(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.philox4x32_10(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.philox4x32_10(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    /** Tokens equal the float64 reference sampler (Java Philox + Gumbel-max); log-probs and kept mass close. */
    @ParameterizedTest
    @MethodSource("cases")
    void matchesReferenceSampler(Backend backend, int rows, int vocab, Params.Sampling p) {
        var rng = new SplittableRandom(rows * 31L + vocab);
        float[] z = TestData.normal(rng, rows * vocab, 3.0);
        if (vocab > 3) z[2] = Float.NEGATIVE_INFINITY;
        var r = Kernels.of(backend, Device.cpu()).sampling().sample(z, rows, vocab, p);
        for (int i = 0; i < rows; i++) {
            int off = i * vocab;
            assertEquals(ReferenceKernels.sample(z, off, vocab, i, p), r.tokens()[i], "row " + i);
            TestData.close(r.logprobs()[i], ReferenceKernels.logProb(z, off, vocab, r.tokens()[i], p.temperature()),
                    1e-5, 1e-5, "logprob row " + i);
            assertKeptMass(r.keptMass()[i], z, off, vocab, p, "kept mass " + i);
        }
    }

    /**
     * Top-p alone on flat rows, where the kept set runs to tens of thousands of tokens and the
     * kernel bins its candidates instead of sorting them: tokens equal the reference sampler's
     * and the kept mass matches, also on a row of many tied values (ranked by index) and with
     * min-p on top.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void nucleusAloneOnFlatRowsMatchesTheReference(Backend backend) {
        int vocab = 50257;
        double[] scales = {0.5, 1.0, 3.0, 1.0};
        float[] z = new float[scales.length * vocab];
        var rng = new SplittableRandom(41);
        for (int i = 0; i < scales.length; i++) {
            System.arraycopy(TestData.normal(rng, vocab, scales[i]), 0, z, i * vocab, vocab);
        }
        for (int v = 3 * vocab; v < 4 * vocab; v++) z[v] = Math.round(z[v] * 4) / 4.0f;  // ties: steps of 0.25
        var k = Kernels.of(backend, Device.cpu());
        for (Params.Sampling p : new Params.Sampling[] {
                Params.Sampling.of(1.0f, 51).withTopP(0.5f),
                Params.Sampling.of(1.0f, 52).withTopP(0.9f),
                Params.Sampling.of(0.8f, 53).withTopP(0.99f),
                Params.Sampling.of(1.0f, 54).withTopP(0.9f).withMinP(0.2f)}) {
            for (int step = 0; step < 3; step++) {
                var q = p.withStep(step);
                var r = k.sampling().sample(z, scales.length, vocab, q);
                for (int i = 0; i < scales.length; i++) {
                    int off = i * vocab;
                    String where = "row " + i + ", top_p " + q.topP() + ", step " + step;
                    assertEquals(ReferenceKernels.sample(z, off, vocab, i, q), r.tokens()[i], where);
                    assertKeptMass(r.keptMass()[i], z, off, vocab, q, where);
                }
            }
        }
    }

    /**
     * Top-k picks its candidates after the row is read, from a floor given by block maxima: tokens
     * and kept mass equal the reference sampler's on rows that test that floor: two whole chunks
     * of -inf, fewer finite values than k, many values tied at the floor (ranked by index), k above
     * the number of block groups and above the number of blocks, k = V - 1, and with top-p on top.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void topKFromBlockMaximaMatchesTheReference(Backend backend) {
        int vocab = 5000;
        var rng = new SplittableRandom(43);
        float[] z = TestData.normal(rng, 4 * vocab, 3.0);
        for (int v = 0; v < 2048; v++) z[v] = Float.NEGATIVE_INFINITY;                        // row 0: dead chunks
        for (int v = vocab; v < 2 * vocab; v++) if (v % 170 != 0) z[v] = Float.NEGATIVE_INFINITY;  // row 1: 30 finite
        for (int v = 2 * vocab; v < 3 * vocab; v++) z[v] = rng.nextInt(4);                      // row 2: ties
        var k = Kernels.of(backend, Device.cpu());
        for (int topK : new int[] {1, 5, 50, 79, 200, vocab - 1}) {
            for (Params.Sampling p : new Params.Sampling[] {
                    Params.Sampling.of(0.8f, 61).withTopK(topK), Params.Sampling.of(1.0f, 62).withTopK(topK).withTopP(0.9f)}) {
                for (int step = 0; step < 3; step++) {
                    var q = p.withStep(step);
                    var r = k.sampling().sample(z, 4, vocab, q);
                    for (int i = 0; i < 4; i++) {
                        int off = i * vocab;
                        String where = "row " + i + ", top_k " + topK + ", top_p " + q.topP() + ", step " + step;
                        assertEquals(ReferenceKernels.sample(z, off, vocab, i, q), r.tokens()[i], where);
                        assertKeptMass(r.keptMass()[i], z, off, vocab, q, where);
                    }
                }
            }
        }
    }

    /**
     * Over 200k draws the token frequencies match softmax(z/T) restricted to the kept set:
     * total variation <= 0.01 (its expectation here is about 0.004), and no draw leaves the set.
     */
    @ParameterizedTest
    @MethodSource("frequencyCases")
    void frequenciesMatchTheKeptDistribution(Backend backend, Params.Sampling p) {
        int vocab = 37, draws = 200_000;
        float[] row = TestData.normal(new SplittableRandom(5), vocab, 1.5);
        float[] z = new float[draws * vocab];
        for (int i = 0; i < draws; i++) System.arraycopy(row, 0, z, i * vocab, vocab);
        var r = Kernels.of(backend, Device.cpu()).sampling().sample(z, draws, vocab, p);
        double[] want = ReferenceKernels.samplingDistribution(row, 0, vocab, p);
        double[] freq = new double[vocab];
        for (int t : r.tokens()) freq[t] += 1.0 / draws;
        double tv = 0;
        for (int v = 0; v < vocab; v++) {
            if (want[v] == 0) assertEquals(0.0, freq[v], "token " + v + " is outside the kept set but was drawn");
            tv += 0.5 * Math.abs(freq[v] - want[v]);
        }
        assertTrue(tv <= 0.01, "total variation " + tv);
    }

    static Stream<Arguments> frequencyCases() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(
                Arguments.of(b, Params.Sampling.of(1.0f, 21)),
                Arguments.of(b, Params.Sampling.of(0.8f, 22).withTopK(10)),
                Arguments.of(b, Params.Sampling.of(1.0f, 23).withTopP(0.9f)),
                Arguments.of(b, Params.Sampling.of(1.2f, 24).withMinP(0.05f))));
    }

    /** The same (seed, row id, step) gives the same token for any batch size, position or thread count. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void drawDependsOnlyOnSeedRowIdAndStep(Backend backend) {
        int rows = 64, vocab = 50257;
        float[] z = TestData.normal(new SplittableRandom(9), rows * vocab, 2.0);
        var p = Params.Sampling.of(1.0f, 77).withStep(5);
        int[] one = Kernels.of(backend, Device.cpu(1)).sampling().sample(z, rows, vocab, p).tokens();
        int[] two = Kernels.of(backend, Device.cpu(2)).sampling().sample(z, rows, vocab, p).tokens();
        assertArrayEquals(one, two, "thread count changed the draw");
        // Row 17 alone, then the batch reversed: each row keeps its id and so its token.
        float[] row17 = Arrays.copyOfRange(z, 17 * vocab, 18 * vocab);
        var alone = Kernels.of(backend, Device.cpu()).sampling().sample(row17, 1, vocab, new long[] {17}, p);
        assertEquals(one[17], alone.tokens()[0]);
        float[] reversed = new float[z.length];
        long[] ids = new long[rows];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(z, (rows - 1 - i) * vocab, reversed, i * vocab, vocab);
            ids[i] = rows - 1 - i;
        }
        int[] rev = Kernels.of(backend, Device.cpu()).sampling().sample(reversed, rows, vocab, ids, p).tokens();
        for (int i = 0; i < rows; i++) assertEquals(one[rows - 1 - i], rev[i], "row id " + (rows - 1 - i));
        int[] otherStep = Kernels.of(backend, Device.cpu()).sampling().sample(z, rows, vocab, p.withStep(6)).tokens();
        assertTrue(!Arrays.equals(one, otherStep), "a new step must give new draws");
    }

    /** T = 0 is the argmax, lowest index on ties; its log-prob is that of the T -> 0 limit. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void greedyTakesTheLowestIndexOnTies(Backend backend) {
        float[] z = {1, 5, 2, 5, Float.NEGATIVE_INFINITY, 5, /* row 2 */ -3, -1, -2, -7, -1, -9};
        var r = Kernels.of(backend, Device.cpu()).sampling().sample(z, 2, 6, Params.Sampling.of(0.0f, 1));
        assertArrayEquals(new int[] {1, 1}, r.tokens());
        TestData.close(r.logprobs()[0], -Math.log(3), 1e-6, 0, "three-way tie");
        TestData.close(r.logprobs()[1], -Math.log(2), 1e-6, 0, "two-way tie");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void edgeRows(Backend backend) {
        var k = Kernels.of(backend, Device.cpu()).sampling();
        var single = k.sample(new float[] {3.5f}, 1, 1, Params.Sampling.of(1.0f, 1).withTopP(0.5f));
        assertEquals(0, single.tokens()[0]);
        TestData.close(single.logprobs()[0], 0.0, 1e-7, 0, "V = 1 log-prob");
        // Large magnitudes and -inf: the mass sits on the 1e4 logits; -inf is never drawn.
        float[] big = {1e4f, -1e4f, Float.NEGATIVE_INFINITY, 1e4f - 1, 0};
        for (int s = 0; s < 50; s++) {
            var r = k.sample(big, 1, 5, Params.Sampling.of(1.0f, s));
            assertTrue(r.tokens()[0] == 0 || r.tokens()[0] == 3, "token " + r.tokens()[0]);
            assertTrue(Float.isFinite(r.logprobs()[0]));
        }
        // A row with no finite logit has no distribution: token -1, NaN log-prob.
        float[] dead = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        var d = k.sample(dead, 1, 2, Params.Sampling.of(1.0f, 1));
        assertEquals(-1, d.tokens()[0]);
        assertTrue(Float.isNaN(d.logprobs()[0]));
    }

    /** bf16 logits sample like their float32 values. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void bf16MatchesFloat32OfTheSameValues(Backend backend) {
        int rows = 16, vocab = 4099;
        short[] b = TestData.toBf16(TestData.normal(new SplittableRandom(3), rows * vocab, 3.0));
        float[] f = TestData.fromBf16(b);
        var k = Kernels.of(backend, Device.cpu()).sampling();
        for (Params.Sampling p : FILTERS) {
            var rb = k.sampleBf16(b, rows, vocab, p);
            var rf = k.sample(f, rows, vocab, p);
            assertArrayEquals(rf.tokens(), rb.tokens());
            for (int i = 0; i < rows; i++) TestData.close(rb.logprobs()[i], rf.logprobs()[i], 1e-6, 1e-6, "row " + i);
        }
    }

    /** Heap and direct FloatBuffers give what the array gives. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void floatBuffersGiveTheArrayResult(Backend backend) {
        int rows = 5, vocab = 333;
        float[] z = TestData.normal(new SplittableRandom(4), rows * vocab, 2.0);
        var p = Params.Sampling.of(1.0f, 5).withTopK(20);
        var k = Kernels.of(backend, Device.cpu()).sampling();
        int[] want = k.sample(z, rows, vocab, p).tokens();
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * z.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(z).flip();
        assertArrayEquals(want, k.sample(direct, rows, vocab, null, p).tokens());
        assertArrayEquals(want, k.sample(FloatBuffer.wrap(z), rows, vocab, null, p).tokens());
    }
}
