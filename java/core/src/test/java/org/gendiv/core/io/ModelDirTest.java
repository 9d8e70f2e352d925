package org.gendiv.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study keeps a stage whose model directory has model.safetensors, so an export that stops
 * partway (killed, or a write that fails) must not leave it beside missing files: model.safetensors
 * is written last. Here a write before it fails (its path taken by a non-empty directory) and no
 * model.safetensors may be there afterwards; the same export into a clean directory then reads back.
 */
class ModelDirTest {
    @TempDir
    Path dir;

    static final GptConfig TINY = new GptConfig(11, 12, 2, 2, 8, 0.0);

    private Path tokenizer() throws IOException {
        Path t = dir.resolve("tokenizer-source.json");
        Files.writeString(t, "{\"kind\": \"word\", \"words\": [\"<pad>\", \"<eos>\", \"a\"]}");
        return t;
    }

    private static void block(Path dir, String name) throws IOException {
        Files.createDirectories(dir.resolve(name).resolve("taken"));
    }

    @Test
    void aRewardModelExportThatFailsLeavesNoModelFile() throws IOException {
        RewardModel rm = new RewardModel(new Gpt(TINY), RewardModel.Pooling.MEAN, new Gpt(TINY), 1.0);
        for (String failing : new String[] {"reward.json", "tokenizer.json", "config.json"}) {
            Path out = dir.resolve("rm-" + failing);
            block(out, failing);
            assertThrows(IOException.class, () -> ModelDir.saveRewardModel(rm, tokenizer(), out), failing);
            assertTrue(Files.notExists(out.resolve("model.safetensors")), "model.safetensors written although " + failing + " failed");
        }
        Path out = dir.resolve("rm");
        ModelDir.saveRewardModel(rm, tokenizer(), out);
        for (String f : new String[] {"config.json", "tokenizer.json", "reward.json", "reference/model.safetensors", "model.safetensors"})
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        RewardModel back = ModelDir.rewardModel(out);
        assertEquals(RewardModel.Pooling.MEAN, back.pooling);
        assertEquals(1.0, back.logratio());
    }

    @Test
    void aPolicyExportThatFailsLeavesNoModelFile() throws IOException {
        Gpt policy = new Gpt(TINY);
        for (String failing : new String[] {"tokenizer.json", "config.json"}) {
            Path out = dir.resolve("policy-" + failing);
            block(out, failing);
            assertThrows(IOException.class, () -> ModelDir.savePolicy(policy, tokenizer(), out), failing);
            assertTrue(Files.notExists(out.resolve("model.safetensors")), "model.safetensors written although " + failing + " failed");
        }
    }
}
