package org.gendiv.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring's batches give the same bits one at a time (gendiv.workers=1) as side by side on two
 * workers: each batch's matrix products run on one OpenBLAS thread either way (BatchWorkers).
 */
class ScoringTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearWorkers() {
        System.clearProperty("gendiv.workers");
    }

    @Test
    void scoresAndLogprobsDoNotDependOnTheWorkers() throws IOException {
        TinyTask task = new TinyTask(dir);
        Gpt policy = task.freshModel(21);
        RewardModel rm = new RewardModel(task.freshModel(22), RewardModel.Pooling.MEAN, task.freshModel(23), 0.5);
        List<String> prompts = new ArrayList<>(), texts = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (String p : TinyTask.prompts(12, 3))
            for (int k = 0; k < 4; k++) {  // four responses a prompt, so packed rows hold several
                prompts.add(p);
                texts.add(TinyTask.response(rng));
            }
        var rollouts = Rollouts.generate(policy, Kernels.cpu(), task.tok, prompts, Params.Sampling.of(1f, 5), 8, 6, null, 0, 1, false);
        float[][] scores = new float[2][], packed = new float[2][], rolloutScores = new float[2][];
        double[][] logprobs = new double[2][];
        for (int w = 0; w < 2; w++) {
            System.setProperty("gendiv.workers", String.valueOf(w + 1));
            scores[w] = Scoring.scores(rm, task.tok, prompts, texts, 8);
            packed[w] = Scoring.packedScores(rm, task.tok, prompts, texts, 4, 8);
            rolloutScores[w] = Scoring.rolloutScores(rm, task.tok, rollouts, 8);
            logprobs[w] = Scoring.responseLogprobs(policy, Kernels.cpu(), rollouts, 1f, 8);
        }
        assertArrayEquals(scores[0], scores[1], "scores");
        assertArrayEquals(packed[0], packed[1], "packed scores");
        assertArrayEquals(rolloutScores[0], rolloutScores[1], "rollout scores");
        assertArrayEquals(logprobs[0], logprobs[1], "response log-probs");
    }
}
