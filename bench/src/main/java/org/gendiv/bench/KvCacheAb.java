package org.gendiv.bench;

import java.util.Locale;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.KvCache;

/**
 * Decoding with the KV cache on the study's model as it was until f3fb865 (context 112, 4 layers, 4 heads, width 128,
 * vocabulary 2048), as evaluation samples: 128 rows, a prompt of 76 tokens (summarisation's),
 * then 24 steps of one token, each on one thread (as {@link BatchWorkers} runs a batch). A: the
 * cache that concatenates every step; B: buffers of the capacity, written in place.
 */
public final class KvCacheAb {
    private KvCacheAb() {}

    public static void main(String[] args) {
        int rows = 128, prompt = args.length >= 1 ? Integer.parseInt(args[0]) : 76, steps = 24;
        torch.manual_seed(0);
        Gpt model = new Gpt(new GptConfig(2048, 112, 4, 4, 128, 0.0));
        model.eval();
        Tensor prefill = torch.randint(3, 2048, new long[] {rows, prompt});
        Tensor step = torch.randint(3, 2048, new long[] {rows, 1});
        Runnable grow = () -> decode(model, new KvCache(4), prefill, step, prompt, steps);
        Runnable buffers = () -> decode(model, new KvCache(4, prompt + steps), prefill, step, prompt, steps);
        BatchWorkers.map(1, 1, i -> {
            Ab.compare(String.format(Locale.ROOT, "decoding %d rows, prompt %d, %d steps, one thread", rows, prompt, steps),
                    "concatenating cache", grow, "buffered cache", buffers);
            return null;
        }, null);
    }

    static void decode(Gpt model, KvCache cache, Tensor prefill, Tensor step, int prompt, int steps) {
        long rows = prefill.size(0);
        try (var g = new NoGradGuard(); cache) {
            model.hidden(prefill, torch.arange(new org.bytedeco.pytorch.Scalar(prompt)).unsqueeze(0).expand(rows, prompt), null, cache);
            for (int s = 0; s < steps; s++)
                model.hidden(step, torch.full(new long[] {rows, 1}, new org.bytedeco.pytorch.Scalar(prompt + s),
                        new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)), null, cache);
        }
    }
}
