package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gendiv.core.io.Configs;
import org.gendiv.core.study.DataStudy;
import org.gendiv.core.study.SampleEvaluation;
import org.gendiv.core.study.StudyConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gendiv evaluate}: results.json and the report from a samples.jsonl alone, judged on the embedded worlds. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Judge generations on the embedded worlds and write results.json, report.md and plots/ from them alone:",
            "a study's samples.jsonl, or any system's outputs for the inputs of `gendiv world`'s eval.jsonl (README: gendiv evaluate).",
            "The worlds' inputs and references come from the study config: --config, else config.json beside the samples, else the defaults."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--samples", required = true, description = "JSONL of generations: task, method, split, input_id, text per line")
    Path samples;

    @Option(names = "--config", description = "the study config the inputs were made with (default: config.json beside the samples)")
    Path config;

    @Option(names = "--out", description = "directory for results.json, report.md and plots/ (default: evaluation/ beside the samples)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(samples)) throw new IllegalArgumentException("--samples: " + samples + " is not a file");
        Path dir = samples.toAbsolutePath().getParent();
        Path cfg = config != null ? config : dir.resolve("config.json");
        StudyConfig c = StudyConfig.defaults();
        if (Files.exists(cfg)) {
            if (DataStudy.isDataConfig(cfg))
                throw new Configs.BadConfig(cfg + ": a real-data study; gendiv evaluate judges on the embedded worlds only");
            c = Configs.read(cfg, c);
        } else if (config != null) throw new IllegalArgumentException("--config: " + config + " does not exist");
        Path target = out != null ? out : dir.resolve("evaluation");
        System.err.println("gendiv evaluate: judging " + samples + " (inputs from " + (Files.exists(cfg) ? cfg : "the default config")
                + "); writing " + target);
        var r = SampleEvaluation.run(c, samples, target);
        StudyCommand.printReport(target);
        System.out.println("gendiv evaluate: " + r.getAsJsonObject("tasks").keySet() + " judged; report: " + target.resolve("report.md"));
        return 0;
    }
}
