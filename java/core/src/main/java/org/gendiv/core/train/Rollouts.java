package org.gendiv.core.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.gendiv.core.io.Configs;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/** Sampling responses to prompts, in batches, through {@link Generator} and gendiv's sampling kernel. */
public final class Rollouts {
    private Rollouts() {}

    /** A prompt's tokens, the response drawn (ending in EOS unless cut at the length limit) and its log-probs. */
    public record Rollout(int[] prompt, int[] response, float[] logprobs) {
        public int[] full() {
            return Batches.concat(prompt, response);
        }

        /** Whether the response ended with EOS (rather than being cut at the length limit). */
        public boolean ended(int eos) {
            return response.length > 0 && response[response.length - 1] == eos;
        }

        /** The sequence as training lays one out (prompt, response, EOS): EOS appended to a cut response. */
        public int[] withEos(int eos) {
            return ended(eos) ? full() : Batches.concat(prompt, response, new int[] {eos});
        }
    }

    /** Responses of at most a quarter of the context by default, prompts clipped to leave room for them. */
    public static List<Rollout> generate(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize) {
        return generate(model, kernels, tok, prompts, sampling, batchSize, Math.max(1, model.config.context() / 4));
    }

    /**
     * Batch i (of batchSize prompts) samples with seed (sampling.seed + i); within a batch, row ids
     * are the prompt's index in it, so the draws are a function of (seed, batch size) alone.
     */
    public static List<Rollout> generate(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize, int maxNewTokens) {
        return generate(model, kernels, tok, prompts, sampling, batchSize, maxNewTokens, null);
    }

    /** As above, reporting each finished batch's count of prompts done to progress (nullable), for progress bars. */
    public static List<Rollout> generate(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize, int maxNewTokens, IntConsumer progress) {
        return generate(model, kernels, tok, prompts, sampling, batchSize, maxNewTokens, progress, 0);
    }

    /**
     * As {@link #generate(Gpt, Kernels, Tokenizer, List, Params.Sampling, int, int, IntConsumer)}
     * for evaluation and inference: the rows that stopped leave their batch early
     * ({@link Generator#droppingStoppedRows}; 1.16x sampling at summarisation's answers, 1.35x at
     * instructions', bench StoppedRowsAb on 64-wide policies). The same tokens; their log-probs to
     * float rounding, so not for training, whose results the last bits move.
     */
    public static List<Rollout> sample(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize, int maxNewTokens, IntConsumer progress) {
        return generate(model, kernels, tok, prompts, sampling, batchSize, maxNewTokens, progress, 0, BatchWorkers.count(), true);
    }

    /**
     * One rank's rows [firstRow, firstRow + prompts.size()) of a batch (of at most batchSize
     * prompts): they draw the tokens those rows draw when one process samples the whole batch.
     */
    public static List<Rollout> shard(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize, int maxNewTokens, int firstRow) {
        if (firstRow + prompts.size() > batchSize)
            throw new IllegalArgumentException("rows " + firstRow + ".." + (firstRow + prompts.size()) + " exceed the batch of " + batchSize);
        return generate(model, kernels, tok, prompts, sampling, batchSize, maxNewTokens, null, firstRow);
    }

    private static List<Rollout> generate(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts,
            Params.Sampling sampling, int batchSize, int maxNewTokens, IntConsumer progress, int firstRow) {
        return generate(model, kernels, tok, prompts, sampling, batchSize, maxNewTokens, progress, firstRow, BatchWorkers.count(), false);
    }

    /** As above on a given number of workers (batches side by side, {@link BatchWorkers}); the draws do not depend on it. */
    static List<Rollout> generate(Gpt model, Kernels kernels, Tokenizer tok, List<String> prompts, Params.Sampling sampling,
            int batchSize, int maxNewTokens, IntConsumer progress, int firstRow, int workers, boolean dropStopped) {
        Generator gen = dropStopped ? Generator.droppingStoppedRows(model, kernels) : new Generator(model, kernels);
        int room = model.config.context() - maxNewTokens;
        if (room < 2) throw new Configs.BadConfig("max_new_tokens (" + maxNewTokens + ") leaves no room for a prompt in the context ("
                + model.config.context() + ")");
        int[] done = {0};
        List<Rollout> out = new ArrayList<>(prompts.size());
        for (List<Rollout> part : BatchWorkers.chunks(model, prompts.size(), batchSize, workers,
                (from, to) -> batch(gen, tok, prompts.subList(from, to), sampling, from / batchSize, room, maxNewTokens, firstRow),
                n -> {
                    done[0] += n;
                    if (progress != null) progress.accept(done[0]);
                }))
            out.addAll(part);
        return out;
    }

    /** Batch batchNo: its prompts (each cut to room tokens) sampled with seed sampling.seed + batchNo. */
    private static List<Rollout> batch(Generator gen, Tokenizer tok, List<String> chunk, Params.Sampling sampling, int batchNo,
            int room, int maxNewTokens, int firstRow) {
        int[][] encoded = new int[chunk.size()][];
        for (int j = 0; j < encoded.length; j++) encoded[j] = keepTail(Batches.prompt(tok, chunk.get(j)), room);
        Params.Sampling s = new Params.Sampling(sampling.temperature(), sampling.topK(), sampling.topP(), sampling.minP(),
                sampling.seed() + batchNo, 0);
        List<Rollout> out = new ArrayList<>(encoded.length);
        Generator.Result r = gen.generate(encoded, maxNewTokens, s, tok.eosId(), tok.padId(), true, firstRow);  // in the batch's PointerScope
        for (int j = 0; j < encoded.length; j++) out.add(new Rollout(encoded[j], r.tokens()[j], r.logprobs()[j]));
        return out;
    }

    /**
     * Every prompt fits the context with room for maxNewTokens, so none is cut to its tail (as
     * {@link #generate} does) without a word; the error names the file, the prompt and the knob to turn.
     */
    public static void requireFit(Path file, List<String> prompts, Tokenizer tok, int context, int maxNewTokens,
            String knob) {
        int room = context - maxNewTokens;
        for (int i = 0; i < prompts.size(); i++) {
            int n = Batches.prompt(tok, prompts.get(i)).length;
            if (n > room)
                throw new Configs.BadConfig(file + ": prompt " + (i + 1) + " is " + n + " tokens; the model's context (" + context
                        + ") with " + maxNewTokens + " new tokens leaves room for " + room + " (shorten it or lower " + knob + ")");
        }
    }

    /** A prompt longer than max keeps its first token (BOS) and its last max - 1 tokens. */
    static int[] keepTail(int[] prompt, int max) {
        if (prompt.length <= max) return prompt;
        int[] out = new int[max];
        out[0] = prompt[0];
        System.arraycopy(prompt, prompt.length - (max - 1), out, 1, max - 1);
        return out;
    }

    public static String[] texts(Tokenizer tok, List<Rollout> rollouts) {
        String[] out = new String[rollouts.size()];
        for (int i = 0; i < out.length; i++) out[i] = Batches.response(tok, rollouts.get(i).response());
        return out;
    }
}
