package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.google.gson.JsonObject;
import org.gendiv.core.judge.GoldJudge;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.Sft;
import org.gendiv.core.world.World;

/**
 * The embedded worlds' data for a study, all drawn from the seed: the pretraining corpus and its
 * tokenizer, SFT's demonstrations, the reward model's labelled pairs (of SFT samples, or of
 * demonstrations before any SFT model exists), PPO's prompts, and each split's evaluation
 * inputs with their references; and all of it as the JSONL files `gendiv train` reads.
 */
final class WorldData {
    private final StudyConfig c;
    private final Methods methods;

    WorldData(StudyConfig c, Methods methods) {
        this.c = c;
        this.methods = methods;
    }

    static SplittableRandom rng(long seed, String... purpose) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (String p : purpose) h = h * 31 + p.hashCode();
        return new SplittableRandom(h);
    }

    /**
     * The data the study trains on, as the JSONL files `gendiv train` reads: corpus.jsonl (text)
     * and its tokenizer.json,
     * and per task sft.jsonl / sft-eval.jsonl (prompt, response), prefs.jsonl / prefs-eval.jsonl
     * / prefs-test.jsonl (prompt, chosen, rejected: train, validation, test), prompts.jsonl (prompt).
     */
    public void exportData(Path dir) throws IOException {
        long seed = c.seed();
        List<JsonObject> rows = new ArrayList<>();
        List<String> corpus = corpus(seed);
        for (String t : corpus) rows.add(obj("text", t));
        trainTokenizer(seed, corpus, dir.resolve("tokenizer.json"));
        Jsonl.write(dir.resolve("corpus.jsonl"), rows);
        for (String task : c.tasks()) {
            World w = World.of(task);
            Path td = dir.resolve(task);
            List<Sft.Demo> demos = demos(w, seed);
            List<JsonObject> train = new ArrayList<>(), eval = new ArrayList<>();
            for (int i = 0; i < demos.size(); i++)
                (i < c.world().sftExamples() ? train : eval).add(obj("prompt", demos.get(i).prompt(), "response", demos.get(i).response()));
            Jsonl.write(td.resolve("sft.jsonl"), train);
            Jsonl.write(td.resolve("sft-eval.jsonl"), eval);
            RmData prefs = rmData(w, seed, null);
            Preferences.write(td.resolve("prefs.jsonl"), prefs.train());
            Preferences.write(td.resolve("prefs-eval.jsonl"), prefs.validation());
            Preferences.write(td.resolve("prefs-test.jsonl"), prefs.test());
            rows = new ArrayList<>();
            for (String p : ppoPrompts(w, seed)) rows.add(obj("prompt", p));
            Jsonl.write(td.resolve("prompts.jsonl"), rows);
            Jsonl.write(td.resolve("eval.jsonl"), evalInputs(w));
        }
    }

    /** The evaluation inputs of every split and seed, with their references: what gendiv evaluate judges outputs for. */
    List<JsonObject> evalInputs(World w) {
        List<JsonObject> rows = new ArrayList<>();
        for (int k = 0; k < c.seeds(); k++) {
            long seed = c.seed() + k;
            for (String split : w.splits()) {
                Split s = split(w, seed, split);
                for (int i = 0; i < s.inputs().size(); i++) {
                    JsonObject o = obj("task", w.name(), "split", split, "input_id", split + "-" + i, "prompt", s.inputs().get(i).prompt(),
                            "reference", s.references()[i]);
                    o.addProperty("seed", seed);
                    o.addProperty("shift", w.splits().indexOf(split));
                    rows.add(o);
                }
            }
        }
        return rows;
    }

    /** The word-level tokenizer of the corpus; every word the worlds can write gets a token, even rare ones. */
    void trainTokenizer(long seed, List<String> corpus, Path file) throws IOException {
        List<String> texts = new ArrayList<>(corpus);
        for (String name : List.of("summarisation", "instructions"))
            texts.addAll(World.of(name).vocabularyTexts(rng(seed, "vocabulary", name), 2000));
        WordTokenizer.train(texts, c.pretrain().vocabSize(), 1).save(file);
    }

    private static JsonObject obj(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.addProperty(kv[i], kv[i + 1]);
        return o;
    }

    /** Demonstrations on the ID split: the first sftExamples train, the rest are held out. */
    List<Sft.Demo> demos(World w, long seed) {
        SplittableRandom rng = rng(seed, w.name(), "sft");
        List<Sft.Demo> out = new ArrayList<>();
        for (int i = 0; i < c.world().sftExamples() + c.world().sftEval(); i++) {
            World.Example e = w.example("id", rng);
            out.add(new Sft.Demo(e.prompt(), w.demonstrate(e, c.world().demoError(), rng)));
        }
        return out;
    }

    /**
     * The reward model's labelled pairs: from the first rm_prompts prompts to train on; from the
     * next rm_eval_prompts held out, the first half's pairs to choose the exported checkpoint by
     * (validation), the second half's for the instrument check alone (test), so the check is not
     * read on the pairs the checkpoint was chosen on.
     */
    record RmData(List<Preferences.Labelled> train, List<Preferences.Labelled> validation, List<Preferences.Labelled> test) {}

    /**
     * rm_samples candidates per prompt, all their untied pairs labelled by the annotator: samples of
     * the SFT policy in sftDir (rm_candidates "policy"), or demonstrations erring at
     * candidate_error when sftDir is null or rm_candidates is "demonstrator". Held-out pairs come
     * from prompts of their own, so no held-out prompt is trained on.
     */
    RmData rmData(World w, long seed, Path sftDir) throws IOException {
        var wd = c.world();
        SplittableRandom rng = rng(seed, w.name(), "rm");
        List<World.Example> inputs = new ArrayList<>();
        for (int i = 0; i < wd.rmPrompts() + wd.rmEvalPrompts(); i++) inputs.add(w.example("id", rng));
        String[][] candidates;
        if (sftDir != null && wd.rmCandidates().equals("policy"))
            candidates = methods.sample(ModelDir.policy(sftDir), ModelDir.tokenizer(sftDir), prompts(inputs), wd.rmSamples(), 1.0f,
                    seed * 4001 + 17);
        else {
            candidates = new String[inputs.size()][];
            for (int i = 0; i < inputs.size(); i++) candidates[i] = demonstrations(w, inputs.get(i), 0, rng);
        }
        var annotator = Preferences.Annotator.of(wd);
        int n = wd.rmPrompts();
        int v = n + wd.rmEvalPrompts() / 2;
        List<Preferences.Labelled> train = new ArrayList<>(label(w, inputs, candidates, 0, n, annotator, rng));
        List<Preferences.Labelled> validation = label(w, inputs, candidates, n, v, annotator, rng);
        List<Preferences.Labelled> test = label(w, inputs, candidates, v, inputs.size(), annotator, rng);
        train.addAll(demonstratorPairs(w, seed, annotator));
        return new RmData(train, validation, test);
    }

    /** The labelled pairs of inputs [from, to) and their candidates. */
    private static List<Preferences.Labelled> label(World w, List<World.Example> inputs, String[][] candidates, int from, int to,
            Preferences.Annotator annotator, SplittableRandom rng) {
        return Preferences.label(w, inputs.subList(from, to), Arrays.copyOfRange(candidates, from, to), annotator, rng);
    }

    /** rm_samples demonstrations of one input, each erring at candidate_error, or a slip with probability slips. */
    private String[] demonstrations(World w, World.Example e, double slips, SplittableRandom rng) {
        String[] out = new String[c.world().rmSamples()];
        for (int j = 0; j < out.length; j++)
            out[j] = slips > 0 && rng.nextDouble() < slips ? w.slip(e, rng) : w.demonstrate(e, c.world().candidateError(), rng);
        return out;
    }

    /**
     * The pairs of rm_demonstrator_prompts further prompts (a stream of its own), each with
     * rm_samples demonstrations erring at candidate_error, a candidate_slips fraction of them
     * right but for one slip (World.slip) instead.
     */
    private List<Preferences.Labelled> demonstratorPairs(World w, long seed, Preferences.Annotator annotator) {
        var wd = c.world();
        SplittableRandom rng = rng(seed, w.name(), "rm-demonstrator");
        List<World.Example> inputs = new ArrayList<>();
        String[][] candidates = new String[wd.rmDemonstratorPrompts()][];
        for (int i = 0; i < candidates.length; i++) {
            inputs.add(w.example("id", rng));
            candidates[i] = demonstrations(w, inputs.get(i), wd.candidateSlips(), rng);
        }
        return Preferences.label(w, inputs, candidates, annotator, rng);
    }

    List<String> ppoPrompts(World w, long seed) {
        SplittableRandom rng = rng(seed, w.name(), "ppo");
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < c.world().ppoPrompts(); i++) prompts.add(w.example("id", rng).prompt());
        return prompts;
    }

    List<String> corpus(long seed) {
        List<String> corpus = new ArrayList<>();
        SplittableRandom rng = rng(seed, "corpus");
        List<World> worlds = List.of(World.of("summarisation"), World.of("instructions"));
        for (int i = 0; i < c.world().corpusDocs(); i++) corpus.add(worlds.get(i % 2).document(rng));
        return corpus;
    }

    /** The evaluation inputs of a split, their references (the demonstrators' outputs) and the references' gold quality. */
    record Split(List<World.Example> inputs, String[] references, double[] referenceGold) {
        /** The world's gold judge of these inputs. */
        GoldJudge judge(World w) {
            return new GoldJudge(w, inputs);
        }

        /** The split as the evaluation reads it, named name, with these semantic measures. */
        TestSplit test(World w, String name, Evaluation.Semantics semantics) {
            return new TestSplit(name, w.describe(name), prompts(inputs), List.of(references), judge(w), semantics, referenceGold);
        }
    }

    Split split(World w, long seed, String split) {
        SplittableRandom rng = rng(seed, w.name(), "eval", split);
        List<World.Example> inputs = new ArrayList<>();
        String[] refs = new String[c.eval().inputs()];
        double[] gold = new double[refs.length];
        for (int i = 0; i < refs.length; i++) {
            World.Example e = w.example(split, rng);
            inputs.add(e);
            refs[i] = w.demonstrate(e, c.world().referenceError(), rng);
            gold[i] = w.judge(e, refs[i]).quality();
        }
        return new Split(inputs, refs, gold);
    }

    static List<String> prompts(List<World.Example> inputs) {
        return inputs.stream().map(World.Example::prompt).toList();
    }
}
