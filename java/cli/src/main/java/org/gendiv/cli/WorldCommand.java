package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gendiv.core.study.Study;
import org.gendiv.core.study.StudyConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gendiv world --out DIR}: the embedded worlds' training data as the JSONL files `gendiv train` reads. */
@Command(name = "world", mixinStandardHelpOptions = true,
        description = {"Write the embedded worlds' data (the study's, same seed and sizes) as JSONL for gendiv train:",
            "corpus.jsonl + tokenizer.json, and per task sft.jsonl, sft-eval.jsonl, prefs.jsonl, prefs-eval.jsonl, prefs-test.jsonl, prompts.jsonl,",
            "and eval.jsonl: every evaluation input (task, split, shift, input_id, prompt, reference, seed) for gendiv evaluate."})
final class WorldCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "directory to write into")
    Path out;

    @Option(names = "--task", description = "both | summarisation | instructions (default both)")
    String task;

    @Option(names = "--config", description = "study config overriding the sizes and seed")
    Path config;

    @Override
    public Integer call() throws IOException {
        StudyConfig c = StudyCommand.config(null, config, false, task, null);
        new Study(c, out).exportData(out);
        System.out.println("gendiv world: data for " + c.tasks() + " (seed " + c.seed() + ") in " + out);
        return 0;
    }
}
