package org.gendiv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's worked example in miniature: world data, the four train stages, generate, bon, diversity; and bad input. */
class PipelineCommandTest {
    @TempDir
    Path dir;

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    String p(String rel) {
        return dir.resolve(rel).toString();
    }

    @Test
    void worldTrainGenerateBonDiversity() throws IOException {
        Path sizes = write("sizes.json", """
                {"world": {"corpus_docs": 200, "sft_examples": 40, "sft_eval": 8, "rm_prompts": 10, "rm_eval_prompts": 2, "ppo_prompts": 16, "tie_threshold": 0.005}}""");
        CliRun r = run("world", "--out", p("data"), "--task", "summarisation", "--config", sizes.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"corpus.jsonl", "tokenizer.json", "summarisation/sft.jsonl", "summarisation/prefs.jsonl",
            "summarisation/prompts.jsonl", "summarisation/sft-eval.jsonl", "summarisation/prefs-eval.jsonl", "summarisation/prefs-test.jsonl", "summarisation/eval.jsonl"})
            assertTrue(Files.exists(dir.resolve("data").resolve(f)), f);
        // Outputs of "another system" for the exported evaluation inputs (the reference of each), judged by gendiv evaluate.
        StringBuilder echo = new StringBuilder();
        for (String line : Files.readAllLines(dir.resolve("data/summarisation/eval.jsonl"))) {
            var in = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            echo.append(String.format("{\"task\": \"summarisation\", \"method\": \"echo\", \"split\": %s, \"input_id\": %s, \"text\": %s}%n",
                    in.get("split"), in.get("input_id"), in.get("reference")));
        }
        Path samples = write("echo.jsonl", echo.toString());
        r = run("evaluate", "--samples", samples.toString(), "--config", sizes.toString(), "--out", p("echo"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| echo | 0.500 [0.500, 0.500] |"), r.out());
        assertTrue(Files.exists(dir.resolve("echo/results.json")));

        Path pre = write("pretrain.json", "{\"data\": \"" + p("data/corpus.jsonl") + "\", \"tokenizer\": \"" + p("data/tokenizer.json")
                + "\", \"steps\": 4, \"layers\": 1, \"width\": 32, \"heads\": 2, \"context\": 112, \"batch_size\": 8}");
        Path sft = write("sft.json", "{\"data\": \"" + p("data/summarisation/sft.jsonl") + "\", \"eval_data\": \""
                + p("data/summarisation/sft-eval.jsonl") + "\", \"init\": \"" + p("runs/base/model") + "\", \"steps\": 3, \"batch_size\": 8}");
        Path rm = write("rm.json", "{\"data\": \"" + p("data/summarisation/prefs.jsonl") + "\", \"init\": \"" + p("runs/sft/model")
                + "\", \"steps\": 3, \"batch_size\": 8, \"normalize_samples\": 8}");
        Path ppo = write("ppo.json", "{\"prompts\": \"" + p("data/summarisation/prompts.jsonl") + "\", \"init\": \"" + p("runs/sft/model")
                + "\", \"reward\": \"" + p("runs/rm/model") + "\", \"steps\": 2, \"rollout_batch\": 8, \"minibatch\": 4, \"epochs\": 1,"
                + " \"max_new_tokens\": 8}");
        for (String[] stage : new String[][] {{"pretrain", pre.toString(), "base"}, {"sft", sft.toString(), "sft"},
            {"rm", rm.toString(), "rm"}, {"ppo", ppo.toString(), "ppo"}}) {
            r = run("train", stage[0], "--config", stage[1], "--out", p("runs/" + stage[2]));
            assertEquals(0, r.code(), stage[0] + ": " + r.err());
            assertTrue(Files.exists(dir.resolve("runs/" + stage[2] + "/model/model.safetensors")), stage[0]);
            assertTrue(Files.readAllLines(dir.resolve("runs/" + stage[2] + "/metrics.jsonl")).size() >= 1);
        }
        // A finished run is never overwritten.
        r = run("train", "sft", "--config", sft.toString(), "--out", p("runs/sft"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--resume"), r.err());

        Path prompts = write("prompts.jsonl", "{\"prompt\": \"summarize : my friend tom lost a wallet at the park on monday .\"}\n"
                + "{\"prompt\": \"sort these words : pear apple fig\"}\n");
        r = run("generate", "--model", p("runs/ppo/model"), "--prompts", prompts.toString(), "--samples", "3",
                "--max-new-tokens", "6", "--out", p("gens.jsonl"));
        assertEquals(0, r.code(), r.err());
        assertEquals(6, Files.readAllLines(dir.resolve("gens.jsonl")).size());
        r = run("bon", "--policy", p("runs/sft/model"), "--reward", p("runs/rm/model"), "--prompts", prompts.toString(), "--n", "4",
                "--max-new-tokens", "6", "--out", p("bon.jsonl"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("bon.jsonl")).contains("candidate_scores"));
        r = run("diversity", "--input", p("gens.jsonl"), "--bootstrap", "10");
        assertEquals(0, r.code(), r.err());
        hostileInputsLeaveEarlierOutputsAlone(samples, sizes, prompts);
    }

    /** What a hostile user tries next: each is one line, exit 2, and nothing written before is touched. */
    void hostileInputsLeaveEarlierOutputsAlone(Path samples, Path sizes, Path prompts) throws IOException {
        String results = Files.readString(dir.resolve("echo/results.json")), promptText = Files.readString(prompts);
        CliRun r = run("evaluate", "--samples", samples.toString(), "--config", sizes.toString(), "--out", p("echo"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds an earlier evaluation"), r.err());
        assertEquals(results, Files.readString(dir.resolve("echo/results.json")));

        r = run("generate", "--model", p("runs/ppo/model"), "--prompts", prompts.toString(), "--out", prompts.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is the --prompts file"), r.err());
        assertEquals(promptText, Files.readString(prompts));
        r = run("generate", "--model", p("runs/ppo/model"), "--prompts", prompts.toString(), "--max-new-tokens", "-1",
                "--out", p("g2.jsonl"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-new-tokens must be >= 0"), r.err());
        Path long_ = write("long.jsonl", "{\"prompt\": \"a\"}\n{\"prompt\": \"" + "my friend tom ".repeat(60) + "\"}\n");
        r = run("generate", "--model", p("runs/ppo/model"), "--prompts", long_.toString(), "--out", p("g2.jsonl"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains(long_ + ": prompt 2 is ") && r.err().contains("leaves room for"), r.err());
        assertFalse(Files.exists(dir.resolve("g2.jsonl")));
        Path ppoLong = write("ppo-long.json", "{\"prompts\": \"" + long_ + "\", \"init\": \"" + p("runs/sft/model")
                + "\", \"reward\": \"" + p("runs/rm/model") + "\", \"steps\": 1, \"rollout_batch\": 2, \"minibatch\": 2, \"epochs\": 1,"
                + " \"max_new_tokens\": 8}");
        r = run("train", "ppo", "--config", ppoLong.toString(), "--out", p("runs/ppo-long"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains(long_ + ": prompt 2 is ") && r.err().contains("lower max_new_tokens"), r.err());
        assertFalse(Files.exists(dir.resolve("runs/ppo-long/config.json")));

        String gens = Files.readString(dir.resolve("gens.jsonl"));
        r = run("diversity", "--input", p("gens.jsonl"), "--output", p("gens.jsonl"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is the --input file"), r.err());
        assertEquals(gens, Files.readString(dir.resolve("gens.jsonl")));
        r = run("diversity", "--input", p("gens.jsonl"), "--vocab-size", "Infinity");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--vocab-size must be a finite number"), r.err());
        r = run("diversity", "--input", p("gens.jsonl"), "--bootstrap", "0", "--output", p("nob.json"));
        assertEquals(0, r.code(), r.err());
        var ead = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("nob.json"))).getAsJsonObject()
                .getAsJsonObject("all").getAsJsonObject("per_input").getAsJsonObject("ead");
        assertTrue(ead.get("mean").isJsonPrimitive() && ead.getAsJsonArray("ci95").get(0).isJsonNull(), ead.toString());

        r = run("sweep", "kl", "--values", "0.1", "--out", p("data"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not empty and holds no study"), r.err());
        assertFalse(Files.exists(dir.resolve("data/config.json")));
    }

    @Test
    void badInputIsOneLineNamingTheKeyOrFile() throws IOException {
        Path bad = write("bad.json", "{\"data\": \"x.jsonl\", \"learning_rate\": 3}");
        CliRun r = run("train", "sft", "--config", bad.toString(), "--out", p("never"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown key 'learning_rate'") && r.err().contains(bad.toString()), r.err());
        assertTrue(!Files.exists(dir.resolve("never")));

        r = run("train", "sft", "--config", p("missing.json"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.json"), r.err());

        r = run("generate", "--model", p("no-model"), "--prompts", bad.toString(), "--out", p("g.jsonl"));
        assertEquals(2, r.code());

        r = run("sweep", "entropy", "--values", "1", "--out", p("s"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("kl, temperature, bon-n"), r.err());

        r = run("evaluate", "--samples", p("none.jsonl"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none.jsonl is not a file"), r.err());

        r = run("study", "--print-config");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"bon_n\": 16"), r.out());
    }
}
