package org.gendiv.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Batches;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * Evaluation's sampling on a trained policy, whose answers stop at different lengths: batches of
 * 128 rows, 16 samples of each of 8 prompts, 24 new tokens, KV cache, one thread (as
 * {@link BatchWorkers} runs a batch). A keeps every row to the batch's last step (the simple
 * form, as training samples); B drops the rows that stopped once they are a quarter of the batch
 * ({@link Generator#droppingStoppedRows}, as evaluation samples). Args: a model
 * directory (a study's sft/model), a JSONL file with "prompt" (e.g. gendiv world's eval.jsonl),
 * and batches (default 4).
 */
public final class StoppedRowsAb {
    private StoppedRowsAb() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int batches = args.length >= 3 ? Integer.parseInt(args[2]) : 4;
        Gpt model = ModelDir.policy(dir);
        model.eval();
        Tokenizer tok = ModelDir.tokenizer(dir);
        List<int[]> prompts = new ArrayList<>();
        for (String[] r : Jsonl.read(Path.of(args[1]), "prompt")) prompts.add(Batches.prompt(tok, r[0]));
        int[][][] batch = new int[batches][128][];
        for (int b = 0; b < batches; b++)
            for (int r = 0; r < 128; r++) batch[b][r] = prompts.get((b * 8 + r / 16) % prompts.size());
        Generator simple = new Generator(model, Kernels.cpu()), dropping = Generator.droppingStoppedRows(model, Kernels.cpu());
        Runnable a = () -> sample(simple, batch, tok), b = () -> sample(dropping, batch, tok);
        BatchWorkers.map(1, 1, i -> {
            Ab.compare(String.format(Locale.ROOT, "sampling %d batches of 128 rows from %s, 24 new tokens, one thread", batches, dir),
                    "every row to the end", a, "stopped rows dropped", b);
            return null;
        }, null);
        long tokens = 0;
        for (int[][] t : sample(dropping, batch, tok)) for (int[] row : t) tokens += row.length;
        System.out.printf(Locale.ROOT, "rows stop after %.1f of 24 tokens on average%n", tokens / (double) (batches * 128));
    }

    /** Each batch sampled in turn (seed = its index), 24 new tokens: each batch's tokens. */
    private static int[][][] sample(Generator gen, int[][][] batch, Tokenizer tok) {
        int[][][] out = new int[batch.length][][];
        for (int b = 0; b < batch.length; b++)
            out[b] = gen.generate(batch[b], 24, Params.Sampling.of(1f, b), tok.eosId(), tok.padId(), true).tokens();
        return out;
    }
}
