package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.semantic.Embedder;
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

    @Option(names = "--embedding-model", description = "sentence-transformers directory that embeds the texts for the"
            + " embedding metric when the file has no embeddings (default: the built-in all-MiniLM-L6-v2)")
    Path embeddingModel;

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
        if (!(vocab >= 1) || Double.isInfinite(vocab)) return fail("--vocab-size must be a finite number >= 1, got " + vocab);
        if (bootstrap < 0) return fail("--bootstrap must be >= 0, got " + bootstrap);
        if (acrossDraws < 0) return fail("--across-draws must be >= 0, got " + acrossDraws);
        Outputs.requireDistinct(output, input, "--output", "--input");
        EnumSet<Metric> chosen = EnumSet.noneOf(Metric.class);
        try {
            if (metrics != null) for (String m : metrics) chosen.add(Metric.parse(m));
        } catch (IllegalArgumentException e) {
            return fail("--metrics: " + e.getMessage());
        }
        if (Files.isDirectory(input)) return fail(input + ": is a directory, not a JSONL file");
        String tooBig = Sizes.tooBig((long) bootstrap * Double.BYTES, "--bootstrap " + bootstrap + " (its resampled means)");
        if (tooBig == null) tooBig = Sizes.tooBig((long) acrossDraws * Double.BYTES * 16, "--across-draws " + acrossDraws + " (its draws' metrics)");
        if (tooBig != null) return fail(tooBig);
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
        String embeddedBy = "the file";
        if (chosen.contains(Metric.EMBEDDING)) {
            List<Generations.Output> all = g.methods.values().stream().flatMap(List::stream).flatMap(in -> in.outputs.stream()).toList();
            long with = all.stream().filter(o -> o.embedding() != null).count();
            if (with > 0 && embeddingModel != null)
                return fail("--embedding-model: " + input + " already has embeddings; drop the option to use them");
            if (with > 0 && with < all.size())
                return fail(input + ": " + with + " of " + all.size() + " lines have an \"embedding\"; give every line one, or none");
            if (with == 0) {
                try (Embedder embedder = Embedder.open(embeddingModel, 64)) {
                    embeddedBy = embedder.name();
                    long t2 = System.nanoTime();
                    embed(g, embedder, all.size());
                    System.err.printf(Locale.ROOT, "gendiv diversity: embedded %d texts with %s in %.2f s%n", all.size(),
                            embeddedBy, (System.nanoTime() - t2) / 1e9);
                } catch (IllegalArgumentException e) {
                    return fail("--embedding-model: " + e.getMessage());
                }
            }
        }
        var options = new DiversityReport.Options(chosen, vocab, bootstrap, seed, acrossDraws);
        com.google.gson.JsonObject report;
        long t1 = System.nanoTime();
        try {
            report = DiversityReport.compute(g, options);
            if (chosen.contains(Metric.EMBEDDING))
                for (var m : report.entrySet()) m.getValue().getAsJsonObject().addProperty("embedding_model", embeddedBy);
            System.err.printf(Locale.ROOT, "gendiv diversity: computed the metrics in %.2f s%n", (System.nanoTime() - t1) / 1e9);
        } catch (Generations.BadInput e) {
            return fail(input + ":" + e.getMessage().replaceFirst("^line ", ""));
        }
        System.out.print(DiversityReport.table(report));
        if (output != null) {
            AtomicFiles.writeString(output, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(report) + "\n");
            System.err.println("gendiv diversity: wrote " + output);
        }
        System.err.printf(Locale.ROOT, "gendiv diversity: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Fills in every output's embedding, one input's outputs per call; a progress line every 10 s. */
    private static void embed(Generations g, Embedder embedder, int total) {
        long last = System.nanoTime();
        int done = 0;
        for (List<Generations.Input> inputs : g.methods.values())
            for (Generations.Input in : inputs) {
                if (System.nanoTime() - last > 10_000_000_000L) {
                    System.err.printf(Locale.ROOT, "gendiv diversity: embedded %d of %d texts%n", done, total);
                    last = System.nanoTime();
                }
                done += in.outputs.size();
                List<String> texts = in.outputs.stream().map(Generations.Output::text).toList();
                float[][] e = embedder.embed(texts);
                for (int i = 0; i < e.length; i++) {
                    Generations.Output o = in.outputs.get(i);
                    in.outputs.set(i, new Generations.Output(o.sampleIndex(), o.utf8(), e[i], o.line()));
                }
            }
    }

    private static int fail(String message) {
        System.err.println("gendiv diversity: " + message);
        return 2;
    }
}
