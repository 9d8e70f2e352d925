package org.gendiv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.DataStudyTest;
import org.gendiv.core.EncoderTest;
import org.gendiv.core.FamiliesTest;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.data.Datasets;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * `gendiv study --config real.json` end to end on fixtures written here (the data-set and
 * checkpoint writers are gendiv-core's test fixtures): each model family (GPT-2, OPT, LLaMA) as
 * the base model, each data-set reader (TL;DR, CNN/DailyMail, summarize-from-feedback, preference
 * pairs, Alpaca, AlpacaEval, Sequential Instructions), each model-free judge (the reward model, an
 * external command) and the BERT-family embedding and NLI scorers; every results.json field there.
 */
class RealStudyCommandTest {
    @TempDir
    Path dir;

    JsonObject run(String config, Path out) throws IOException {
        Path cfg = dir.resolve("real-" + out.getFileName() + ".json");
        Files.writeString(cfg, config);
        CliRun run = CliRun.of("study", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("gendiv study: done in"), run.out());
        JsonObject r = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        for (String f : List.of("results.json", "report.md", "samples.jsonl", "config.json")) assertTrue(Files.exists(out.resolve(f)), f);
        return r;
    }

    /** Summarisation on a GPT-2 checkpoint: TL;DR, CNN/DailyMail and summarize-from-feedback; judged by an external command. */
    @Test
    void summarisationOnGpt2WithACommandJudge() throws IOException {
        Path data = dir.resolve("tldr");
        DataStudyTest.summarisationData(data);
        Path model = dir.resolve("gpt2");
        int vocab = DataStudyTest.tokenizer(model, DataStudyTest.texts(data));
        torch.manual_seed(1);
        GptCheckpoint.save(new Gpt(new GptConfig(vocab, 64, 1, 2, 16, 0.0)), model);
        Path judge = dir.resolve("judge.py");
        Files.writeString(judge, """
                import json, sys
                for line in sys.stdin:
                    c = json.loads(line)
                    print(json.dumps({"id": c["id"], "preference": 1.0 if len(c["output"]) < len(c["reference"]) else 0.0}))
                """);
        Path out = dir.resolve("run-gpt2");
        JsonObject r = run("{\"task\": \"summarisation\", \"base_model\": \"gpt2\", "
                + "\"train\": {\"file\": \"tldr/tldr-train.jsonl\", \"format\": \"tldr\"}, "
                + "\"preferences\": {\"file\": \"tldr/comparisons.jsonl\", \"format\": \"summarize_from_feedback\"}, "
                + "\"id_test\": {\"file\": \"tldr/tldr-test.jsonl\", \"format\": \"tldr\"}, "
                + "\"ood_tests\": {\"cnndm\": {\"file\": \"tldr/cnndm.json\", \"format\": \"cnndm\"}}, "
                + "\"judge\": {\"kind\": \"command\", \"command\": [\"python3\", \"" + judge + "\"]}, " + DataStudyTest.TINY_STAGES + "}", out);
        DataStudyTest.assertComplete(r, "summarisation", List.of("id", "cnndm"));
        // every sample's win is the judge program's rule, applied here independently
        Map<String, String> refs = new HashMap<>();
        var t = Datasets.Templates.defaults();
        var id = Datasets.examples(data.resolve("tldr-test.jsonl"), "tldr", t);
        var news = Datasets.examples(data.resolve("cnndm.json"), "cnndm", t);
        for (int i = 0; i < 3; i++) {
            refs.put("id-" + i, id.get(i).reference());
            refs.put("cnndm-" + i, news.get(i).reference());
        }
        int lines = 0;
        for (String line : Files.readAllLines(out.resolve("samples.jsonl"))) {
            JsonObject s = JsonParser.parseString(line).getAsJsonObject();
            String text = s.get("text").getAsString(), ref = refs.get(s.get("input_id").getAsString());
            assertEquals(text.length() < ref.length() ? 1.0 : 0.0, s.get("win").getAsDouble(), line);
            lines++;
        }
        assertEquals(3 * 2 * 2 * 3, lines);  // methods x splits x inputs x samples
    }

    /**
     * Instruction following on an OPT checkpoint: Alpaca, preference pairs, AlpacaEval and
     * Sequential Instructions; the RM judges; embedding and NLI diversity from BERT-family models.
     */
    @Test
    void instructionsOnOpt() throws IOException {
        Path data = dir.resolve("alpaca");
        DataStudyTest.instructionData(data);
        Path model = dir.resolve("opt");
        int vocab = DataStudyTest.tokenizer(model, DataStudyTest.texts(data));
        var opt = new FamiliesTest.Opt(vocab, 64, 16, 2, 32, 1, 16, true);
        FamiliesTest.writeCheckpoint(model, opt.json(), opt.shapes(), "model.", "F32", 3);
        Path st = EncoderTest.sentenceTransformer(dir.resolve("st")), nli = dir.resolve("nli");
        FamiliesTest.writeCheckpoint(st, EncoderTest.config(false, ""), EncoderTest.shapes(false, false), "", "F32", 5);
        Files.createDirectories(nli);
        EncoderTest.tokenizer(nli, true);
        FamiliesTest.writeCheckpoint(nli, EncoderTest.config(true, ", \"id2label\": {\"0\": \"entailment\", \"1\": \"neutral\", \"2\": \"contradiction\"}"),
                EncoderTest.shapes(true, true), "roberta.", "F32", 6);
        JsonObject r = run("{\"task\": \"instructions\", \"base_model\": \"opt\", "
                + "\"train\": {\"file\": \"alpaca/alpaca.json\", \"format\": \"alpaca\"}, "
                + "\"preferences\": {\"file\": \"alpaca/pairs.jsonl\", \"format\": \"pairs\"}, "
                + "\"id_test\": {\"file\": \"alpaca/alpaca-test.json\", \"format\": \"alpaca\"}, "
                + "\"ood_tests\": {\"alpaca_eval\": {\"file\": \"alpaca/alpaca-eval.json\", \"format\": \"alpaca_eval\"}, "
                + "\"sequential\": {\"file\": \"alpaca/sequential.jsonl\", \"format\": \"AlpacaEval\"}}, "
                + "\"judge\": {\"kind\": \"reward_model\"}, \"embedding_model\": \"st\", \"nli_model\": \"nli\", " + DataStudyTest.TINY_STAGES + "}",
                dir.resolve("run-opt"));
        DataStudyTest.assertComplete(r, "instructions", List.of("id", "alpaca_eval", "sequential"));
        JsonObject id = r.getAsJsonObject("tasks").getAsJsonObject("instructions").getAsJsonObject("methods").getAsJsonObject("ppo")
                .getAsJsonObject("splits").getAsJsonObject("id");
        for (String k : List.of("embedding", "nli")) assertTrue(id.getAsJsonObject("per_input").has(k), "per_input lacks " + k);
        assertTrue(id.getAsJsonObject("across_input").has("embedding"));
        double emb = id.getAsJsonObject("per_input").getAsJsonObject("embedding").get("mean").getAsDouble();
        assertTrue(emb >= 0 && emb <= 2, "embedding diversity " + emb);
        assertEquals("the trained reward model", r.getAsJsonObject("tasks").getAsJsonObject("instructions").get("judge").getAsString());
    }

    /** Summarisation on a LLaMA-style checkpoint with the bottom half of its layers frozen, from plain preference pairs. */
    @Test
    void summarisationOnLlamaFrozen() throws IOException {
        Path data = dir.resolve("tldr");
        DataStudyTest.summarisationData(data);
        Path model = dir.resolve("llama");
        int vocab = DataStudyTest.tokenizer(model, DataStudyTest.texts(data));
        var llama = new FamiliesTest.Llama("llama", vocab, 64, 16, 4, 2, 32, 2, false, false, 10000, 1e-6);
        FamiliesTest.writeCheckpoint(model, llama.json(), llama.shapes(), "model.", "F32", 4);
        JsonObject r = run("{\"task\": \"summarisation\", \"base_model\": \"llama\", "
                + "\"train\": {\"file\": \"tldr/tldr-train.jsonl\", \"format\": \"tldr\"}, "
                + "\"preferences\": {\"file\": \"tldr/pairs.jsonl\", \"format\": \"pairs\"}, "
                + "\"id_test\": {\"file\": \"tldr/tldr-test.jsonl\", \"format\": \"tldr\"}, "
                + "\"ood_tests\": {\"cnndm\": {\"file\": \"tldr/cnndm.json\", \"format\": \"cnndm\"}}, "
                + DataStudyTest.TINY_STAGES.replace("\"sft\": {", "\"sft\": {\"optim\": {\"freeze_fraction\": 0.5}, ") + "}", dir.resolve("run-llama"));
        DataStudyTest.assertComplete(r, "summarisation", List.of("id", "cnndm"));
        Gpt base = GptCheckpoint.load(model), tuned = GptCheckpoint.load(dir.resolve("run-llama/seed-2/summarisation/sft/model"));
        var a = base.namedParameters();
        var b = tuned.namedParameters();
        assertTrue(java.util.Arrays.equals(Tensors.floats(a.get("model.layers.0.mlp.up_proj.weight")),
                Tensors.floats(b.get("model.layers.0.mlp.up_proj.weight"))), "a frozen layer moved");
        assertTrue(!java.util.Arrays.equals(Tensors.floats(a.get("model.layers.1.mlp.up_proj.weight")),
                Tensors.floats(b.get("model.layers.1.mlp.up_proj.weight"))), "a trained layer stayed");
    }
}
