package org.gendiv.diversity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Embedding, compression and NLI diversity, and the per-input summary statistics. */
class SetMetricsTest {
    static float[][] random(SplittableRandom rng, int k, int d) {
        float[][] e = new float[k][d];
        for (float[] row : e) for (int i = 0; i < d; i++) row[i] = (float) (rng.nextDouble() * 2 - 1 + 0.3);
        return e;
    }

    /** The Vector API path against the scalar loop, and both against the O(K d) identity
     * sum_{i<j} u_i.u_j = (|sum u|^2 - K) / 2 over unit vectors, in float64. */
    @Test
    void vectorPathMatchesScalarAndTheIdentity() {
        var rng = new SplittableRandom(1);
        for (int[] kd : new int[][] {{2, 1}, {3, 7}, {16, 384}, {33, 1023}, {64, 1024}}) {
            float[][] e = random(rng, kd[0], kd[1]);
            double v = EmbeddingDiversity.meanPairwiseCosine(e, EmbeddingDiversity.Path.VECTOR);
            double s = EmbeddingDiversity.meanPairwiseCosine(e, EmbeddingDiversity.Path.SCALAR);
            double[] sum = new double[kd[1]];
            for (float[] row : e) {
                double norm = 0;
                for (float x : row) norm += (double) x * x;
                norm = Math.sqrt(norm);
                for (int i = 0; i < row.length; i++) sum[i] += row[i] / norm;
            }
            double sq = 0;
            for (double x : sum) sq += x * x;
            double identity = (sq - kd[0]) / (kd[0] * (kd[0] - 1.0));
            assertEquals(s, v, 1e-5, "K, d = " + kd[0] + ", " + kd[1]);
            assertEquals(identity, s, 1e-5);
            for (int i = 0; i < kd[0]; i++)
                assertEquals(EmbeddingDiversity.dotScalar(e[0], e[i]), EmbeddingDiversity.dotVector(e[0], e[i]), 1e-3);
        }
    }

    /** Orthogonal unit vectors: cosine 0, diversity 1; identical vectors: diversity 0. */
    @Test
    void embeddingHandWorked() {
        assertEquals(1.0, EmbeddingDiversity.of(new float[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}), 1e-12);
        assertEquals(0.0, EmbeddingDiversity.of(new float[][] {{1, 2, 3}, {1, 2, 3}, {2, 4, 6}}), 1e-6);
        // {1,0} and {1,1}: cos = 1/sqrt 2 -> diversity 1 - 0.7071068.
        assertEquals(1 - Math.sqrt(0.5), EmbeddingDiversity.of(new float[][] {{1, 0}, {1, 1}}), 1e-7);
    }

    @Test
    void compressionRatio() {
        String text = "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat";
        double same = CompressionDiversity.of(Collections.nCopies(16, text));
        var rng = new SplittableRandom(2);
        List<String> distinct = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < 15; w++) b.append(Long.toString(rng.nextLong(), 36)).append(' ');
            distinct.add(b.toString());
        }
        double diff = CompressionDiversity.of(distinct);
        assertTrue(same < 0.15, "16 copies compress to a fraction of their separate sizes: " + same);
        assertTrue(diff > 0.6 && diff <= 1.05, "unrelated texts barely compress together: " + diff);
        assertEquals(1.0, CompressionDiversity.of(List.of(text)), 1e-12);
    }

    /**
     * Three texts with a scorer: (a, b) contradict both ways with p = 0.9 -> +1.8; (a, c): a entails c
     * with 0.8 (-0.8) and c -> a is neutral (0) -> -0.8; (b, c) neutral both ways -> 0.
     * Mean over 3 pairs = (1.8 - 0.8 + 0) / 3 = 0.3333333.
     */
    @Test
    void nliAggregationHandWorked() {
        NliDiversity.Scorer scorer = (p, h) -> {
            String pair = p + h;
            return switch (pair) {
                case "ab", "ba" -> new NliDiversity.Probabilities(0.05, 0.05, 0.9);
                case "ac" -> new NliDiversity.Probabilities(0.8, 0.15, 0.05);
                default -> new NliDiversity.Probabilities(0.2, 0.7, 0.1);
            };
        };
        assertEquals(1.0 / 3, NliDiversity.of(List.of("a", "b", "c"), scorer), 1e-12);
        assertTrue(Double.isNaN(NliDiversity.of(List.of("a"), scorer)));
    }

    /** Mean 2.5 and sample std 1.2909944 of {1, 2, 3, 4}; the bootstrap CI brackets the mean and repeats by seed. */
    @Test
    void summary() {
        Summary s = Summary.of(new double[] {1, 2, 3, 4}, 2000, 7);
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(1.2909944, s.std(), 1e-7);
        assertTrue(s.ciLow() < 2.5 && s.ciHigh() > 2.5 && s.ciLow() >= 1 && s.ciHigh() <= 4, s.toString());
        assertEquals(s, Summary.of(new double[] {1, 2, 3, 4}, 2000, 7));
        assertEquals(2.0, Summary.quantile(new double[] {1, 2, 3}, 0.5), 1e-12);
    }
}
