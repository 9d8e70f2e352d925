package org.gendiv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.core.checkpoint.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on c10d (Gloo over loopback, two worker processes as {@code gendiv launch}
 * starts them) against one process on the whole batch. Each worker runs LibTorch on one thread, as
 * does every reference run, so the only difference left is the order of the sums the all-reduce
 * takes: per-step losses agree to 1e-5 relative and every parameter tensor to 1e-4 of its norm,
 * except the few whose gradient is zero in exact arithmetic (attention's key bias: softmax ignores
 * a shift of every key; for the reward model also the final norm's bias and the score's bias:
 * Bradley-Terry sees only score differences). There the gradient is rounding noise, which Adam
 * scales to full steps, so those tensors are compared through the losses they produce.
 */
class DistributedTrainingTest {
    @TempDir
    static Path dir;

    /**
     * Losses agree to LOSS_RTOL of their size, or of LOSS_SCALE for those near zero (PPO's surrogate, on
     * whitened advantages of size 1, crosses zero). Two ranks sum gradients in another order, and float32
     * rounding compounds over the steps: on the summarisation world of 1d25405, PPO's loss at step 15
     * (-0.00363) differed by 1.3e-7 (deterministically, on this AMD EPYC), over the 1e-7 a floor of 0.01
     * allowed; the tolerance now is 5e-7 there, still far below what a lost or doubled gradient would do.
     */
    static final double LOSS_RTOL = 1e-5, LOSS_SCALE = 0.05, PARAM_RTOL = 1e-4;

    static Path p(String rel) {
        return dir.resolve(rel);
    }

    static Path write(String name, String text) throws IOException {
        Path f = p(name);
        Files.writeString(f, text);
        return f;
    }

    /** World data, a base model and an SFT / RM pair to start from, all on one process. */
    @BeforeAll
    static void data() throws IOException, InterruptedException {
        Path sizes = write("sizes.json", """
                {"world": {"corpus_docs": 200, "sft_examples": 64, "sft_eval": 8, "rm_prompts": 24, "rm_eval_prompts": 4, "ppo_prompts": 32, "tie_threshold": 0.005}}""");
        alone("world", "--out", p("data").toString(), "--task", "summarisation", "--config", sizes.toString());
        write("pre.json", "{\"data\": \"" + p("data/corpus.jsonl") + "\", \"tokenizer\": \"" + p("data/tokenizer.json")
                + "\", \"steps\": 4, \"layers\": 1, \"width\": 32, \"heads\": 2, \"context\": 112, \"batch_size\": 8}");
        alone("train", "pretrain", "--config", p("pre.json").toString(), "--out", p("base").toString());
        write("sft.json", "{\"data\": \"" + p("data/summarisation/sft.jsonl") + "\", \"eval_data\": \"" + p("data/summarisation/sft-eval.jsonl")
                + "\", \"init\": \"" + p("base/model") + "\", \"optim\": {\"lr\": 0.003}, \"steps\": 20, \"batch_size\": 8,"
                + " \"schedule\": {\"log_every\": 1, \"eval_every\": 10, \"checkpoint_every\": 5, \"seed\": 1}}");
        write("rm.json", "{\"data\": \"" + p("data/summarisation/prefs.jsonl") + "\", \"eval_data\": \"" + p("data/summarisation/prefs-eval.jsonl")
                + "\", \"init\": \"" + p("base/model") + "\", \"optim\": {\"lr\": 0.001}, \"steps\": 20, \"batch_size\": 8, \"normalize_samples\": 8,"
                + " \"schedule\": {\"log_every\": 1, \"eval_every\": 10, \"checkpoint_every\": 5, \"seed\": 1}}");
        write("ppo.json", "{\"prompts\": \"" + p("data/summarisation/prompts.jsonl") + "\", \"init\": \"" + p("base/model")
                + "\", \"reward\": \"" + p("rm-1/model") + "\", \"optim\": {\"lr\": 0.001}, \"steps\": 20, \"rollout_batch\": 8, \"minibatch\": 4,"
                + " \"epochs\": 2, \"max_new_tokens\": 8, \"schedule\": {\"log_every\": 1, \"eval_every\": 0, \"checkpoint_every\": 5, \"seed\": 1}}");
        for (String stage : new String[] {"sft", "rm", "ppo"})  // the one-process references (the PPO run needs rm-1)
            alone("train", stage, "--config", p(stage + ".json").toString(), "--out", p(stage + "-1").toString());
    }

    @Test
    void twoRanksTakeOneRanksStepsInSftRmAndPpo() throws IOException, InterruptedException {
        for (String stage : new String[] {"sft", "rm", "ppo"}) {
            run(Map.of(), "launch", "--nproc", "2", "train", stage, "--config", p(stage + ".json").toString(), "--out",
                    p(stage + "-2").toString());
            assertSameRun(stage, p(stage + "-1"), p(stage + "-2"));
        }
    }

    /**
     * The embedded study under launch: its stages train on both ranks, rank 0 evaluates and writes.
     * Every number of results.json agrees with one process's to 1e-3 of its size (or of 0.01: KL
     * and RM gains near zero), the training drift above carried through sampling and judging.
     */
    @Test
    void theStudyOnTwoRanksGivesOneProcesssResults() throws IOException, InterruptedException {
        Path cfg = write("tiny-study.json", """
                {"seed": 1,
                 "world": {"corpus_docs": 300, "sft_examples": 100, "sft_eval": 20, "rm_prompts": 25, "rm_eval_prompts": 5, "ppo_prompts": 40, "tie_threshold": 0.005},
                 "pretrain": {"steps": 12, "layers": 1, "width": 32, "heads": 2, "batch_size": 8},
                 "sft": {"steps": 6, "batch_size": 8}, "rm": {"steps": 6, "batch_size": 8, "normalize_samples": 8},
                 "ppo": {"steps": 2, "rollout_batch": 8, "minibatch": 4, "epochs": 1, "max_new_tokens": 8, "critic": {"warmup_steps": 1}},
                 "eval": {"inputs": 3, "samples": 3, "bon_n": 2, "max_new_tokens": 8, "bootstrap": 50, "embedding": false}}""");
        alone("study", "--config", cfg.toString(), "--out", p("study-1").toString());
        run(Map.of(), "launch", "--nproc", "2", "study", "--config", cfg.toString(), "--out", p("study-2").toString());
        Map<String, Double> a = numbers(p("study-1/results.json")), b = numbers(p("study-2/results.json"));
        assertEquals(a.keySet(), b.keySet());
        for (var e : a.entrySet()) {
            if (e.getKey().contains("timings") || e.getKey().contains("platform")) continue;
            double x = e.getValue(), y = b.get(e.getKey());
            assertTrue(x == y || Math.abs(x - y) <= 1e-3 * Math.max(Math.abs(x), 0.01), e.getKey() + ": " + x + " vs " + y);
        }
        assertEquals(Files.readAllLines(p("study-1/samples.jsonl")).size(), Files.readAllLines(p("study-2/samples.jsonl")).size());
    }

    /** Every number in a JSON file by its path ($.a.b[2]). */
    static Map<String, Double> numbers(Path json) throws IOException {
        Map<String, Double> out = new java.util.TreeMap<>();
        flatten("$", JsonParser.parseString(Files.readString(json)), out);
        return out;
    }

    private static void flatten(String path, com.google.gson.JsonElement e, Map<String, Double> out) {
        if (e.isJsonObject()) for (var kv : e.getAsJsonObject().entrySet()) flatten(path + "." + kv.getKey(), kv.getValue(), out);
        else if (e.isJsonArray()) for (int i = 0; i < e.getAsJsonArray().size(); i++) flatten(path + "[" + i + "]", e.getAsJsonArray().get(i), out);
        else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) out.put(path, e.getAsDouble());
    }

    @Test
    void aTwoRankRunKilledResumesOnOneRank() throws IOException, InterruptedException {
        Path cfg = write("sft-long.json", Files.readString(p("sft.json")).replace("\"steps\": 20", "\"steps\": 300")
                .replace("\"checkpoint_every\": 5", "\"checkpoint_every\": 10"));
        alone("train", "sft", "--config", cfg.toString(), "--out", p("long-1").toString());
        Process launcher = start(Map.of(), p("long-2.log"), "launch", "--nproc", "2", "train", "sft", "--config", cfg.toString(), "--out",
                p("long-2").toString());
        Path state = p("long-2/checkpoint/state.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (launcher.isAlive() && System.nanoTime() < deadline
                && !(Files.exists(state) && stepOf(state) >= 30)) Thread.sleep(20);
        assertTrue(launcher.isAlive(), "the two-rank run ended before it could be killed: " + Files.readString(p("long-2.log")));
        launcher.descendants().forEach(ProcessHandle::destroyForcibly);  // kill -9 both ranks
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, launcher.exitValue());
        assertTrue(Files.readString(p("long-2.log")).contains("gendiv launch: rank "), Files.readString(p("long-2.log")));
        int killedAt = stepOf(state);
        assertTrue(killedAt >= 30 && killedAt < 300, "checkpoint at step " + killedAt);
        alone("train", "sft", "--config", cfg.toString(), "--out", p("long-2").toString(), "--resume");
        assertSameRun("sft resumed at step " + killedAt, p("long-1"), p("long-2"));
    }

    @Test
    void aKilledRankMakesTheSurvivorFailNamingIt() throws IOException, InterruptedException {
        Process[] ranks = twoRanksTraining("rank", 20);
        ranks[1].destroyForcibly().waitFor();
        long t0 = System.nanoTime();
        assertTrue(ranks[0].waitFor(40, TimeUnit.SECONDS), "rank 0 did not stop after rank 1 died");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, ranks[0].exitValue(), Files.readString(p("rank0.log")));
        String last = lastLine(p("rank0.log"));
        assertTrue(last.startsWith("gendiv train: rank 0 of 2: ") && last.contains("rank 1 (pid " + ranks[1].pid() + ") has exited"),
                last + " (after " + seconds + " s)");
    }

    @Test
    void aHungRankMakesTheSurvivorFailWithinTheTimeout() throws IOException, InterruptedException {
        Process[] ranks = twoRanksTraining("hang", 5);
        new ProcessBuilder("kill", "-STOP", "" + ranks[1].pid()).start().waitFor();  // rank 1 hangs
        try {
            assertTrue(ranks[0].waitFor(40, TimeUnit.SECONDS), "rank 0 did not stop while rank 1 hung");
            assertEquals(1, ranks[0].exitValue(), Files.readString(p("hang0.log")));
            String last = lastLine(p("hang0.log"));
            assertTrue(last.startsWith("gendiv train: rank 0 of 2: ") && last.contains("did not answer within 5 s"), last);
        } finally {
            ranks[1].destroyForcibly();
            new ProcessBuilder("kill", "-CONT", "" + ranks[1].pid()).start().waitFor();
        }
    }

    @Test
    void aPortInUseOrAnUnreachableMasterIsOneLine() throws IOException, InterruptedException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Process r0 = start(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + taken.getLocalPort()),
                    p("taken.log"), "train", "sft", "--config", p("sft.json").toString(), "--out", p("taken").toString());
            assertTrue(r0.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, r0.exitValue());
            List<String> err = Files.readAllLines(p("taken.log"));
            assertTrue(err.getLast().startsWith("gendiv train: rank 0: cannot serve the rendezvous on 127.0.0.1:" + taken.getLocalPort()),
                    String.join("\n", err));
        }
        int nobody = LaunchCommand.freePort();
        Process r1 = start(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + nobody,
                "GENDIV_DIST_TIMEOUT", "3"), p("unreachable.log"), "train", "sft", "--config", p("sft.json").toString(), "--out",
                p("unreachable").toString());
        assertTrue(r1.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, r1.exitValue());
        assertTrue(lastLine(p("unreachable.log")).startsWith("gendiv train: rank 1: cannot reach the rendezvous at 127.0.0.1:" + nobody),
                Files.readString(p("unreachable.log")));
        assertTrue(Files.notExists(p("unreachable/metrics.jsonl")));
    }

    /**
     * Two ranks started as a scheduler starts them (no launcher), training SFT for longer than the
     * test lasts in run directory NAME, logs NAME0.log and NAME1.log; returns once rank 0 has logged a step.
     */
    static Process[] twoRanksTraining(String name, int timeoutSeconds) throws IOException, InterruptedException {
        Path cfg = forever();
        int port = LaunchCommand.freePort();
        Process[] ranks = new Process[2];
        for (int r = 0; r < 2; r++)
            ranks[r] = start(Map.of("RANK", "" + r, "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port,
                    "GENDIV_DIST_TIMEOUT", "" + timeoutSeconds), p(name + r + ".log"), "train", "sft", "--config", cfg.toString(),
                    "--out", p(name).toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ranks[0].isAlive() && System.nanoTime() < deadline && !Files.exists(p(name + "/metrics.jsonl"))) Thread.sleep(20);
        assertTrue(Files.exists(p(name + "/metrics.jsonl")), Files.readString(p(name + "0.log")));
        return ranks;
    }

    /** SFT with steps enough to outlast the test, for the fault tests. */
    static Path forever() throws IOException {
        Path cfg = p("sft-forever.json");
        if (Files.notExists(cfg))
            write("sft-forever.json", Files.readString(p("sft.json")).replace("\"steps\": 20", "\"steps\": 100000")
                    .replace("\"checkpoint_every\": 5", "\"checkpoint_every\": 0"));
        return cfg;
    }

    /** Same losses step by step (and held-out metrics), same parameters but for those outside the loss's reach. */
    static void assertSameRun(String what, Path one, Path two) throws IOException {
        List<JsonObject> a = metrics(one), b = metrics(two);
        assertEquals(a.size(), b.size(), what + ": metric lines");
        for (int i = 0; i < a.size(); i++)
            for (String k : a.get(i).keySet()) {
                if (k.startsWith("time_") || !a.get(i).get(k).isJsonPrimitive() || !a.get(i).get(k).getAsJsonPrimitive().isNumber()) continue;
                double x = a.get(i).get(k).getAsDouble(), y = b.get(i).get(k).getAsDouble();
                boolean loss = k.contains("loss") || k.equals("reward") || k.equals("accuracy");
                if (loss) assertTrue(Math.abs(x - y) <= LOSS_RTOL * Math.max(Math.abs(x), LOSS_SCALE),
                        what + ": step " + i + " " + k + " " + x + " vs " + y);
            }
        Set<String> noGradient = Set.of("ln_f.bias", "score.bias");
        try (Safetensors sa = Safetensors.open(one.resolve("model/model.safetensors"));
                Safetensors sb = Safetensors.open(two.resolve("model/model.safetensors"))) {
            for (String name : sa.entries().keySet()) {
                if (noGradient.stream().anyMatch(name::endsWith) && what.startsWith("rm")) continue;
                float[] x = sa.floats(name), y = sb.floats(name);
                int skipFrom = 0, skipTo = 0;
                if (name.endsWith("attn.c_attn.bias")) {  // [q | k | v]: the key third has no gradient
                    skipFrom = x.length / 3;
                    skipTo = 2 * x.length / 3;
                }
                double num = 0, den = 0;
                for (int i = 0; i < x.length; i++) {
                    if (i >= skipFrom && i < skipTo) continue;
                    num += (x[i] - y[i]) * (double) (x[i] - y[i]);
                    den += x[i] * (double) x[i];
                }
                assertTrue(Math.sqrt(num) <= PARAM_RTOL * Math.max(Math.sqrt(den), 1e-6),
                        what + ": " + name + " differs by " + Math.sqrt(num / Math.max(den, 1e-30)) + " of its norm");
            }
        }
    }

    static List<JsonObject> metrics(Path run) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) out.add(JsonParser.parseString(l).getAsJsonObject());
        return out;
    }

    static int stepOf(Path state) {
        try {
            return JsonParser.parseString(Files.readString(state)).getAsJsonObject().get("step").getAsInt();
        } catch (IOException | RuntimeException e) {
            return -1;  // being replaced
        }
    }

    static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** One process on one LibTorch thread, as each of two workers gets on this 2-core machine. */
    static void alone(String... args) throws IOException, InterruptedException {
        run(Map.of(), args);
    }

    static void run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process proc = start(env, log, args);
        assertTrue(proc.waitFor(300, TimeUnit.SECONDS), String.join(" ", args) + ": still running");
        assertEquals(0, proc.exitValue(), String.join(" ", args) + ":\n" + Files.readString(log));
    }

    /** The gendiv CLI in a JVM of its own (this JVM's flags and class path), stdout and stderr to log. */
    static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> cmd = LaunchCommand.thisJvm();
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        for (String k : List.of("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")) e.remove(k);
        e.put("OMP_NUM_THREADS", "1");
        e.putAll(new HashMap<>(env));
        return pb.start();
    }
}
