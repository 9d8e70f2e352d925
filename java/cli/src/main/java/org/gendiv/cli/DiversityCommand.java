package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.diversity.DiversityReport;
import org.gendiv.diversity.DiversityReport.Metric;
import org.gendiv.diversity.Generations;

import com.google.gson.GsonBuilder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The study's diversity metrics over a JSONL of generations from any model. */
@Command(name = "diversity", mixinStandardHelpOptions = true,
        description = {"Diversity of generations (EAD, distinct-n, Self-BLEU, compression ratio, embedding),",
            "per input (each input's samples) and across inputs (each input's first sample).",
            "Input: JSONL with \"input_id\", \"text\", optional \"sample_index\", \"embedding\", \"method\"."})
final class DiversityCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "JSONL of generations")
    Path input;

    @Option(names = "--output", description = "write the report as JSON here (written atomically)")
    Path output;

    @Option(names = "--metrics", split = ",", description = "ead,distinct,selfbleu,compression,embedding"
            + " (default: the first four, plus embedding when the file has embeddings)")
    String[] metrics;

    @Option(names = "--vocab-size", defaultValue = "50257", description = "V of EAD (default ${DEFAULT-VALUE})")
    double vocab;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the 95%% CI (default ${DEFAULT-VALUE})")
    int bootstrap;

    @Option(names = "--across-draws", defaultValue = "0",
            description = "also report the mean over R random draws of one sample per input (default ${DEFAULT-VALUE})")
    int acrossDraws;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the bootstrap and the draws (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (!(vocab >= 1)) return fail("--vocab-size must be >= 1, got " + vocab);
        if (bootstrap < 0) return fail("--bootstrap must be >= 0, got " + bootstrap);
        if (acrossDraws < 0) return fail("--across-draws must be >= 0, got " + acrossDraws);
        EnumSet<Metric> chosen = EnumSet.noneOf(Metric.class);
        try {
            if (metrics != null) for (String m : metrics) chosen.add(Metric.parse(m));
        } catch (IllegalArgumentException e) {
            return fail("--metrics: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        Generations g;
        try {
            g = Generations.read(input);
        } catch (NoSuchFileException e) {
            return fail("cannot read " + input + ": no such file");
        } catch (Generations.BadInput e) {
            return fail(e.getMessage());
        }
        if (metrics == null) {
            chosen.addAll(DiversityReport.Options.defaults().metrics());
            boolean allEmbedded = g.methods.values().stream().flatMap(l -> l.stream())
                    .allMatch(in -> in.outputs.stream().allMatch(o -> o.embedding() != null));
            if (allEmbedded) chosen.add(Metric.EMBEDDING);
        }
        System.err.printf(Locale.ROOT, "gendiv diversity: read %d generations in %.2f s%n", g.lines,
                (System.nanoTime() - t0) / 1e9);
        var options = new DiversityReport.Options(chosen, vocab, bootstrap, seed, acrossDraws);
        com.google.gson.JsonObject report;
        long t1 = System.nanoTime();
        try {
            report = DiversityReport.compute(g, options);
            System.err.printf(Locale.ROOT, "gendiv diversity: computed the metrics in %.2f s%n", (System.nanoTime() - t1) / 1e9);
        } catch (Generations.BadInput e) {
            return fail(input + ":" + e.getMessage().replaceFirst("^line ", ""));
        }
        System.out.print(DiversityReport.table(report));
        if (output != null) {
            AtomicFiles.writeString(output, new GsonBuilder().setPrettyPrinting().create().toJson(report) + "\n");
            System.err.println("gendiv diversity: wrote " + output);
        }
        System.err.printf(Locale.ROOT, "gendiv diversity: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static int fail(String message) {
        System.err.println("gendiv diversity: " + message);
        return 2;
    }
}
