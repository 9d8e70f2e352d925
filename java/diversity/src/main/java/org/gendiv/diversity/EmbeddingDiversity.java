package org.gendiv.diversity;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sentence-embedding diversity (docs/study.md): 1 - the mean cosine similarity over all
 * unordered pairs of a set's embeddings. The dot products run on the Vector API with the species
 * chosen once; {@link Path#SCALAR} is the plain loop it is tested against, and the fallback when
 * {@code -Dgendiv.vector=false}.
 */
public final class EmbeddingDiversity {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    public enum Path { VECTOR, SCALAR }

    /** VECTOR unless the JVM says the preferred species is a single lane or -Dgendiv.vector=false. */
    public static final Path DEFAULT =
            SPECIES.length() > 1 && !"false".equals(System.getProperty("gendiv.vector")) ? Path.VECTOR : Path.SCALAR;

    private EmbeddingDiversity() {}

    /** 1 - mean pairwise cosine of rows (each of equal length); NaN for fewer than 2 rows. */
    public static double of(float[][] embeddings) {
        return 1 - meanPairwiseCosine(embeddings, DEFAULT);
    }

    public static double meanPairwiseCosine(float[][] e, Path path) {
        int k = e.length;
        if (k < 2) return Double.NaN;
        int d = e[0].length;
        double[] norm = new double[k];
        for (int i = 0; i < k; i++) {
            if (e[i].length != d)
                throw new IllegalArgumentException("embedding " + i + " has " + e[i].length + " values, expected " + d);
            norm[i] = Math.sqrt(dot(e[i], e[i], path));
        }
        double sum = 0;
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++) {
                double den = norm[i] * norm[j];
                sum += den == 0 ? 0 : dot(e[i], e[j], path) / den;
            }
        return sum / (k * (k - 1) / 2.0);
    }

    public static double dot(float[] a, float[] b, Path path) {
        return path == Path.VECTOR ? dotVector(a, b) : dotScalar(a, b);
    }

    static double dotScalar(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double dotVector(float[] a, float[] b) {
        FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
        int step = SPECIES.length(), i = 0;
        for (; i + 2 * step <= a.length; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, i + step).fma(FloatVector.fromArray(SPECIES, b, i + step), acc1);
        }
        for (; i + step <= a.length; i += step)
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
        // lanes summed in index order: reduceLanes(ADD) on floats has no fixed order (the interpreter and
        // the JIT's intrinsic differ in the last bits), and the same embeddings must give the same number
        float[] lanes = acc0.add(acc1).toArray();
        double s = 0;
        for (float lane : lanes) s += lane;
        for (; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
