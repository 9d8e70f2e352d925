package org.gendiv.core.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.study.StudyConfig;
import org.gendiv.core.tokenizer.HfTokenizer;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.diversity.Generations;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The parsers a hostile file reaches, under Jazzer: any bytes give a result or a one-line
 * IllegalArgumentException (gendiv's BadCheckpoint, BadConfig), TextFiles.NotUtf8 or Generations.BadInput,
 * never another exception, a hang or a crash. A plain JUnit run replays the corpus in
 * ParsersFuzzTestInputs/ beside this class; JAZZER_FUZZ=1 fuzzes one target (bench/fuzz/run.sh).
 */
class ParsersFuzzTest {
    /** The fuzzer's bytes as a file with the given name in a fresh directory; returns the file. */
    static Path file(byte[] bytes, String name) throws IOException {
        Path dir = Files.createTempDirectory("gendiv-fuzz-");
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static void cleanUp(Path f) throws IOException {
        try (var s = Files.list(f.getParent())) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(f.getParent());
    }

    /** Runs body; an expected error must be one line. */
    static void expectOneLine(Path f, IoBody body) throws IOException {
        try {
            body.run(f);
        } catch (IllegalArgumentException | Generations.BadInput | TextFiles.NotUtf8 e) {
            String m = e.getMessage();
            if (m == null || m.contains("\n") || m.length() > 2000) throw new AssertionError("not a one-line error: " + m, e);
        } finally {
            cleanUp(f);
        }
    }

    interface IoBody {
        void run(Path f) throws IOException;
    }

    @FuzzTest(maxDuration = "10s")
    void safetensorsHeader(byte[] bytes) throws IOException {
        expectOneLine(file(bytes, "model.safetensors"), f -> {
            try (Safetensors st = Safetensors.open(f)) {
                for (var e : st.entries().values()) st.entry(e.name());
            }
        });
    }

    @FuzzTest(maxDuration = "10s")
    void generationsJsonl(byte[] bytes) throws IOException {
        expectOneLine(file(bytes, "gens.jsonl"), Generations::read);
    }

    @FuzzTest(maxDuration = "10s")
    void promptsJsonl(byte[] bytes) throws IOException {
        expectOneLine(file(bytes, "prompts.jsonl"), f -> Jsonl.read(f, "prompt"));
    }

    @FuzzTest(maxDuration = "10s")
    void studyConfig(byte[] bytes) throws IOException {
        expectOneLine(file(bytes, "study.json"), f -> Configs.read(f, StudyConfig.defaults()));
    }

    @FuzzTest(maxDuration = "10s")
    void hfConfig(byte[] bytes) throws IOException {
        expectOneLine(file(bytes, "config.json"), f -> GptCheckpoint.readConfig(f.getParent()));
    }

    @FuzzTest(maxDuration = "10s")
    void tokenizerJson(FuzzedDataProvider data) throws IOException {
        boolean word = data.consumeBoolean();
        expectOneLine(file(data.consumeRemainingAsBytes(), "tokenizer.json"), f -> {
            if (word) WordTokenizer.load(f);
            else HfTokenizer.load(f).close();
        });
    }
}
