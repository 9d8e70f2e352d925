package org.gendiv.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gendiv.diversity.Lexical;
import org.gendiv.diversity.NGramIndex;
import org.gendiv.diversity.reference.NaiveDiversity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * EAD + distinct-n over 100k outputs of about 48 words (6250 inputs x 16 samples: every per-input
 * set, then the across-input set of first samples), from the texts: gendiv's engine (interned
 * words, primitive n-gram tables) against the straightforward Java (String n-grams in HashSets),
 * single-threaded both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class DiversityBench {
    static final int INPUTS = 6250, K = 16;
    List<List<String>> sets;
    List<List<byte[]>> utf8;  // the same texts as UTF-8, as `gendiv diversity` holds them

    /** Words from a Zipf-like vocabulary of 20k, sentences of 40..56 words with some punctuation. */
    static List<List<String>> corpus(long seed) {
        var rng = new SplittableRandom(seed);
        List<List<String>> sets = new ArrayList<>(INPUTS);
        for (int q = 0; q < INPUTS; q++) {
            List<String> set = new ArrayList<>(K);
            for (int s = 0; s < K; s++) {
                StringBuilder b = new StringBuilder();
                int len = 40 + rng.nextInt(17);
                for (int w = 0; w < len; w++) {
                    int id = (int) Math.floor(Math.pow(20000, rng.nextDouble()));  // log-uniform ranks
                    b.append("w").append(id).append(rng.nextInt(12) == 0 ? ". " : " ");
                }
                set.add(b.toString());
            }
            sets.add(set);
        }
        return sets;
    }

    @Setup(Level.Trial)
    public void setup() {
        sets = corpus(42);
        utf8 = sets.stream().map(set -> set.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList()).toList();
    }

    @Benchmark
    public double engine() {
        return singleThread(counter -> eadPlusDistinct(counter.counts()));
    }

    /** The engine as before the level-by-level counting: every n-gram of every order hashed (NGramIndex.countDistinct). */
    @Benchmark
    public double enginePerOrderHashing() {
        return singleThread(counter -> perOrder(counter.wordIds(), counter.index()));
    }

    /** Every per-input set, then the across-input set of first samples, split and scored on one thread. */
    private double singleThread(java.util.function.ToDoubleFunction<Lexical.Counter> score) {
        var counter = new Lexical.Counter();
        double sum = 0;
        for (List<byte[]> set : utf8) sum += score.applyAsDouble(counter.words(set));
        return sum + score.applyAsDouble(counter.words(firsts()));
    }

    /** What `gendiv diversity` does: per-input sets on all cores, each thread with its own counter, beside the across-input set. */
    @Benchmark
    public double engineTwoThreads() {
        ThreadLocal<Lexical.Counter> counter = ThreadLocal.withInitial(Lexical.Counter::new);
        List<byte[]> firsts = firsts();
        return java.util.stream.IntStream.rangeClosed(0, INPUTS).parallel()
                .mapToDouble(q -> eadPlusDistinct(counter.get().words(q == INPUTS ? firsts : utf8.get(q)).counts())).sum();
    }

    private List<byte[]> firsts() {
        return utf8.stream().map(set -> set.get(0)).toList();
    }

    static double eadPlusDistinct(Lexical.Counts c) {
        return c.ead(Lexical.DEFAULT_VOCAB) + c.distinct();
    }

    private static double perOrder(int[][] set, NGramIndex index) {
        long[] unique = new long[Lexical.MAX_N], total = new long[Lexical.MAX_N];
        for (int n = 1; n <= Lexical.MAX_N; n++) {
            for (int[] out : set) total[n - 1] += Math.max(0, out.length - n + 1);
            unique[n - 1] = index.countDistinct(set, n);
        }
        return eadPlusDistinct(new Lexical.Counts(unique, total));
    }

    @Benchmark
    public double naiveJava() {
        double sum = 0;
        List<String> firsts = new ArrayList<>(INPUTS);
        for (List<String> set : sets) {
            firsts.add(set.get(0));
            double[] ed = NaiveDiversity.eadAndDistinct(set, Lexical.DEFAULT_VOCAB);
            sum += ed[0] + ed[1];
        }
        double[] across = NaiveDiversity.eadAndDistinct(firsts, Lexical.DEFAULT_VOCAB);
        return sum + across[0] + across[1];
    }
}
