package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.study.StudyConfig;
import org.gendiv.core.tokenizer.HfTokenizer;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.Pretrain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files a hostile user hands gendiv: each is one line naming the file (and line), never a library's trace. */
class HostileFilesTest {
    @TempDir
    Path dir;

    /** Settings written in code as a config file writes them: comments allowed, a mistyped key named. */
    @Test
    void settingsInCodeReadAsAConfigFile() {
        Pretrain.Config c = Configs.with(Pretrain.Config.defaults(), "Settings", """
                {
                  "steps": 7,          // why seven
                  "optim": {"lr": 0.5} // the rest of optim stays
                }""");
        assertEquals(7, c.steps());
        assertEquals(0.5, c.optim().lr());
        assertEquals(Pretrain.Config.defaults().optim().warmupSteps(), c.optim().warmupSteps());
        var e = assertThrows(Configs.BadConfig.class, () -> Configs.with(Pretrain.Config.defaults(), "Settings", "{\"stepz\": 3}"));
        assertTrue(e.getMessage().startsWith("Settings: unknown key 'stepz'"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesTheFileAndLine() throws IOException {
        Path f = dir.resolve("prompts.jsonl");
        byte[] bytes = "{\"prompt\": \"ok\"}\n{\"prompt\": \"b?d\"}\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 5] = (byte) 0xFF;
        Files.write(f, bytes);
        var e = assertThrows(TextFiles.NotUtf8.class, () -> Jsonl.read(f, "prompt"));
        assertEquals(f + ":2:14 (byte 0xFF): not valid UTF-8", e.getMessage());  // {"prompt": "b is 13 characters
        Path cfg = dir.resolve("m/config.json");
        Files.createDirectories(cfg.getParent());
        Files.write(cfg, new byte[] {'{', (byte) 0xC3, '}'});
        e = assertThrows(TextFiles.NotUtf8.class, () -> GptCheckpoint.readConfig(cfg.getParent()));
        assertTrue(e.getMessage().startsWith(cfg + ":1:2"), e.getMessage());
    }

    @Test
    void tokenizerFilesTheLibraryCannotLoadOrThatOutgrowTheModel() throws IOException {
        Path t = dir.resolve("tokenizer.json");
        Files.writeString(t, "{\"model\": {\"type\": \"Foo\", \"vocab\": {\"a\": 0, \"</s>\": 1}}}");
        var e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(t));
        assertTrue(e.getMessage().startsWith(t + ": the tokenizers library cannot load it ("), e.getMessage());

        Path model = dir.resolve("model");
        ModelTest.writeGpt2Checkpoint(model, ModelTest.TINY, 1);  // vocab 11
        WordTokenizer.train(java.util.List.of("a b c d e f g h i j k l m n o p"), 64, 1).save(model.resolve("tokenizer.json"));
        var b = assertThrows(Configs.BadConfig.class, () -> ModelDir.tokenizer(model));
        assertTrue(b.getMessage().contains("but the model's vocab_size is 11"), b.getMessage());
    }

    @Test
    void aShardIndexWithoutAWeightMap() throws IOException {
        Path model = dir.resolve("sharded");
        ModelTest.writeGpt2Checkpoint(model, ModelTest.TINY, 1);
        Files.delete(model.resolve("model.safetensors"));
        Files.writeString(model.resolve("model.safetensors.index.json"), "{\"metadata\": {}}");
        var e = assertThrows(Safetensors.BadCheckpoint.class, () -> GptCheckpoint.load(model));
        assertEquals(model.resolve("model.safetensors.index.json") + ": not an index with a \"weight_map\" object", e.getMessage());
    }

    /** The header's metadata in sorted order: the same model gives the same bytes in every JVM (Map.of's order is per JVM). */
    @Test
    void savingIsDeterministic() throws IOException {
        Path model = dir.resolve("saved");
        GptCheckpoint.save(GptCheckpoint.load(copy(model)), model);
        byte[] b = Files.readAllBytes(model.resolve("model.safetensors"));
        String header = new String(b, 8, 200, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"writer\":\"gendiv\"}"), header);
    }

    private Path copy(Path model) throws IOException {
        Path src = dir.resolve("src");
        ModelTest.writeGpt2Checkpoint(src, ModelTest.TINY, 2);
        return src;
    }

    @Test
    void aModelShapeThatCannotBeBuiltStopsBeforeAnything() throws IOException {
        Path f = dir.resolve("study.json");
        Files.writeString(f, "{\"pretrain\": {\"heads\": 3, \"width\": 128}}");
        var e = assertThrows(IllegalArgumentException.class, () -> Configs.read(f, StudyConfig.defaults()));
        assertTrue(e.getMessage().contains("width must be a positive multiple of heads (3)") && e.getMessage().startsWith(f.toString()),
                e.getClass() + ": " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Pretrain.Config(null, null, null, 64, 1, 3, 32, 16, 0.0,
                Pretrain.Config.defaults().optim(), 1, 1, Pretrain.Config.defaults().schedule()));
        assertEquals(1, Files.list(dir).count(), "only the config file");
    }
}
