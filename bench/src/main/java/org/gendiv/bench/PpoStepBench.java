package org.gendiv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.study.StudyConfig;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.world.World;
import org.gendiv.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One PPO step of the embedded study at its default size and settings (summarisation prompts,
 * rollout batch 32, minibatch 16, 4 epochs, 24 new tokens; policy, reference, critic and reward
 * model of the shape StudyConfig's pretrain block builds, 4 layers x 64): the fused-kernel loss
 * path against the LibTorch-composite path (log_softmax, gather, ratio, clamp, autograd) on the
 * same steps. {@link #main} prints the step broken down by phase (rollout, policy scoring,
 * reference log-probs, reward, GAE, update).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 4, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PpoStepBench {
    @Param({"fused", "composite"})
    public String loss;

    /** 0 = the world tokenizer's vocabulary (~260 words); larger values pad the model's vocabulary to a real LLM's size. */
    @Param({"0", "32768"})
    public int vocab;

    Ppo ppo;
    int step;

    @Setup(Level.Trial)
    public void setup() {
        ppo = build(loss.equals("composite"), vocab);
    }

    static Ppo build(boolean composite, int vocab) {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        World w = World.of("summarisation");
        SplittableRandom rng = new SplittableRandom(1);
        WordTokenizer tok = WordTokenizer.train(w.vocabularyTexts(rng, 2000), 1024, 1);
        GptConfig c = StudyConfig.defaults().pretrain().model(Math.max(vocab, tok.vocabSize()));  // the study's model
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 256; i++) prompts.add(w.example("id", rng).prompt());
        Gpt policy = new Gpt(c), reference = new Gpt(c);
        var ppoConfig = StudyConfig.defaults().ppo();
        return new Ppo(ppoConfig, policy, reference, new RewardModel(new Gpt(c), RewardModel.Pooling.MEAN), tok, null, prompts, Kernels.cpu())
                .useCompositeLoss(composite);
    }

    @Benchmark
    public double step() {
        try (PointerScope scope = new PointerScope()) {
            return ppo.step(step++).get("loss");
        }
    }

    /** The per-phase breakdown: mean seconds per phase over 10 steps (after 2 warm-up steps), both loss paths; args: vocabulary sizes. */
    public static void main(String[] args) {
        for (String size : args.length == 0 ? new String[] {"0"} : args)
        for (boolean composite : new boolean[] {false, true}) {
            Ppo p = build(composite, Integer.parseInt(size));
            Map<String, Double> sum = new LinkedHashMap<>();
            int steps = 12, warm = 2;
            for (int s = 0; s < steps; s++)
                try (PointerScope scope = new PointerScope()) {
                    Map<String, Double> m = p.step(s);
                    if (s >= warm) m.forEach((k, v) -> { if (k.startsWith("time_")) sum.merge(k, v / (steps - warm), Double::sum); });
                }
            double total = sum.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "vocab %-6s %-9s step %.0f ms:", size.equals("0") ? "world" : size,
                    composite ? "composite" : "fused", 1e3 * total));
            sum.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %s %.0f ms", k.substring(5), 1e3 * v)));
            System.out.println(b);
        }
    }
}
