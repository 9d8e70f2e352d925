package org.gendiv.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that goes wrong stops with one line and leaves what it had written: a diverging loss, a
 * model with no finite logit, a second process in the same directory, a checkpoint past the
 * run's end.
 */
class RunSafetyTest {
    @TempDir
    Path dir;

    Sft.Config config(double lr, int steps) {
        return new Sft.Config(null, null, null, OptimConfig.of(lr), steps, 16, TinyTask.schedule(2));
    }

    @Test
    void divergedTrainingStopsAndKeepsTheLastCheckpoint() throws IOException {
        TinyTask task = new TinyTask(dir);
        // a sane run's checkpoint at step 2, then the same directory resumed at lr 1e30 would be a new run;
        // so diverge from the start and check nothing NaN is written
        RunDir run = new RunDir(dir.resolve("sft"));
        Sft.Config c = config(1e30, 12);
        run.begin(Configs.toJson(c), false);
        Stage stage = Sft.stage(c, task.freshModel(1), task.tok, task.tokFile, TinyTask.demos(64, 2), List.of());
        var e = assertThrows(Trainer.Diverged.class, () -> new Trainer(run, c.schedule()).quiet(true).run(stage, false));
        assertTrue(e.getMessage().startsWith("sft: ") && e.getMessage().contains("training diverged")
                && e.getMessage().contains("of 12"), e.getMessage());
        assertFalse(Files.exists(run.model()), "no model is exported");
        int kept = run.checkpointStep();
        assertTrue(kept < 12, "stopped at step " + kept);
        if (kept > 0) {  // what was saved is finite
            Gpt probe = task.freshModel(2);
            var sftState = Sft.stage(c, probe, task.tok, task.tokFile, TinyTask.demos(8, 2), List.of()).state();
            run.loadCheckpoint(sftState);
            for (var t : sftState.values()) assertTrue(t.isfinite().all().item_bool());
        }
    }

    @Test
    void aModelWithNoFiniteLogitIsAnError() throws IOException {
        TinyTask task = new TinyTask(dir);
        Gpt broken = task.freshModel(3);
        try (var g = new NoGradGuard()) {
            for (var p : broken.namedParameters().values()) p.fill_(new Scalar(Double.NaN));
        }
        var e = assertThrows(Generator.NoFiniteLogit.class, () -> new Generator(broken, Kernels.cpu())
                .generate(new int[][] {{1, 2}}, 3, Params.Sampling.of(1f, 1), -1, 0, true));
        assertTrue(e.getMessage().contains("no finite value"), e.getMessage());
    }

    @Test
    void anotherProcessInTheDirectoryIsRefused() throws IOException {
        Path root = dir.resolve("busy");
        Files.createDirectories(root);
        Files.writeString(root.resolve("note.txt"), "kept");
        // a lock held by someone else (here another channel; a second JVM alike)
        try (FileChannel other = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var held = other.tryLock()) {
            var e = assertThrows(Configs.BadConfig.class, () -> new RunDir(root).begin(Configs.toJson(config(1e-3, 2)), false));
            assertTrue(e.getMessage().contains("another gendiv run is using this directory"), e.getMessage());
            assertFalse(Files.exists(root.resolve("config.json")), "nothing written");
        }
        // free again: the run starts, and this process may begin it again after it ended
        RunDir run = new RunDir(root);
        run.begin(Configs.toJson(config(1e-3, 2)), false);
        run.release();
        run.begin(Configs.toJson(config(1e-3, 2)), true);
        run.release();
        assertEquals("kept", Files.readString(root.resolve("note.txt")));
    }

    @Test
    void aCheckpointPastTheRunsEndIsRefused() throws IOException {
        TinyTask task = new TinyTask(dir);
        RunDir run = new RunDir(dir.resolve("short"));
        Sft.Config c = config(1e-3, 2);
        run.begin(Configs.toJson(c), false);
        Stage stage = Sft.stage(c, task.freshModel(4), task.tok, task.tokFile, TinyTask.demos(32, 2), List.of());
        new Trainer(run, c.schedule()).quiet(true).run(stage, false);
        Path state = dir.resolve("short/checkpoint/state.json");
        byte[] model = Files.readAllBytes(run.model().resolve("model.safetensors"));
        Files.writeString(state, Files.readString(state).replaceFirst("\"step\"\\s*:\\s*2", "\"step\": 999"));
        var e = assertThrows(Configs.BadConfig.class, () -> new Trainer(run, c.schedule()).quiet(true).run(stage, true));
        assertTrue(e.getMessage().contains("step 999 is past the run's 2 steps"), e.getMessage());
        assertArrayEquals(model, Files.readAllBytes(run.model().resolve("model.safetensors")), "the model is left as it was");
    }
}
