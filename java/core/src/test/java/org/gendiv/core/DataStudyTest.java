package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.data.Datasets;
import org.gendiv.core.judge.CommandJudge;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.study.DataStudy;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The study on "real" data and checkpoints, end to end on fixtures this test writes: each data-set
 * reader (TL;DR, CNN/DailyMail, summarize-from-feedback, preference pairs, Alpaca, AlpacaEval,
 * Sequential Instructions), each model family (GPT-2, OPT, LLaMA) as the base model, and each
 * model-free judge (the trained reward model, an external command).
 */
class DataStudyTest {
    @TempDir
    Path dir;

    static final String[] WHO = {"anna", "ben", "carla", "dev", "emil", "fay"};
    static final String[] WHAT = {"lost my keys", "got a new job", "moved to a farm", "adopted a cat", "failed an exam", "ran a marathon"};

    static JsonObject obj(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.addProperty(kv[i], kv[i + 1]);
        return o;
    }

    static void jsonl(Path f, List<JsonObject> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonObject r : rows) b.append(r).append('\n');
        Files.writeString(f, b);
    }

    static void array(Path f, List<JsonObject> rows) throws IOException {
        JsonArray a = new JsonArray();
        rows.forEach(a::add);
        Files.writeString(f, a.toString());
    }

    static JsonObject post(int i) {
        String who = WHO[i % WHO.length], what = WHAT[(i / 2) % WHAT.length];
        return obj("subreddit", "tifu", "title", who + " " + what, "post", "so today " + who + " " + what + " and it was a long day",
                "summary", " " + who + " " + what);
    }

    /** TL;DR train and test (JSONL), summarize-from-feedback comparisons, CNN/DailyMail (a JSON array). */
    void summarisationData(Path d) throws IOException {
        Files.createDirectories(d);
        List<JsonObject> train = new ArrayList<>(), test = new ArrayList<>(), cmp = new ArrayList<>(), news = new ArrayList<>();
        for (int i = 0; i < 16; i++) train.add(post(i));
        for (int i = 16; i < 20; i++) test.add(post(i));
        for (int i = 0; i < 12; i++) {
            JsonObject p = post(i), c = new JsonObject();
            c.add("info", obj("id", "t" + i, "subreddit", "tifu", "title", p.get("title").getAsString(), "post", p.get("post").getAsString()));
            JsonArray s = new JsonArray();
            s.add(obj("text", p.get("summary").getAsString(), "policy", "ref"));
            s.add(obj("text", " it was a long day", "policy", "sup"));
            c.add("summaries", s);
            c.addProperty("choice", i % 3 == 0 ? 1 : 0);
            cmp.add(c);
        }
        for (int i = 0; i < 4; i++)
            news.add(obj("article", "news : " + WHO[i] + " " + WHAT[i] + " , officials said on monday", "highlights", WHO[i] + " " + WHAT[i]));
        jsonl(d.resolve("tldr-train.jsonl"), train);
        jsonl(d.resolve("tldr-test.jsonl"), test);
        jsonl(d.resolve("comparisons.jsonl"), cmp);
        array(d.resolve("cnndm.json"), news);
        List<JsonObject> pairs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            JsonObject p = post(i);
            pairs.add(obj("prompt", "POST: " + p.get("post").getAsString() + "\nTL;DR:", "chosen", p.get("summary").getAsString(),
                    "rejected", " it was a long day"));
        }
        jsonl(d.resolve("pairs.jsonl"), pairs);
    }

    /** Alpaca train (a JSON array), preference pairs (JSONL), AlpacaFarm test, AlpacaEval and Sequential Instructions (AlpacaEval's layout). */
    void instructionData(Path d) throws IOException {
        Files.createDirectories(d);
        List<JsonObject> train = new ArrayList<>(), test = new ArrayList<>(), eval = new ArrayList<>(), seq = new ArrayList<>(), pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String a = WHO[i % 6], b = WHO[(i + 2) % 6];
            JsonObject r = i % 4 == 0 ? obj("instruction", "name a friend of " + a, "input", "", "output", b)
                    : obj("instruction", "sort these names", "input", b + " , " + a, "output", a.compareTo(b) < 0 ? a + " , " + b : b + " , " + a);
            (i < 16 ? train : test).add(r);
            if (i < 12) pairs.add(obj("prompt", "sort these names : " + b + " , " + a, "chosen", r.get("output").getAsString(), "rejected", b));
        }
        for (int i = 0; i < 3; i++) {
            eval.add(obj("instruction", "say hello to " + WHO[i], "output", "hello " + WHO[i], "generator", "text_davinci_003", "dataset", "helpful_base"));
            seq.add(obj("instruction", "first sort " + WHO[i] + " , " + WHO[i + 1] + " then say hello to the first", "output", "hello " + WHO[i],
                    "generator", "gpt4", "dataset", "sequential"));
        }
        array(d.resolve("alpaca.json"), train);
        array(d.resolve("alpaca-test.json"), test);
        array(d.resolve("alpaca-eval.json"), eval);
        jsonl(d.resolve("sequential.jsonl"), seq);
        jsonl(d.resolve("pairs.jsonl"), pairs);
    }

    /** gendiv's word tokenizer over every prompt and output the readers make, saved beside the model. */
    static int tokenizer(Path modelDir, List<String> texts) throws IOException {
        Files.createDirectories(modelDir);
        WordTokenizer t = WordTokenizer.train(texts, 1000, 1);
        t.save(modelDir.resolve("tokenizer.json"));
        return t.vocabSize();
    }

    static List<String> texts(Path data) throws IOException {
        List<String> out = new ArrayList<>();
        var t = Datasets.Templates.defaults();
        try (var files = Files.list(data)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                boolean pairs = name.startsWith("pairs") || name.startsWith("comparisons");
                if (pairs) {
                    for (var p : Datasets.pairs(f, name.startsWith("pairs") ? "pairs" : "summarize_from_feedback", t))
                        out.addAll(List.of(p.prompt(), p.chosen(), p.rejected()));
                    continue;
                }
                String format = name.startsWith("tldr") ? "tldr" : name.startsWith("cnndm") ? "cnndm"
                        : name.startsWith("alpaca-eval") || name.startsWith("sequential") ? "alpaca_eval" : "alpaca";
                for (var e : Datasets.examples(f, format, t)) out.addAll(List.of(e.prompt(), e.reference()));
            }
        }
        return out;
    }

    static final String TINY_STAGES = "\"sft\": {\"steps\": 3, \"batch_size\": 4}, \"rm\": {\"steps\": 3, \"batch_size\": 4, \"normalize_samples\": 4},"
            + " \"ppo\": {\"steps\": 1, \"rollout_batch\": 4, \"minibatch\": 2, \"epochs\": 1, \"max_new_tokens\": 6},"
            + " \"eval\": {\"inputs\": 3, \"samples\": 2, \"bon_n\": 2, \"bon_pool\": 4, \"max_new_tokens\": 6, \"bootstrap\": 20}";

    static void assertComplete(JsonObject r, String task, List<String> splits) {
        JsonObject t = r.getAsJsonObject("tasks").getAsJsonObject(task);
        assertTrue(t.has("judge") && t.has("splits") && t.has("gap") && t.has("training"), t.keySet().toString());
        assertEquals(splits, List.copyOf(t.getAsJsonObject("splits").keySet()));
        for (String m : List.of("sft", "bon", "ppo")) {
            JsonObject mo = t.getAsJsonObject("methods").getAsJsonObject(m);
            for (String s : splits) {
                JsonObject b = mo.getAsJsonObject(s);
                for (String k : List.of("win_rate", "rm_score", "per_input", "across_input")) assertTrue(b.has(k), m + "/" + s + " lacks " + k);
                double win = b.getAsJsonObject("win_rate").get("mean").getAsDouble();
                assertTrue(win >= 0 && win <= 1, m + "/" + s + " win " + win);
                for (String k : List.of("ead", "distinct", "self_bleu_diversity", "compression"))
                    assertTrue(b.getAsJsonObject("per_input").has(k) && b.getAsJsonObject("across_input").has(k), m + "/" + s + " lacks " + k);
            }
            assertTrue(t.getAsJsonObject("gap").has(m));
        }
        for (String k : List.of("sft", "rm", "ppo")) assertTrue(t.getAsJsonObject("training").has(k), "training lacks " + k);
    }

    JsonObject run(String config, Path out) throws IOException {
        Path cfg = dir.resolve("real-" + out.getFileName() + ".json");
        Files.writeString(cfg, config);
        JsonObject r = new DataStudy(DataStudy.read(cfg), out).run(false);
        for (String f : List.of("results.json", "report.md", "samples.jsonl", "config.json")) assertTrue(Files.exists(out.resolve(f)), f);
        return r;
    }

    /** Summarisation on a GPT-2 checkpoint: TL;DR, CNN/DailyMail and summarize-from-feedback; judged by an external command. */
    @Test
    void summarisationOnGpt2WithACommandJudge() throws IOException {
        Path data = dir.resolve("tldr");
        summarisationData(data);
        Path model = dir.resolve("gpt2");
        int vocab = tokenizer(model, texts(data));
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
                + "\"judge\": {\"kind\": \"command\", \"command\": [\"python3\", \"" + judge + "\"]}, " + TINY_STAGES + "}", out);
        assertComplete(r, "summarisation", List.of("id", "cnndm"));
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
        instructionData(data);
        Path model = dir.resolve("opt");
        int vocab = tokenizer(model, texts(data));
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
                + "\"judge\": {\"kind\": \"reward_model\"}, \"embedding_model\": \"st\", \"nli_model\": \"nli\", " + TINY_STAGES + "}",
                dir.resolve("run-opt"));
        assertComplete(r, "instructions", List.of("id", "alpaca_eval", "sequential"));
        JsonObject id = r.getAsJsonObject("tasks").getAsJsonObject("instructions").getAsJsonObject("methods").getAsJsonObject("ppo").getAsJsonObject("id");
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
        summarisationData(data);
        Path model = dir.resolve("llama");
        int vocab = tokenizer(model, texts(data));
        var llama = new FamiliesTest.Llama("llama", vocab, 64, 16, 4, 2, 32, 2, false, false, 10000, 1e-6);
        FamiliesTest.writeCheckpoint(model, llama.json(), llama.shapes(), "model.", "F32", 4);
        JsonObject r = run("{\"task\": \"summarisation\", \"base_model\": \"llama\", "
                + "\"train\": {\"file\": \"tldr/tldr-train.jsonl\", \"format\": \"tldr\"}, "
                + "\"preferences\": {\"file\": \"tldr/pairs.jsonl\", \"format\": \"pairs\"}, "
                + "\"id_test\": {\"file\": \"tldr/tldr-test.jsonl\", \"format\": \"tldr\"}, "
                + "\"ood_tests\": {\"cnndm\": {\"file\": \"tldr/cnndm.json\", \"format\": \"cnndm\"}}, "
                + TINY_STAGES.replace("\"sft\": {", "\"sft\": {\"optim\": {\"freeze_fraction\": 0.5}, ") + "}", dir.resolve("run-llama"));
        assertComplete(r, "summarisation", List.of("id", "cnndm"));
        Gpt base = GptCheckpoint.load(model), tuned = GptCheckpoint.load(dir.resolve("run-llama/seed-1/summarisation/sft/model"));
        var a = base.namedParameters();
        var b = tuned.namedParameters();
        assertTrue(java.util.Arrays.equals(ModelTest.values(a.get("model.layers.0.mlp.up_proj.weight")),
                ModelTest.values(b.get("model.layers.0.mlp.up_proj.weight"))), "a frozen layer moved");
        assertTrue(!java.util.Arrays.equals(ModelTest.values(a.get("model.layers.1.mlp.up_proj.weight")),
                ModelTest.values(b.get("model.layers.1.mlp.up_proj.weight"))), "a trained layer stayed");
    }

    // ---- readers and judges, by hand ----------------------------------------------------------

    @Test
    void readersMakeTheStudysPrompts() throws IOException {
        Path data = dir.resolve("d");
        summarisationData(data);
        instructionData(data);
        var t = Datasets.Templates.defaults();
        var tldr = Datasets.examples(data.resolve("tldr-train.jsonl"), "tldr", t).get(0);
        assertEquals("SUBREDDIT: r/tifu\nTITLE: anna lost my keys\nPOST: so today anna lost my keys and it was a long day\nTL;DR:", tldr.prompt());
        assertEquals("anna lost my keys", tldr.reference());
        var sff = Datasets.pairs(data.resolve("comparisons.jsonl"), "summarize_from_feedback", t);
        assertEquals("it was a long day", sff.get(0).chosen());  // choice 1 in record 0
        assertEquals("ben lost my keys", sff.get(1).chosen());  // choice 0 in record 1
        var alpaca = Datasets.examples(data.resolve("alpaca.json"), "alpaca", t);
        assertTrue(alpaca.get(0).prompt().endsWith("### Instruction:\nname a friend of anna\n\n### Response:"), alpaca.get(0).prompt());
        assertTrue(alpaca.get(1).prompt().contains("### Input:\ndev , ben\n\n### Response:"), alpaca.get(1).prompt());
        assertEquals("{post} a {x}", Datasets.fill("{title} a {x}", Map.of("title", "{post}")));
    }

    @Test
    void badDataNamesTheFileAndLine() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"subreddit\": \"a\", \"title\": \"b\", \"post\": \"c\", \"summary\": \"d\"}\n{\"subreddit\": \"a\"\n");
        var e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "tldr", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl:2: malformed JSON"), e.getMessage());
        Files.writeString(f, "{\"subreddit\": \"a\", \"title\": \"b\", \"post\": 3, \"summary\": \"d\"}\n");
        e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "tldr", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl:1: field \"post\" must be a string"), e.getMessage());
        Files.writeString(f, "[{\"instruction\": \"x\", \"output\": \"y\"}, {\"instruction\": \"x\"}]");
        e = assertThrows(Configs.BadConfig.class, () -> Datasets.examples(f, "alpaca", Datasets.Templates.defaults()));
        assertTrue(e.getMessage().contains("bad.jsonl: record 2: missing field \"output\""), e.getMessage());
        Path cfg = dir.resolve("real.json");
        Files.writeString(cfg, "{\"base_model\": \".\", \"trian\": {}}");
        e = assertThrows(Configs.BadConfig.class, () -> DataStudy.read(cfg));
        assertTrue(e.getMessage().contains("unknown key 'trian'"), e.getMessage());
    }

    @Test
    void aBrokenJudgeCommandIsNamed() throws IOException {
        var one = List.of(new Judge.Comparison("p", "o", "r"));
        var e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo oops >&2; exit 3")).preferences(one));
        assertTrue(e.getMessage().contains("exited with status 3: oops"), e.getMessage());
        e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo '{\"id\": 0, \"preference\": 2}'")).preferences(one));
        assertTrue(e.getMessage().contains("output line 1: preference 2.0 is outside [0, 1]"), e.getMessage());
        e = assertThrows(IOException.class, () -> new CommandJudge(List.of("sh", "-c", "cat > /dev/null")).preferences(one));
        assertTrue(e.getMessage().contains("no preference for id 0"), e.getMessage());
        assertEquals(0.5, new CommandJudge(List.of("sh", "-c", "cat > /dev/null; echo '{\"id\": 0, \"preference\": 0.5}'")).preferences(one)[0]);
    }
}
