package org.gendiv.core.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gendiv.core.train.OptimConfig;
import org.gendiv.core.train.Sft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/** A resumed run keeps the settings it started with: a changed one is refused, naming the key. */
class RunDirTest {
    @TempDir
    Path dir;

    /** Killed before its first checkpoint, a run starts over: its old metric lines would follow the new ones' steps twice. */
    @Test
    void aFreshStartDropsTheMetricsOfARunKilledBeforeItsFirstCheckpoint() throws IOException {
        RunDir run = new RunDir(dir.resolve("early"));
        var config = Configs.toJson(Sft.Config.defaults());
        run.begin(config, false);
        run.appendMetrics(com.google.gson.JsonParser.parseString("{\"step\": 0, \"loss\": 1.5}").getAsJsonObject());
        run.release();
        run.begin(config, false);  // what the study does when it finds no checkpoint
        assertTrue(Files.notExists(run.metrics()));
        run.release();
    }

    @Test
    void resumeRefusesChangedSettings() throws IOException {
        var sft = Sft.Config.defaults();
        RunDir run = new RunDir(dir.resolve("sft"));
        run.begin(Configs.toJson(sft), false);
        String stored = Files.readString(run.root.resolve("config.json"));
        assertDoesNotThrow(() -> run.begin(Configs.toJson(sft), true), "the same settings resume");
        var changed = new Sft.Config(sft.data(), sft.evalData(), sft.init(), OptimConfig.of(1e-2).withWarmup(sft.optim().warmupSteps()),
                sft.steps(), sft.batchSize(), sft.schedule());
        var e = assertThrows(Configs.BadConfig.class, () -> run.begin(Configs.toJson(changed), true));
        assertTrue(e.getMessage().contains("'optim.lr' (stored 3.0E-4, now 0.01)"), e.getMessage());
        assertEquals(stored, Files.readString(run.root.resolve("config.json")), "config.json is left as it was");
    }
}
