package org.gendiv.bench;

import java.util.Locale;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * Evaluation's sampling on the study's model as it was until f3fb865 (context 112, 4 layers, 4 heads, width 128,
 * vocabulary 2048): batches of 128 prompts, 16 rows a prompt, 24 new tokens, KV cache. A samples
 * the batches one after another with every product split over all the cores (as evaluation did);
 * B side by side, one batch per core, each product on one thread ({@link BatchWorkers}). Args:
 * prompt tokens (default: summarisation's 76, then instructions' 14) and batches (default 4).
 */
public final class BatchWorkersAb {
    private BatchWorkersAb() {}

    public static void main(String[] args) {
        int cores = torch.get_num_threads();
        int batches = args.length >= 2 ? Integer.parseInt(args[1]) : 4;
        int[] prompts = args.length >= 1 ? new int[] {Integer.parseInt(args[0])} : new int[] {76, 14};
        for (int p : prompts) run(p, batches, cores);
    }

    static void run(int promptTokens, int batches, int cores) {
        torch.manual_seed(0);
        int vocab = 2048, rows = 128, perPrompt = 16, eos = 2, pad = 0;
        Gpt model = new Gpt(new GptConfig(vocab, 112, 4, 4, 128, 0.0));
        model.eval();
        SplittableRandom rng = new SplittableRandom(1);
        int[][][] batch = new int[batches][rows][];
        for (int b = 0; b < batches; b++)
            for (int r = 0; r < rows; r += perPrompt) {
                int[] p = new int[promptTokens];
                for (int i = 0; i < p.length; i++) p[i] = 3 + rng.nextInt(vocab - 3);
                for (int k = 0; k < perPrompt; k++) batch[b][r + k] = p;
            }
        Generator gen = new Generator(model, Kernels.cpu());
        Runnable inTurn = () -> {
            for (int b = 0; b < batches; b++) gen.generate(batch[b], 24, Params.Sampling.of(1f, b), eos, pad, true);
        };
        Runnable sideBySide = () -> BatchWorkers.map(batches, cores,
                b -> gen.generate(batch[b], 24, Params.Sampling.of(1f, b), eos, pad, true), null);
        String what = String.format(Locale.ROOT, "sampling %d batches of %d rows, prompt %d tokens, 24 new, %d cores", batches, rows,
                promptTokens, cores);
        Ab.compare(what, "in turn, products on all cores", inTurn, "side by side, a core each", sideBySide);
    }
}
