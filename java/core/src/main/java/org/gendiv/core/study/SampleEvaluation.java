package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.world.World;

/**
 * {@code gendiv evaluate}: results.json and the report from generations alone, judged on the
 * embedded worlds, so any system's outputs are measured as the study measures its own. A line:
 * {"task", "method", "split", "input_id", "text"} and optionally "sample_index" (absent: file
 * order), "seed" (absent: the config's), "rm_score" and "kl_to_sft" (reported when every line of a
 * method and split has them). input_id is "SPLIT-i" or i, the input's index in the split as
 * {@code gendiv world} writes it to eval.jsonl; the world regenerates the inputs and references
 * from the config's seed and sizes. Lines of method "reference" are skipped. Each method needs
 * every input of each split it has (a sample at least) and the ID split.
 */
public final class SampleEvaluation {
    private SampleEvaluation() {}

    /** A line of samples.jsonl, parsed. */
    record Sample(long seed, String task, String method, String split, int input, int index, String text, float rm, double kl) {}

    public static JsonObject run(StudyConfig c, Path samples, Path out) throws IOException {
        if (Files.exists(out.resolve("config.json")))
            throw new Configs.BadConfig(out + ": holds a study (config.json); write the evaluation elsewhere with --out");
        if (Files.exists(out.resolve("results.json")))
            throw new Configs.BadConfig(out + ": holds an earlier evaluation (results.json); write this one elsewhere with --out,"
                    + " or delete that directory first");
        long t0 = System.nanoTime();
        // seed -> task -> method -> split -> input -> samples, in the orders first seen
        Map<Long, Map<String, Map<String, Map<String, Map<Integer, List<Sample>>>>>> tree = new TreeMap<>();
        for (Sample s : read(c, samples))
            tree.computeIfAbsent(s.seed(), x -> new LinkedHashMap<>()).computeIfAbsent(s.task(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(s.method(), x -> new LinkedHashMap<>()).computeIfAbsent(s.split(), x -> new TreeMap<>())
                    .computeIfAbsent(s.input(), x -> new ArrayList<>()).add(s);
        if (tree.isEmpty()) throw new Configs.BadConfig(samples + ": no samples (only references, or an empty file)");
        Files.createDirectories(out);
        Study study = new Study(c, out);
        List<JsonObject> perSeed = new ArrayList<>();
        for (var seed : tree.entrySet()) {
            JsonObject tasks = new JsonObject();
            for (var task : seed.getValue().entrySet())
                tasks.add(task.getKey(), task(study, c, samples, seed.getKey(), task.getKey(), task.getValue()));
            JsonObject o = new JsonObject();
            o.addProperty("seed", seed.getKey());
            o.add("tasks", tasks);
            perSeed.add(o);
        }
        JsonObject results = Results.combine(c, perSeed, Map.of("total_s", (System.nanoTime() - t0) / 1e9));
        Results.write(out.resolve("results.json"), results);
        Report.write(out, results);
        return results;
    }

    private static JsonObject task(Study study, StudyConfig c, Path file, long seed, String task,
            Map<String, Map<String, Map<Integer, List<Sample>>>> methods) throws IOException {
        JsonObject splits = new JsonObject();
        Map<String, MethodResults> results = new LinkedHashMap<>();
        List<TestSplit> tests = study.source.testSplits(task, seed, null, null);  // the world judges; no reward model needed
        for (int shift = 0; shift < tests.size(); shift++) {
            TestSplit s = tests.get(shift);
            for (var m : methods.entrySet()) {
                Map<Integer, List<Sample>> bySplit = m.getValue().get(s.name());
                if (bySplit == null) continue;
                splits.addProperty(s.name(), s.description());
                Evaluation.Outputs o = outputs(file, seed, task, m.getKey(), s.name(), bySplit, s.prompts().size());
                results.computeIfAbsent(m.getKey(), x -> new MethodResults()).add(s.name(), o,
                        Evaluation.judge(s.judge(), s.prompts(), s.references(), o), s.semantics(), shift, c.eval().bootstrap(), seed);
            }
        }
        for (var m : methods.entrySet())
            if (!m.getValue().containsKey("id"))
                throw new Configs.BadConfig(file + ": seed " + seed + ", " + task + ", method " + m.getKey()
                        + ": no samples on the ID split (\"id\"), which the report compares the OOD splits with");
        JsonObject block = new JsonObject();
        block.add("splits", splits);
        block.add("methods", MethodResults.json(results, c.eval().bootstrap(), seed));
        block.add("effects", Effects.of(results, c.eval().bootstrap(), seed));
        return block;
    }

    /**
     * texts[input][j] of one method on one split, sorted by sample index; every input has some.
     * Diversity is read on the leading inputs with as many samples as input 0 (all of them when
     * every input has the same count; the study's own ID split: its diversity inputs).
     */
    private static Evaluation.Outputs outputs(Path file, long seed, String task, String method, String split,
            Map<Integer, List<Sample>> byInput, int inputs) {
        String where = file + ": seed " + seed + ", " + task + ", method " + method + ", split " + split;
        String[][] texts = new String[inputs][];
        float[][] rm = new float[inputs][];
        double[][] kl = new double[inputs][];
        boolean allKl = true;
        for (int i = 0; i < inputs; i++) {
            List<Sample> ss = byInput.get(i);
            if (ss == null) throw new Configs.BadConfig(where + ": input " + i + " has no samples (the split has " + inputs + " inputs)");
            ss.sort(Comparator.comparingInt(Sample::index));
            int k = ss.size();
            texts[i] = new String[k];
            rm[i] = new float[k];
            kl[i] = new double[k];
            for (int j = 0; j < k; j++) {
                Sample s = ss.get(j);
                texts[i][j] = s.text();
                rm[i][j] = s.rm();
                kl[i][j] = s.kl();
                allKl &= Double.isFinite(s.kl());
            }
        }
        return new Evaluation.Outputs(texts, rm, allKl ? kl : null);
    }

    static List<Sample> read(StudyConfig c, Path file) throws IOException {
        List<Sample> out = new ArrayList<>();
        int inputs = c.eval().inputs();
        Map<String, String> seen = new HashMap<>();  // (seed, task, method, split, input, sample) -> its line
        for (Jsonl.Line line : Jsonl.objects(file, TextFiles.read(file))) {
            JsonObject o = line.json();
            String at = line.where();
            String method = string(o, "method", at);
            if (method.equals("reference")) continue;
            String task = string(o, "task", at), split = string(o, "split", at);
            World w;
            try {
                w = World.of(task);
            } catch (IllegalArgumentException e) {
                throw new Configs.BadConfig(at + ": task: " + e.getMessage());
            }
            if (!w.splits().contains(split)) throw new Configs.BadConfig(at + ": split \"" + split + "\" is not one of " + w.splits());
            int input = inputIndex(o, split, at);
            if (input >= inputs)
                throw new Configs.BadConfig(at + ": input_id " + input + " is past the split's " + inputs + " inputs (eval.inputs)");
            int index = o.has("sample_index") ? number(o, "sample_index", at).intValue() : out.size();
            long seed = o.has("seed") ? number(o, "seed", at).longValue() : c.seed();
            float rm = o.has("rm_score") ? number(o, "rm_score", at).floatValue() : Float.NaN;
            double kl = o.has("kl_to_sft") ? number(o, "kl_to_sft", at).doubleValue() : Double.NaN;
            String key = seed + "/" + task + "/" + method + "/" + split + "/" + input + "/" + index;
            String first = seen.putIfAbsent(key, at);
            if (first != null)  // a repeated output would halve EAD and inflate Self-BLEU without a word
                throw new Configs.BadConfig(at + ": sample " + index + " of input " + split + "-" + input + " (method " + method
                        + ") repeats " + first);
            out.add(new Sample(seed, task, method, split, input, index, string(o, "text", at), rm, kl));
        }
        return out;
    }

    private static int inputIndex(JsonObject o, String split, String at) {
        JsonElement e = o.get("input_id");
        if (e == null || !e.isJsonPrimitive()) throw new Configs.BadConfig(at + ": input_id is missing");
        String id = e.getAsString();
        String digits = id.startsWith(split + "-") ? id.substring(split.length() + 1) : id;
        try {
            int i = Integer.parseInt(digits);
            if (i < 0) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException x) {
            throw new Configs.BadConfig(at + ": input_id \"" + id + "\" is neither \"" + split + "-i\" nor a non-negative index i");
        }
    }

    private static String string(JsonObject o, String key, String at) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) throw new Configs.BadConfig(at + ": " + key + " is missing");
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new Configs.BadConfig(at + ": " + key + " must be a string");
        return e.getAsString();
    }

    private static Number number(JsonObject o, String key, String at) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new Configs.BadConfig(at + ": " + key + " must be a number");
        double d = e.getAsDouble();
        if (!Double.isFinite(d) || (key.equals("rm_score") && Float.isInfinite((float) d)))
            throw new Configs.BadConfig(at + ": " + key + " " + e + " is out of range");
        if (!key.equals("rm_score") && !key.equals("kl_to_sft") && d != Math.rint(d))
            throw new Configs.BadConfig(at + ": " + key + " must be an integer, got " + e);
        return e.getAsNumber();
    }
}
