package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Devices;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.PpoConfig;
import org.gendiv.core.train.Pretrain;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gendiv train <stage> --config FILE [--out DIR] [--resume]}: one stage of the pipeline. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one stage of the RLHF pipeline from a JSON config (unknown keys are errors).",
            "Stages: pretrain (raw text), sft (demonstrations), rm (preference pairs), ppo (prompts).",
            "The run directory gets config.json, metrics.jsonl, checkpoint/ and model/."})
final class TrainCommand implements Callable<Integer> {
    enum StageName {
        pretrain, sft, rm, ppo;

        Record defaults() {
            return switch (this) {
                case pretrain -> Pretrain.Config.defaults();
                case sft -> Sft.Config.defaults();
                case rm -> RewardTraining.Config.defaults();
                case ppo -> PpoConfig.defaults();
            };
        }
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "pretrain | sft | rm | ppo")
    StageName stage;

    @Option(names = "--config", description = "JSON config of the stage (see the README)")
    Path config;

    @Option(names = "--out", description = "run directory (default runs/<stage>)")
    Path out;

    @Option(names = "--resume", description = "continue a killed run from its last checkpoint")
    boolean resume;

    @Option(names = "--print-defaults", description = "print the stage's default config as JSON and exit")
    boolean printDefaults;

    @Override
    public Integer call() throws IOException {
        Devices.current();  // a device setting that cannot be met fails before anything is written
        if (printDefaults) {
            System.out.println(Configs.pretty(Configs.toJson(stage.defaults())));
            return 0;
        }
        if (config == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--config FILE is required");
        RunDir run = new RunDir(out != null ? out : Path.of("runs", stage.name()));
        long t0 = System.nanoTime();
        Record c = Configs.read(config, stage.defaults());
        Map<String, Double> eval;
        try (Group group = Group.fromEnvironment()) {  // alone unless WORLD_SIZE is set (gendiv launch, torchrun)
            eval = switch (stage) {
                case pretrain -> Pretrain.run((Pretrain.Config) c, run, resume, false, group);
                case sft -> Sft.run((Sft.Config) c, run, resume, false, group);
                case rm -> RewardTraining.run((RewardTraining.Config) c, run, resume, false, group);
                case ppo -> Ppo.run((PpoConfig) c, run, resume, false, group);
            };
            if (!group.isMain()) return 0;
        }
        StringBuilder b = new StringBuilder();
        eval.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  held-out %s %.4f%n", k, v)));
        System.out.printf(Locale.ROOT, "%s done in %.1f s: model in %s%n%s", stage, (System.nanoTime() - t0) / 1e9,
                run.model(), b);
        return 0;
    }
}
