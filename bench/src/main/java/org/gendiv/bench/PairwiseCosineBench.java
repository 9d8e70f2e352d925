package org.gendiv.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gendiv.diversity.EmbeddingDiversity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Mean pairwise cosine of K embeddings of size d: the Vector API path against the scalar loop. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PairwiseCosineBench {
    @Param({"16", "64", "256"})
    int k;

    @Param({"384", "1024"})
    int d;

    float[][] e;

    @Setup(Level.Trial)
    public void setup() {
        var rng = new SplittableRandom(1);
        e = new float[k][d];
        for (float[] row : e) for (int i = 0; i < d; i++) row[i] = (float) rng.nextGaussian();
    }

    @Benchmark
    public double vector() {
        return EmbeddingDiversity.meanPairwiseCosine(e, EmbeddingDiversity.Path.VECTOR);
    }

    @Benchmark
    public double scalar() {
        return EmbeddingDiversity.meanPairwiseCosine(e, EmbeddingDiversity.Path.SCALAR);
    }
}
