package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.google.gson.JsonObject;
import org.gendiv.core.dist.Env;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.model.Devices;
import org.gendiv.core.study.DataStudy;
import org.gendiv.core.study.Study;
import org.gendiv.core.study.StudyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gendiv study}: the whole study on the embedded worlds. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Run the study end to end on the embedded worlds: base -> SFT -> RM -> PPO, and BoN;",
            "or, with --config naming a base_model, on a real checkpoint and real data sets (README: Running the study on real models);",
            "win rate vs reference on the ID and OOD splits, per-input and across-input diversity;",
            "results.json, report.md, samples.jsonl and plots/ in the run directory."})
final class StudyCommand implements Callable<Integer> {
    @Option(names = "--out", description = "run directory (default runs/<date-time>)")
    Path out;

    @Option(names = "--task", description = "both | summarisation | instructions (default both)")
    String task;

    @Option(names = "--seeds", description = "seeds to run; > 1 gives confidence intervals over seeds (default 1)")
    Integer seeds;

    @Option(names = "--config", description = "JSON overriding any setting (print them with --print-config)")
    Path config;

    @Option(names = "--resume", description = "continue a killed study in --out (finished stages are kept)")
    boolean resume;

    @Option(names = "--print-config", description = "print every setting (the defaults, or --config applied) and exit")
    boolean printConfig;

    static StudyConfig config(Path out, Path config, boolean resume, String task, Integer seeds) throws IOException {
        StudyConfig c = StudyConfig.defaults();
        Path saved = out == null ? null : out.resolve("config.json");
        if (resume && saved != null && Files.exists(saved)) c = Configs.read(saved, c);
        if (config != null) c = Configs.read(config, c);
        if (task != null) c = c.withTask(task);
        if (seeds != null) c = c.withSeeds(seeds);
        return c;
    }

    @Override
    public Integer call() throws IOException {
        Devices.current();  // a device setting that cannot be met fails before anything is written
        if (resume && out == null) throw new IllegalArgumentException("--resume needs --out DIR (the study to continue)");
        boolean ranks = Env.fromEnvironment().distributed();
        if (config != null && DataStudy.isDataConfig(config)) {
            if (ranks) throw new IllegalArgumentException("a study on real models (base_model) runs on one process, not under gendiv launch");
            return dataStudy();
        }
        if (ranks && out == null && !printConfig)
            throw new IllegalArgumentException("under gendiv launch, give --out DIR: every rank must use the same run directory");
        StudyConfig c = config(out, config, resume, task, seeds);
        if (printConfig) {
            System.out.println(Configs.pretty(Configs.toJson(c)));
            return 0;
        }
        Path dir = runDir();
        try (Group group = Group.fromEnvironment()) {  // alone unless WORLD_SIZE is set (gendiv launch, torchrun)
            if (group.isMain())
                System.err.println("gendiv study: tasks " + c.tasks() + ", " + c.seeds() + " seed(s), run directory " + dir
                        + (group.size() > 1 ? ", training on " + group.size() + " ranks" : ""));
            JsonObject results = new Study(c, dir).distributed(group).run(resume);
            return group.isMain() ? report(results, dir) : 0;
        }
    }

    private Path runDir() {
        return out != null ? out : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")));
    }

    /** A config naming a base_model: the study on a real checkpoint and real data sets. */
    private Integer dataStudy() throws IOException {
        if (task != null) throw new IllegalArgumentException("--task: a config with a base_model names its task itself (key 'task')");
        DataStudy.Spec spec = DataStudy.read(config);
        if (seeds != null) spec = spec.withSeeds(seeds);
        if (printConfig) {
            System.out.println(Configs.pretty(DataStudy.describe(spec)));
            return 0;
        }
        Path dir = runDir();
        System.err.println("gendiv study: " + spec.task() + " on " + spec.baseModel() + ", " + spec.stages().seeds()
                + " seed(s), run directory " + dir);
        return report(new Study(spec, dir).run(resume), dir);
    }

    private static Integer report(JsonObject r, Path dir) throws IOException {
        double total = r.getAsJsonObject("timings").get("total_s").getAsDouble();
        printReport(dir);
        System.out.printf(Locale.ROOT, "gendiv study: done in %.0f s; report: %s%n", total, dir.resolve("report.md"));
        return 0;
    }

    /** report.md on stdout, less its image lines. */
    static void printReport(Path dir) throws IOException {
        System.out.println(Files.readString(dir.resolve("report.md")).lines()
                .filter(l -> !l.startsWith("![")).reduce("", (a, b) -> a + b + "\n"));
    }
}
