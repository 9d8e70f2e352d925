package org.gendiv.bench;

import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded model's shape (vocab 512, context 64, 4 layers, 4 heads, width 128): one training
 * step (forward + backward + AdamW) on 64 x 64 tokens, KV-cached generation of 16 x 56 tokens, and
 * LibTorch's own 512^3 matmul in the same run as the GFLOP/s yardstick. Derived figures
 * (tokens/s, GFLOP/s by 6 N tokens for training and 2 N tokens for generation) are in bench/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ModelBench {
    Gpt model;
    AdamW opt;
    Tensor x, y, a, b;
    Generator generator;
    int[][] prompts;
    long step;

    @Setup(Level.Trial)
    public void setup() {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        GptConfig c = new GptConfig(512, 64, 4, 4, 128, 0.0);  // the figures in bench/README.md
        model = new Gpt(c);
        TensorVector params = new TensorVector();
        for (Tensor p : model.namedParameters().values()) params.push_back(p);
        opt = new AdamW(params, new AdamWOptions(1e-3));
        x = torch.randint(512, new long[] {64, 64});
        y = torch.randint(512, new long[] {64 * 64});
        a = torch.randn(512, 512);
        b = torch.randn(512, 512);
        generator = new Generator(model, Kernels.cpu());
        prompts = new int[16][8];
        for (int i = 0; i < 16; i++) for (int j = 0; j < 8; j++) prompts[i][j] = (i * 31 + j * 7) % 512;
    }

    @Benchmark
    public float trainStep() {
        model.train(true);
        try (PointerScope scope = new PointerScope()) {
            opt.zero_grad();
            Tensor loss = torch.cross_entropy(model.forward(x).view(64 * 64, 512), y);
            loss.backward();
            opt.step();
            return loss.item_float();
        }
    }

    @Benchmark
    public int generate56() {
        try (PointerScope scope = new PointerScope()) {
            return generator.generate(prompts, 56, Params.Sampling.of(1.0f, step++), -1, 0, true).tokens()[0].length;
        }
    }

    @Benchmark
    public float matmul512() {
        try (PointerScope scope = new PointerScope()) {
            return a.matmul(b).select(0, 0).select(0, 0).item_float();
        }
    }
}
