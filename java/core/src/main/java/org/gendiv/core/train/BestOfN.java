package org.gendiv.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Progress;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/** Best-of-N: N samples per prompt from the (SFT) policy; the reward model keeps the one it scores highest. */
public final class BestOfN {
    private final Gpt policy;
    private final RewardModel rm;
    private final Tokenizer tok;
    private final Kernels kernels;

    public BestOfN(Gpt policy, RewardModel rm, Tokenizer tok, Kernels kernels) {
        if (rm.trunk.config.vocab() != policy.config.vocab())
            throw new Configs.BadConfig("the reward model's vocabulary (" + rm.trunk.config.vocab()
                    + ") differs from the policy's (" + policy.config.vocab() + ")");
        this.policy = policy;
        this.rm = rm;
        this.tok = tok;
        this.kernels = kernels;
    }

    /** A prompt's candidates with their scores, and the index of the best (the first of ties). */
    public record Pick(String prompt, List<String> candidates, float[] scores, int best) {
        public String bestText() {
            return candidates.get(best);
        }
    }

    public List<Pick> run(List<String> prompts, int n, Params.Sampling sampling, int maxNewTokens, int batchSize) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        List<String> repeated = new ArrayList<>(prompts.size() * n);
        for (String p : prompts) for (int i = 0; i < n; i++) repeated.add(p);
        var bar = new Progress("bon", repeated.size());
        var rollouts = Rollouts.sample(policy, kernels, tok, repeated, sampling, batchSize, maxNewTokens,
                done -> bar.update(done, 0, "samples"));
        float[] scores = Scoring.rolloutScores(rm, tok, rollouts, batchSize);
        String[] texts = Rollouts.texts(tok, rollouts);
        List<Pick> out = new ArrayList<>(prompts.size());
        for (int q = 0; q < prompts.size(); q++) {
            float[] sc = Arrays.copyOfRange(scores, q * n, q * n + n);
            out.add(new Pick(prompts.get(q), List.of(Arrays.copyOfRange(texts, q * n, q * n + n)), sc, best(sc, 0, n)));
        }
        return out;
    }

    /** The index of the highest of scores[from, from + n) (the first of ties): Best-of-N's choice within one group. */
    public static int best(float[] scores, int from, int n) {
        int best = from;
        for (int i = from + 1; i < from + n; i++) if (scores[i] > scores[best]) best = i;
        return best;
    }
}
