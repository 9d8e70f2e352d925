package org.gendiv.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gendiv.core.model.Gpt;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data-parallel PPO step rolls out each rank's rows of the global batch: those rows must draw
 * the tokens they draw when one process samples the whole batch, bit for bit, whatever the
 * number of ranks (the sampler's random streams are keyed by the row's place in the global batch).
 */
class RolloutShardTest {
    @TempDir
    Path dir;

    @Test
    void eachShardDrawsWhatItsRowsDrawInTheWholeBatch() throws IOException {
        TinyTask task = new TinyTask(dir);
        Gpt model = task.freshModel(11);  // a random model: flat, varied distributions
        List<String> prompts = prompts(32, 4);  // so each shard pads to another length
        Params.Sampling sampling = Params.Sampling.of(1f, 77);
        var whole = Rollouts.generate(model, Kernels.cpu(), task.tok, prompts, sampling, 32, 10);
        for (int ranks : new int[] {2, 4}) {
            int per = 32 / ranks;
            for (int r = 0; r < ranks; r++) {
                var shard = Rollouts.shard(model, Kernels.cpu(), task.tok, prompts.subList(r * per, (r + 1) * per), sampling, 32, 10,
                        r * per);
                assertEquals(per, shard.size());
                for (int i = 0; i < per; i++) {
                    var a = whole.get(r * per + i);
                    var b = shard.get(i);
                    assertArrayEquals(a.response(), b.response(), ranks + " ranks, rank " + r + ", row " + i);
                    assertArrayEquals(a.logprobs(), b.logprobs(), 1e-5f, ranks + " ranks, rank " + r + ", row " + i);
                }
            }
        }
    }

    /** Batches sampled side by side (two workers, one thread each) draw what they draw one after another, bit for bit. */
    @Test
    void batchesSideBySideDrawWhatTheyDrawInTurn() throws IOException {
        TinyTask task = new TinyTask(dir);
        Gpt model = task.freshModel(12);
        List<String> prompts = prompts(45, 5);  // 6 batches of 8, the last short
        Params.Sampling sampling = Params.Sampling.of(1f, 78);
        List<Integer> heard = new ArrayList<>();
        var inTurn = Rollouts.generate(model, Kernels.cpu(), task.tok, prompts, sampling, 8, 10, null, 0, 1, true);
        var sideBySide = Rollouts.generate(model, Kernels.cpu(), task.tok, prompts, sampling, 8, 10, heard::add, 0, 2, true);
        assertEquals(prompts.size(), sideBySide.size());
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(inTurn.get(i).prompt(), sideBySide.get(i).prompt(), "row " + i);
            assertArrayEquals(inTurn.get(i).response(), sideBySide.get(i).response(), "row " + i);
            assertArrayEquals(inTurn.get(i).logprobs(), sideBySide.get(i).logprobs(), "row " + i);  // exact: the same arithmetic
        }
        assertEquals(6, heard.size());
        assertEquals(45, heard.stream().mapToInt(Integer::intValue).max().orElse(0), "progress counts every prompt");
    }

    /** n prompts of 2 to 6 words (so batches pad to different lengths). */
    private static List<String> prompts(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder p = new StringBuilder("say");
            for (int w = 1 + rng.nextInt(5); w > 0; w--) p.append(' ').append(TinyTask.COLOURS[rng.nextInt(TinyTask.COLOURS.length)]);
            prompts.add(p.toString());
        }
        return prompts;
    }
}
