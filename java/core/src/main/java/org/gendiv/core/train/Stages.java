package org.gendiv.core.train;

import java.nio.file.Files;
import java.nio.file.Path;

import org.gendiv.core.io.Configs;

/** Checks every stage makes before training starts; errors name the config key and file. */
public final class Stages {
    private Stages() {}

    static Path required(String value, String key, String what) {
        if (value == null) throw new Configs.BadConfig("config: key '" + key + "' is required (" + what + ")");
        Path p = Path.of(value);
        if (!Files.exists(p)) throw new Configs.BadConfig("config: key '" + key + "': " + p + " does not exist");
        return p;
    }

    /** For config records: value must be at least min, else an error naming the key. */
    public static void atLeast(long value, long min, String key) {
        if (value < min) throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
    }

    /**
     * Seeds LibTorch's generator before a stage builds its models, so a fresh model's or a new
     * head's random initialisation is a function of the run's seed (LibTorch seeds its default
     * generator from the clock otherwise).
     */
    static void seedInitialisation(Trainer.Schedule schedule) {
        org.bytedeco.pytorch.global.torch.manual_seed(schedule.seed());
    }

    static void checkBatch(int batchSize, int examples, String file) {
        if (batchSize > examples)
            throw new Configs.BadConfig("config: key 'batch_size' (" + batchSize + ") is larger than the data ("
                    + examples + " examples in " + file + ")");
    }
}
