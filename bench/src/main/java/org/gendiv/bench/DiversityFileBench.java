package org.gendiv.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import org.gendiv.diversity.DiversityReport;
import org.gendiv.diversity.Generations;
import org.gendiv.diversity.Lexical;
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

/**
 * What `gendiv diversity --metrics ead,distinct --bootstrap 0` computes after reading, warm: the
 * report of a JSONL of generations (per-input and across-input EAD and distinct-n), on all cores.
 * bench/diversity/run.sh runs it on the file it times plain Python on:
 * {@code bench/run.sh DiversityFileBench -p file=GENS.jsonl}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class DiversityFileBench {
    @Param("")
    public String file;

    Generations generations;
    DiversityReport.Options options;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        if (file.isEmpty()) throw new IllegalArgumentException("DiversityFileBench needs a file: -p file=GENS.jsonl");
        generations = Generations.read(Path.of(file));
        options = new DiversityReport.Options(EnumSet.of(DiversityReport.Metric.EAD, DiversityReport.Metric.DISTINCT),
                Lexical.DEFAULT_VOCAB, 0, 0, 0);
    }

    @Benchmark
    public JsonObject report() {
        return DiversityReport.compute(generations, options);
    }
}
