package org.gendiv.bench;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.train.AdamW;
import org.gendiv.core.train.GradientShards;
import org.gendiv.core.train.OptimConfig;

/**
 * A training step (forward, backward, AdamW) of the study's model as it was until f3fb865 (context 112, 4 layers, 4 heads,
 * width 128, vocabulary 2048) on a batch of rows x tokens, next-token loss on every position. A:
 * the whole batch at once, every product split over all the cores (as training did); B: the batch
 * in {@link GradientShards} side by side, a core each. Args: rows (default 32, then 16), tokens
 * (default 100: summarisation's SFT rows; then 40).
 */
public final class GradientShardsAb {
    private GradientShardsAb() {}

    public static void main(String[] args) {
        if (args.length >= 2) run(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        else {
            run(32, 100);
            run(16, 40);
        }
    }

    static void run(int rows, int tokens) {
        torch.manual_seed(0);
        int vocab = 2048;
        Gpt model = new Gpt(new GptConfig(vocab, 112, 4, 4, 128, 0.0));
        model.train(true);
        AdamW adam = new AdamW(model.namedParameters(), OptimConfig.of(1e-4));
        SplittableRandom rng = new SplittableRandom(1);
        long[] x = new long[rows * tokens];
        for (int i = 0; i < x.length; i++) x[i] = 3 + rng.nextInt(vocab - 3);
        Tensor batch = Tensor.create(x, rows, tokens);
        Runnable whole = () -> {
            adam.zeroGrad();
            loss(model, batch, 0, rows, rows).backward();
            adam.step(1e-4);
        };
        Runnable sharded = () -> {
            adam.zeroGrad();
            GradientShards.backward(adam.parameters(), rows, (from, to) -> new GradientShards.Part<>(loss(model, batch, from, to, rows), null));
            adam.step(1e-4);
        };
        String what = String.format(Locale.ROOT, "training step %d x %d tokens, %d cores", rows, tokens, torch.get_num_threads());
        Ab.compare(what, "whole batch, products on all cores", whole, "shards side by side", sharded);
    }

    /** Mean next-token loss over the whole batch, of rows [from, to). */
    static Tensor loss(Gpt model, Tensor batch, int from, int to, int rows) {
        Tensor part = batch.narrow(0, from, to - from);
        long t = part.size(1);
        Tensor logits = model.forward(part.narrow(1, 0, t - 1));
        Tensor logp = torch.log_softmax(logits.reshape(-1, logits.size(2)), 1);
        Tensor y = part.narrow(1, 1, t - 1).reshape(-1, 1);
        return logp.gather(1, y).sum().neg().div(new org.bytedeco.pytorch.Scalar((double) rows * (t - 1)));
    }
}
