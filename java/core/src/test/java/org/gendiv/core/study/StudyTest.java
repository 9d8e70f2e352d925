package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gendiv.core.io.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The study end to end on a tiny setting: every file and field is there, and a resumed study keeps finished stages. */
class StudyTest {
    @TempDir
    Path dir;

    static StudyConfig tiny(Path dir) throws IOException {
        Path f = dir.resolve("tiny.json");
        Files.writeString(f, """
                {"seed": 1,
                 "world": {"corpus_docs": 300, "sft_examples": 100, "sft_eval": 20, "rm_prompts": 25, "rm_eval_prompts": 5, "ppo_prompts": 40, "tie_threshold": 0.005},
                 "pretrain": {"steps": 12, "layers": 1, "width": 32, "heads": 2, "batch_size": 8},
                 "sft": {"steps": 6, "batch_size": 8}, "rm": {"steps": 6, "batch_size": 8, "normalize_samples": 8},
                 "ppo": {"steps": 2, "rollout_batch": 8, "minibatch": 4, "epochs": 1, "max_new_tokens": 8, "critic": {"warmup_steps": 1}},
                 "eval": {"inputs": 3, "samples": 3, "diversity_inputs": 2, "win_rate_samples": 2, "bon_n": 2, "max_new_tokens": 8, "bootstrap": 50},
                 "per_task": {"summarisation": {"sft": {"steps": 7}}}}
                """);
        return Configs.read(f, StudyConfig.defaults());
    }

    /** Reads a stage's recorded setting from its config.json (what the stage trained with). */
    static int stageSetting(Path stageDir, String key) throws IOException {
        return JsonParser.parseString(Files.readString(stageDir.resolve("config.json"))).getAsJsonObject().get(key).getAsInt();
    }

    @Test
    void runsEndToEndAndWritesEveryArtifact() throws IOException {
        Path out = dir.resolve("study");
        JsonObject r = new Study(tiny(dir).withTask("summarisation"), out).run(false);
        for (String f : List.of("config.json", "results.json", "report.md", "samples.jsonl",
                "plots/tradeoff-summarisation.png", "plots/winrate-summarisation.png", "plots/diversity-summarisation.png",
                "seed-1/base/model/model.safetensors", "seed-1/summarisation/sft/metrics.jsonl",
                "seed-1/summarisation/rm/model/model.safetensors", "seed-1/summarisation/ppo/model/tokenizer.json"))
            assertTrue(Files.exists(out.resolve(f)), f);
        JsonObject t = r.getAsJsonObject("tasks").getAsJsonObject("summarisation");
        org.gendiv.core.DataStudyTest.assertPublicFormat(r, "summarisation", List.of("id", "ood1", "ood2", "ood3"),
                List.of("ead", "distinct", "self_bleu", "compression", "semantic", "nli"));
        assertEquals(List.of(1L), List.of(r.getAsJsonArray("seeds").get(0).getAsLong()));
        // samples.jsonl: every generation, judged: 3 methods x (ID: 2 inputs x 3 samples + 1 x 2; 3 OOD splits x 3 inputs x 2),
        // plus 12 references.
        List<String> lines = Files.readAllLines(out.resolve("samples.jsonl"));
        assertEquals(3 * (2 * 3 + 2 + 3 * 3 * 2) + 4 * 3, lines.size());
        JsonObject sftId = t.getAsJsonObject("methods").getAsJsonObject("sft").getAsJsonObject("splits").getAsJsonObject("id");
        assertEquals(3, sftId.get("inputs").getAsInt());
        assertEquals(2, sftId.get("diversity_inputs").getAsInt());
        assertEquals(8, sftId.get("outputs").getAsInt());
        JsonObject line = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        for (String k : List.of("task", "method", "split", "input_id", "sample_index", "text", "gold")) assertTrue(line.has(k), k);
        assertTrue(Files.readString(out.resolve("report.md")).contains("Findings of STUDY.md"));
        // The instrument checks: every instrument and split checked, the tiny run's failures named and its findings inconclusive.
        JsonObject inst = t.getAsJsonObject("instruments");
        for (String k : List.of("reward_model", "ppo")) assertTrue(inst.getAsJsonObject(k).has("pass"), k);
        assertEquals(List.of("id", "ood1", "ood2", "ood3"), List.copyOf(inst.getAsJsonObject("splits").keySet()));
        assertTrue(inst.getAsJsonObject("reward_model").get("heldout_pairs").getAsInt() > 0);
        assertTrue(Files.exists(out.resolve("seed-1/summarisation/rm/heldout-pairs.jsonl")));
        assertEquals(7, stageSetting(out.resolve("seed-1/summarisation/sft"), "steps"), "per_task's steps, not the shared 6");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("Instrument checks") && (Instruments.failed(inst).isEmpty() || report.contains("**inconclusive**")));

        // gendiv evaluate on the study's own samples.jsonl recomputes the same results, to the last digit.
        JsonObject re = SampleEvaluation.run(tiny(dir).withTask("summarisation"), out.resolve("samples.jsonl"), dir.resolve("re"));
        assertEquals(t.getAsJsonObject("methods").toString(),
                re.getAsJsonObject("tasks").getAsJsonObject("summarisation").getAsJsonObject("methods").toString());
        assertTrue(Files.exists(dir.resolve("re/report.md")) && Files.exists(dir.resolve("re/plots/tradeoff-summarisation.png")));
        assertThrows(Configs.BadConfig.class, () -> SampleEvaluation.run(tiny(dir), out.resolve("samples.jsonl"), out),
                "a study's directory is not overwritten");

        // A second run refuses the directory; --resume keeps every finished stage and reproduces the numbers.
        assertThrows(Configs.BadConfig.class, () -> new Study(tiny(dir).withTask("summarisation"), out).run(false));
        long modified = Files.getLastModifiedTime(out.resolve("seed-1/summarisation/ppo/model/model.safetensors")).toMillis();
        JsonObject again = new Study(tiny(dir).withTask("summarisation"), out).run(true);
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("seed-1/summarisation/ppo/model/model.safetensors")).toMillis());
        assertEquals(t.getAsJsonObject("methods").toString(),
                again.getAsJsonObject("tasks").getAsJsonObject("summarisation").getAsJsonObject("methods").toString());

        // A resume with a changed setting is a new run: refused, naming the key, and config.json is left as it was.
        String stored = Files.readString(out.resolve("config.json"));
        StudyConfig changed = tiny(dir).withTask("summarisation").withEval(new StudyConfig.Eval(3, 3, 1.0f, 2, 8, 51, 128, true, 0, 2, 2));
        var e = assertThrows(Configs.BadConfig.class, () -> new Study(changed, out).run(true));
        assertTrue(e.getMessage().contains("'eval.bootstrap' (stored 50, now 51)"), e.getMessage());
        assertEquals(stored, Files.readString(out.resolve("config.json")));
    }

    /**
     * Another system's outputs for gendiv world's eval.jsonl: a system that answers every input
     * with its reference ties it (win 0.5 on every input and split, gap 0), and a method named
     * as the user likes gets results but no findings.
     */
    @Test
    void evaluateJudgesOutputsForTheExportedInputs() throws IOException {
        StudyConfig c = tiny(dir).withTask("instructions");
        new Study(c, dir.resolve("world")).exportData(dir.resolve("world"));
        List<String> eval = Files.readAllLines(dir.resolve("world/instructions/eval.jsonl"));
        assertEquals(4 * c.eval().inputs(), eval.size());
        StringBuilder samples = new StringBuilder();
        for (String line : eval) {
            JsonObject in = JsonParser.parseString(line).getAsJsonObject(), o = new JsonObject();
            for (String k : List.of("task", "split", "input_id")) o.add(k, in.get(k));
            o.addProperty("method", "echo");
            o.add("text", in.get("reference"));
            samples.append(o).append('\n');
        }
        Path file = dir.resolve("echo.jsonl");
        Files.writeString(file, samples);
        JsonObject r = SampleEvaluation.run(c, file, dir.resolve("echo"));
        JsonObject m = r.getAsJsonObject("tasks").getAsJsonObject("instructions").getAsJsonObject("methods").getAsJsonObject("echo");
        for (String split : List.of("id", "ood1", "ood2", "ood3")) {
            JsonObject b = m.getAsJsonObject("splits").getAsJsonObject(split);
            assertEquals(0.5, b.getAsJsonObject("win_rate").get("mean").getAsDouble(), 1e-12, split);
            assertTrue(!b.has("rm_score") && !b.has("kl_to_sft"), "no RM scores or KL were given");
        }
        assertEquals(0.0, m.getAsJsonObject("generalisation_gap").get("mean").getAsDouble(), 1e-12);
        assertTrue(Files.readString(dir.resolve("echo/report.md")).contains("Findings of STUDY.md: not checked"));
    }

    /** Bad lines stop gendiv evaluate with the file, line and key, before anything is written. */
    @Test
    void evaluateRefusesBadSamplesByLine() throws IOException {
        StudyConfig c = tiny(dir).withTask("instructions");
        String good = "{\"task\": \"instructions\", \"method\": \"m\", \"split\": \"id\", \"input_id\": \"id-0\", \"text\": \"a b\"}";
        String[][] cases = {
            {"{\"task\": \"instructions\", \"method\": \"m\", \"split\": \"id\", \"input_id\": \"id-0\"}", ":2: text is missing"},
            {good.replace("\"id-0\"", "\"id-x\""), ":2: input_id \"id-x\""},
            {good.replace("\"id-0\"", "\"id-99\""), ":2: input_id 99 is past"},
            {good.replace("\"split\": \"id\"", "\"split\": \"ood9\"").replace("id-0", "0"), ":2: split \"ood9\""},
            {good.replace("instructions", "poetry"), ":2: task: unknown task 'poetry'"},
            {"not json", ":2: not JSON"},
            {good, "input 1 has no samples"},
            {good.replace("}", ", \"sample_index\": 0}"), ":2: sample 0 of input id-0 (method m) repeats"},
            {good.replace("}", ", \"rm_score\": 1e400}"), ":2: rm_score 1e400 is out of range"},
            {good.replace("}", ", \"rm_score\": 1e39}"), ":2: rm_score 1e39 is out of range"},
            {good.replace("}", ", \"sample_index\": 1.5}"), ":2: sample_index must be an integer, got 1.5"},
        };
        for (String[] k : cases) {
            Path f = dir.resolve("bad.jsonl");
            Files.writeString(f, good + "\n" + k[0] + "\n");
            var e = assertThrows(Configs.BadConfig.class, () -> SampleEvaluation.run(c, f, dir.resolve("never")), k[1]);
            assertTrue(e.getMessage().contains(k[1]), e.getMessage() + " lacks " + k[1]);
            assertTrue(!Files.exists(dir.resolve("never/results.json")));
        }
    }

    @Test
    void seedsGiveIntervalsOverSeeds() throws IOException {
        Path out = dir.resolve("seeds");
        JsonObject r = new Study(tiny(dir).withTask("instructions").withSeeds(2), out).run(false);
        assertEquals(2, r.getAsJsonArray("per_seed").size());
        assertTrue(Files.exists(out.resolve("seed-1/instructions/ppo/model/model.safetensors")));
        assertEquals(6, stageSetting(out.resolve("seed-1/instructions/sft"), "steps"), "the shared steps: per_task names summarisation only");
        double[] wins = new double[2];
        for (int s = 0; s < 2; s++)
            wins[s] = r.getAsJsonArray("per_seed").get(s).getAsJsonObject().getAsJsonObject("tasks").getAsJsonObject("instructions")
                    .getAsJsonObject("methods").getAsJsonObject("sft").getAsJsonObject("splits").getAsJsonObject("id")
                    .getAsJsonObject("win_rate").get("mean").getAsDouble();
        JsonObject combined = r.getAsJsonObject("tasks").getAsJsonObject("instructions").getAsJsonObject("methods")
                .getAsJsonObject("sft").getAsJsonObject("splits").getAsJsonObject("id").getAsJsonObject("win_rate");
        assertEquals((wins[0] + wins[1]) / 2, combined.get("mean").getAsDouble(), 1e-12);
        double[] rm = new double[2];
        for (int s = 0; s < 2; s++)
            rm[s] = r.getAsJsonArray("per_seed").get(s).getAsJsonObject().getAsJsonObject("tasks").getAsJsonObject("instructions")
                    .getAsJsonObject("training").getAsJsonObject("rm").get("accuracy").getAsDouble();
        assertEquals((rm[0] + rm[1]) / 2, r.getAsJsonObject("tasks").getAsJsonObject("instructions").getAsJsonObject("training")
                .getAsJsonObject("rm").get("accuracy").getAsDouble(), 1e-12);
        double ownSft = 0;  // each seed's own seconds sum to the run's (each rounded to 0.1 s)
        for (int s = 0; s < 2; s++)
            ownSft += r.getAsJsonArray("per_seed").get(s).getAsJsonObject().getAsJsonObject("timings").get("instructions/sft_s").getAsDouble();
        assertEquals(r.getAsJsonObject("timings").get("instructions/sft_s").getAsDouble(), ownSft, 0.15);
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("Seeds: 2 (") && md.contains("| seed 1 | seed 2 |") && md.contains("seconds, seed 2 |"), md);
    }

    @Test
    void sweepAddsItsCurveToTheReport() throws IOException {
        Path out = dir.resolve("sweep");
        StudyConfig c = tiny(dir).withTask("instructions");
        JsonObject s = Sweeps.run(new Study(c, out), c, out, Sweeps.Kind.BON_N, new double[] {1, 2});
        assertEquals(2, s.getAsJsonArray("instructions").size());
        assertTrue(Files.exists(out.resolve("plots/sweep-bon-n-instructions.png")));
        assertTrue(Files.readString(out.resolve("report.md")).contains("Best-of-N's N"));
        assertThrows(IllegalArgumentException.class, () -> Sweeps.run(new Study(c, out), c, out, Sweeps.Kind.BON_N, new double[] {1.5}));
    }

    @Test
    void badStudyConfigsNameTheKey() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"eval\": {\"samples\": 1}}");
        var e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, StudyConfig.defaults()));
        assertTrue(e.getMessage().contains("eval") && e.getMessage().contains("samples"), e.getMessage());
        Files.writeString(f, "{\"ppo\": {\"betta\": 0.1}}");
        e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, StudyConfig.defaults()));
        assertTrue(e.getMessage().contains("ppo.betta"), e.getMessage());
    }

    /**
     * per_task changes one task's stages and nothing else: the other task and the unnamed keys keep
     * the shared settings, config.json reads back to the same config (so --resume accepts it), a
     * shared key a file writes overrides the default per-task one, and a bad entry names its key.
     */
    @Test
    void perTaskSettingsChangeOneTask() throws IOException {
        Path f = dir.resolve("per-task.json");
        Files.writeString(f, """
                {"sft": {"steps": 300, "batch_size": 8},
                 "per_task": {"summarisation": {"sft": {"steps": 2400}, "rm": {"logratio": 0.5}}}}""");
        StudyConfig c = Configs.read(f, StudyConfig.defaults());
        StudyConfig s = c.forTask("summarisation"), i = c.forTask("instructions");
        assertEquals(2400, s.sft().steps());
        assertEquals(8, s.sft().batchSize(), "a key per_task leaves out keeps the shared value");
        assertEquals(0.5, s.rm().logratio());
        assertEquals(c.ppo(), s.ppo());
        assertEquals(300, i.sft().steps());
        assertEquals(c.rm(), i.rm());
        Path written = dir.resolve("config.json");
        Files.writeString(written, Configs.pretty(Configs.toJson(c)));
        assertEquals(c, Configs.read(written, StudyConfig.defaults()));
        // The defaults train summarisation's SFT longer; a file that writes sft.steps for both tasks means it for both,
        // and one that writes other sft keys keeps the default per-task steps.
        StudyConfig d = StudyConfig.defaults();
        assertEquals(3600, d.forTask("summarisation").sft().steps());
        assertEquals(d.sft().steps(), d.forTask("instructions").sft().steps());
        assertEquals(1200, d.forTask("summarisation").rm().steps());
        assertEquals(2400, d.forTask("instructions").rm().steps());
        assertEquals(120, d.forTask("instructions").ppo().steps());
        assertEquals(d.ppo().steps(), d.forTask("summarisation").ppo().steps());
        Files.writeString(f, "{\"sft\": {\"steps\": 6, \"optim\": {\"lr\": 0.01}}}");
        c = Configs.read(f, d);
        assertEquals(6, c.forTask("summarisation").sft().steps());
        assertEquals("{\"summarisation\":{\"rm\":{\"steps\":1200}},\"instructions\":{\"ppo\":{\"steps\":120}}}", c.perTask().toString(),
                "the file's sft keys drop per_task's sft, not its rm or ppo");
        Files.writeString(f, "{\"sft\": {\"batch_size\": 8}}");
        c = Configs.read(f, d);
        assertEquals(3600, c.forTask("summarisation").sft().steps());
        assertEquals(8, c.forTask("summarisation").sft().batchSize());
        Files.writeString(written, Configs.pretty(Configs.toJson(d)));
        assertEquals(d, Configs.read(written, StudyConfig.defaults()), "the defaults' config.json reads back to the defaults");
        String[][] bad = {
            {"{\"per_task\": {\"poetry\": {}}}", "unknown task 'poetry'"},
            {"{\"per_task\": {\"summarisation\": {\"world\": {}}}}", "'summarisation.world': a task may change only sft, rm, ppo"},
            {"{\"per_task\": {\"summarisation\": {\"sft\": {\"stepz\": 1}}}}", "unknown key 'summarisation.sft.stepz'"},
            {"{\"per_task\": {\"instructions\": {\"ppo\": {\"beta\": \"high\"}}}}", "'instructions.ppo.beta' must be a number"},
            {"{\"per_task\": {\"instructions\": {\"rm\": 3}}}", "'instructions.rm' must be an object"},
            {"{\"per_task\": []}", "'per_task' must be an object"},
        };
        for (String[] b : bad) {
            Files.writeString(f, b[0]);
            var e = assertThrows(Configs.BadConfig.class, () -> Configs.read(f, StudyConfig.defaults()), b[0]);
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(b[1]), e.getMessage() + " lacks " + b[1]);
        }
    }
}
