package org.gendiv.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;

/**
 * The reward model's scores one row per sequence (A, the reference) against each prompt packed
 * once with its responses after it (B), on the study's model as it was until f3fb865 (context 112, 4 layers, 4 heads,
 * width 128): a training step's forward and backward (16 prompts with 4 responses each, as
 * rm.batch_size and world.rm_samples; rm.pack_responses) and the evaluation's scoring without
 * gradients (a 128-row batch, pack_responses responses to a row: 8 prompts with 16 each by
 * default). A and B alternate in one process, round after round, so the machine's drift falls on
 * both; prints each round's ratio A / B and their median. Then, for a training step of a reward
 * model with the log-ratio term (rm.logratio > 0), the frozen reference read in the batch (A)
 * against its log-probs given, as RewardTraining caches them per group (B). Args: prompt tokens
 * and response tokens (default: summarisation's 80 and 16, then instructions' 14 and 6), and the
 * responses per scoring row (default 16).
 */
public final class RewardPackingAb {
    private RewardPackingAb() {}

    public static void main(String[] args) {
        torch.set_num_threads(2);
        int[][] shapes = args.length >= 2 ? new int[][] {{Integer.parseInt(args[0]), Integer.parseInt(args[1])}}
                : new int[][] {{80, 16}, {14, 6}};
        int perRow = args.length >= 3 ? Integer.parseInt(args[2]) : 16;  // eval.pack_responses
        for (int[] shape : shapes) {
            run(shape[0], shape[1], 16, 4, true);
            run(shape[0], shape[1], 128 / perRow, perRow, false);
            cachedReference(shape[0], shape[1], 16, 4);
        }
    }

    static void cachedReference(int promptLength, int responseLength, int groups, int perPrompt) {
        torch.manual_seed(0);
        GptConfig config = new GptConfig(300, 112, 4, 4, 128, 0.0);
        RewardModel rm = new RewardModel(new Gpt(config), RewardModel.Pooling.MEAN, new Gpt(config), 1.0);
        rm.train(true);
        String what = String.format(Locale.ROOT, "training with the log-ratio term, prompt %d, %d x %d responses <= %d", promptLength,
                groups, perPrompt, responseLength);
        List<int[]> prompts = new ArrayList<>();
        List<List<int[]>> responses = new ArrayList<>();
        draw(config.vocab(), promptLength, responseLength, groups, perPrompt, prompts, responses, new ArrayList<>());
        List<float[]> reference = rm.packedReferenceLogprobs(prompts, responses, 0);
        compare(what, "reference in the batch", () -> rm.packedScores(prompts, responses, 0).sum().backward(), "given",
                () -> rm.packedScores(prompts, responses, 0, reference).sum().backward());
    }

    /** Random prompts of promptLength tokens, each with perPrompt responses of responseLength / 2 to responseLength tokens. */
    static void draw(int vocab, int promptLength, int responseLength, int groups, int perPrompt, List<int[]> prompts,
            List<List<int[]>> responses, List<long[]> rows) {
        SplittableRandom rng = new SplittableRandom(1);
        for (int g = 0; g < groups; g++) {
            int[] p = rng.ints(promptLength, 1, vocab).toArray();
            prompts.add(p);
            List<int[]> rs = new ArrayList<>();
            for (int k = 0; k < perPrompt; k++) {
                int[] r = rng.ints(responseLength - rng.nextInt(responseLength / 2 + 1), 1, vocab).toArray();
                rs.add(r);
                long[] row = new long[p.length + r.length];
                for (int j = 0; j < p.length; j++) row[j] = p[j];
                for (int j = 0; j < r.length; j++) row[p.length + j] = r[j];
                rows.add(row);
            }
            responses.add(rs);
        }
    }

    static void run(int promptLength, int responseLength, int groups, int perPrompt, boolean training) {
        torch.manual_seed(0);
        int vocab = 300;
        RewardModel rm = new RewardModel(new Gpt(new GptConfig(vocab, 112, 4, 4, 128, 0.0)), RewardModel.Pooling.MEAN);
        rm.train(training);
        String what = String.format(Locale.ROOT, "%s, prompt %d, %d x %d responses <= %d", training ? "training" : "scoring",
                promptLength, groups, perPrompt, responseLength);
        List<int[]> prompts = new ArrayList<>();
        List<List<int[]>> responses = new ArrayList<>();
        List<long[]> rows = new ArrayList<>();
        draw(vocab, promptLength, responseLength, groups, perPrompt, prompts, responses, rows);
        int width = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        long[] padded = new long[rows.size() * width];
        int[] lengths = new int[rows.size()], starts = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, padded, i * width, rows.get(i).length);
            lengths[i] = rows.get(i).length;
            starts[i] = promptLength;
        }
        Tensor tokens = Tensor.create(padded, rows.size(), width);
        Runnable plain = training ? () -> rm.scores(tokens, lengths, starts).sum().backward() : () -> {
            try (var g = new NoGradGuard()) {
                rm.scores(tokens, lengths, starts).sum().item_float();
            }
        };
        Runnable packed = training ? () -> rm.packedScores(prompts, responses, 0).sum().backward() : () -> {
            try (var g = new NoGradGuard()) {
                rm.packedScores(prompts, responses, 0).sum().item_float();
            }
        };
        compare(what, "one row per sequence", plain, "packed", packed);
    }

    private static void compare(String what, String nameA, Runnable a, String nameB, Runnable b) {
        Ab.compare(what, nameA, a, nameB, b);
    }
}
