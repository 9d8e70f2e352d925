package org.gendiv.cli;

import org.gendiv.core.model.Gpt;
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

    Params.Sampling params() {
        return new Params.Sampling(temperature, topK, topP, minP, seed, 0);
    }

    int maxNewTokens(Gpt model) {
        return maxNewTokens > 0 ? maxNewTokens : Math.max(1, model.config.context() / 4);
    }
}
