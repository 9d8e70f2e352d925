package org.gendiv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;

/**
 * The evaluation's reward-model scoring (eval.pack_responses) with A responses packed after their
 * prompt to a row against B, on the study's reward model (context 112, 4 layers, 4 heads, width
 * 128, vocabulary 2048, mean pooling, the log-ratio term's reference read in the batch): 128
 * responses a batch, on one thread, as {@link BatchWorkers} runs a batch. Args: prompt tokens,
 * the longest response (responses draw half to all of it), A and B (default: summarisation's 76
 * and 10, then instructions' 14 and 6; 4 against 16).
 */
public final class PackSizeAb {
    private PackSizeAb() {}

    public static void main(String[] args) {
        int[][] shapes = args.length >= 2 ? new int[][] {{Integer.parseInt(args[0]), Integer.parseInt(args[1])}}
                : new int[][] {{76, 10}, {14, 6}};
        int a = args.length >= 4 ? Integer.parseInt(args[2]) : 4, b = args.length >= 4 ? Integer.parseInt(args[3]) : 16;
        torch.manual_seed(0);
        GptConfig config = new GptConfig(2048, 112, 4, 4, 128, 0.0);
        RewardModel rm = new RewardModel(new Gpt(config), RewardModel.Pooling.MEAN, new Gpt(config), 1.0);
        rm.eval();
        for (int[] s : shapes)
            BatchWorkers.map(1, 1, i -> {
                Ab.compare(String.format(Locale.ROOT, "scoring 128 responses <= %d tokens after a prompt of %d, one thread", s[1], s[0]),
                        a + " a row", score(rm, s[0], s[1], a), b + " a row", score(rm, s[0], s[1], b));
                return null;
            }, null);
    }

    /** Scoring 128 random responses, perRow to each of 128 / perRow random prompts (drawn as RewardPackingAb draws them). */
    static Runnable score(RewardModel rm, int promptLength, int responseLength, int perRow) {
        List<int[]> prompts = new ArrayList<>();
        List<List<int[]>> responses = new ArrayList<>();
        RewardPackingAb.draw(rm.trunk.config.vocab(), promptLength, responseLength, 128 / perRow, perRow, prompts, responses,
                new ArrayList<>());
        return () -> {
            try (var g = new NoGradGuard()) {
                rm.packedScores(prompts, responses, 0).sum().item_float();
            }
        };
    }
}
