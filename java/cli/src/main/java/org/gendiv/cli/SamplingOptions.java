package org.gendiv.cli;

import java.nio.file.Path;
import java.util.List;

import org.gendiv.core.model.Gpt;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Rollouts;
import org.gendiv.kernels.Params;

import picocli.CommandLine.Option;

/** Sampling options shared by generate and bon. */
final class SamplingOptions {
    @Option(names = "--temperature", defaultValue = "1.0", description = "0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 = off (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "1 = off (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.0", description = "0 = off (default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--max-new-tokens", defaultValue = "0", description = "0 = a quarter of the context (default ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch", defaultValue = "64", description = "sequences per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    /** Every option in its range, before anything is loaded or written. */
    void check() {
        if (maxNewTokens < 0) throw new IllegalArgumentException("--max-new-tokens must be >= 0 (0 = a quarter of the context), got " + maxNewTokens);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("--temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("--top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("--min-p must be in [0, 1), got " + minP);
    }

    /** Every prompt fits the model's context with room for the response: none is cut short without a word. */
    void requireFit(Path file, List<String> prompts, Tokenizer tok, Gpt model) {
        Rollouts.requireFit(file, prompts, tok, model.config.context(), maxNewTokens(model), "--max-new-tokens");
    }

    Params.Sampling params() {
        return new Params.Sampling(temperature, topK, topP, minP, seed, 0);
    }

    int maxNewTokens(Gpt model) {
        return maxNewTokens > 0 ? maxNewTokens : Math.max(1, model.config.context() / 4);
    }
}
