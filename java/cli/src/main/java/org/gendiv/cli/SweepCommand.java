package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gendiv.core.model.Devices;
import org.gendiv.core.study.DataStudy;
import org.gendiv.core.study.Study;
import org.gendiv.core.study.StudyConfig;
import org.gendiv.core.study.Sweeps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gendiv sweep kl|temperature|bon-n --values ...}: a trade-off curve added to a study's report. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Chart the trade-off on a study's first seed: kl (PPO's beta; a PPO run per value),",
            "temperature (SFT sampling temperature) or bon-n (Best-of-N's N). Missing stages are trained first.",
            "Writes sweeps/KIND.json and plots/sweep-KIND-TASK.png, and adds the curve to report.md."})
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "kl | temperature | bon-n")
    String kind;

    @Option(names = "--values", required = true, split = ",", description = "comma-separated values, e.g. 0.01,0.05,0.2")
    double[] values;

    @Option(names = "--out", required = true, description = "the study's run directory (created if new)")
    Path out;

    @Option(names = "--task", description = "both | summarisation | instructions (default: the study's)")
    String task;

    @Option(names = "--config", description = "JSON overriding settings (a new study directory only)")
    Path config;

    @Override
    public Integer call() throws IOException {
        Devices.current();  // a device setting that cannot be met fails before anything is written
        Sweeps.Kind k = Sweeps.Kind.parse(kind);
        Path saved = out.resolve("config.json");
        if (Files.exists(saved) && DataStudy.isDataConfig(saved))
            throw new IllegalArgumentException(out + ": holds a study on real data; sweeps run on the embedded study "
                    + "(for real data, run gendiv study again with the swept setting in its config)");
        StudyConfig c = StudyCommand.config(out, config, true, task, null);
        Sweeps.run(new Study(c, out), c, out, k, values);
        System.out.println("gendiv sweep: " + k.flag + " done; curve in " + out.resolve("sweeps/" + k.flag + ".json")
                + ", report " + out.resolve("report.md"));
        return 0;
    }
}
