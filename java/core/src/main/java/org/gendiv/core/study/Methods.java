package org.gendiv.core.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gendiv.core.data.Distinct;
import org.gendiv.core.io.Progress;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.BestOfN;
import org.gendiv.core.train.Rollouts;
import org.gendiv.core.train.Scoring;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.Params;

/**
 * How each method answers the evaluation inputs: K samples per input from a policy, their
 * reward-model scores and KL to SFT; SFT's and Best-of-N's outputs from one pool of K groups of N
 * fresh SFT samples (SFT: each group's first; BoN: each group's best), PPO's K samples of its own.
 */
final class Methods {
    /** The methods every study compares, in report order. */
    static final List<String> NAMES = List.of("sft", "bon", "ppo");

    private final StudyConfig.Eval eval;
    private final Kernels kernels;

    Methods(StudyConfig.Eval eval, Kernels kernels) {
        this.eval = eval;
        this.kernels = kernels;
    }

    /** k[i] samples of input i at a temperature: texts[input][j], and the rollouts they decode (input-major). */
    record Samples(String[][] texts, List<Rollouts.Rollout> rollouts) {}

    Samples draw(Gpt model, Tokenizer tok, List<String> inputs, int[] k, float temperature, long seed) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) for (int j = 0; j < k[i]; j++) prompts.add(inputs.get(i));
        var bar = new Progress("sample", prompts.size());
        var rollouts = Rollouts.sample(model, kernels, tok, prompts, Params.Sampling.of(temperature, seed), eval.batch(),
                eval.maxNewTokens(), done -> bar.update(done, 0, describe(k)));
        String[] flat = Rollouts.texts(tok, rollouts);
        String[][] out = new String[inputs.size()][];
        for (int i = 0, at = 0; i < out.length; at += k[i], i++) out[i] = Arrays.copyOfRange(flat, at, at + k[i]);
        return new Samples(out, rollouts);
    }

    /** The progress bar's note: "16 per input", or "16 / 4 per input" when the first inputs get more. */
    private static String describe(int[] k) {
        int first = k[0], last = k[k.length - 1];
        return (first == last ? "" + first : first + " / " + last) + " per input";
    }

    /** texts[input][j]: k samples per input at a temperature. */
    String[][] sample(Gpt model, Tokenizer tok, List<String> inputs, int k, float temperature, long seed) {
        int[] ks = new int[inputs.size()];
        Arrays.fill(ks, k);
        return draw(model, tok, inputs, ks, temperature, seed).texts();
    }

    /**
     * Each sample's KL to the SFT policy, log pi(y) - log pi_sft(y) over its tokens at the
     * sampling temperature (the sampler's own log-probs against SFT's teacher-forced ones): its
     * mean over samples estimates KL(pi || pi_sft) per response.
     */
    double[][] klToSft(Gpt sft, Samples s, float temperature) {
        double[] ref = Scoring.responseLogprobs(sft, kernels, s.rollouts(), temperature, eval.batch());
        double[][] kl = new double[s.texts().length][];
        for (int i = 0, at = 0; i < kl.length; i++) {
            kl[i] = new double[s.texts()[i].length];
            for (int j = 0; j < kl[i].length; j++, at++) {
                double own = 0;
                for (float lp : s.rollouts().get(at).logprobs()) own += lp;
                kl[i][j] = own - ref[at];
            }
        }
        return kl;
    }

    /** Each input's count times n: Best-of-N's pool for k outputs per input. */
    static int[] times(int[] k, int n) {
        int[] out = new int[k.length];
        for (int i = 0; i < k.length; i++) out[i] = k[i] * n;
        return out;
    }

    /** KL(BoN || base) of best-of-N: log N - (N - 1) / N (Stiennon et al. 2020; exact without ties), the same for every sample. */
    static double[][] bestOfNKl(String[][] texts, int n) {
        double[][] kl = new double[texts.length][];
        for (int i = 0; i < kl.length; i++) {
            kl[i] = new double[texts[i].length];
            Arrays.fill(kl[i], Math.log(n) - (n - 1.0) / n);
        }
        return kl;
    }

    /**
     * The RM's score of every output, each input's distinct texts scored once (a policy repeats
     * itself; Best-of-N's pools more so) and equal texts given the same score, so they tie exactly
     * wherever scores are ranked.
     */
    float[][] score(RewardModel rm, Tokenizer tok, List<String> prompts, String[][] texts) {
        List<String> ps = new ArrayList<>(), ts = new ArrayList<>();
        List<Distinct<String>> distinct = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            Distinct<String> d = Distinct.of(List.of(texts[i]), t -> t);
            distinct.add(d);
            for (String t : d.items()) {
                ps.add(prompts.get(i));
                ts.add(t);
            }
        }
        float[] flat = eval.packResponses() > 0 ? Scoring.packedScores(rm, tok, ps, ts, eval.packResponses(), eval.batch())
                : Scoring.scores(rm, tok, ps, ts, eval.batch());
        float[][] out = new float[texts.length][];
        for (int i = 0, at = 0; i < texts.length; at += distinct.get(i).items().size(), i++) {
            int[] of = distinct.get(i).of();
            out[i] = new float[of.length];
            for (int k = 0; k < of.length; k++) out[i][k] = flat[at + of[k]];
        }
        return out;
    }

    /**
     * Best-of-N from k * N samples per input (k may differ by input): output j is the RM's best of
     * samples [j N, (j + 1) N), so the k outputs come from k disjoint groups of fresh samples and
     * are as independent as the SFT policy's own.
     */
    static Evaluation.Outputs bestOfN(String[][] pool, float[][] poolScores, int n) {
        String[][] texts = new String[pool.length][];
        float[][] scores = new float[pool.length][];
        for (int i = 0; i < pool.length; i++) {
            if (pool[i].length % n != 0 || pool[i].length == 0) throw new IllegalArgumentException("input " + i + " has "
                    + pool[i].length + " samples for Best-of-N, not a multiple of N = " + n);
            int k = pool[i].length / n;
            texts[i] = new String[k];
            scores[i] = new float[k];
            for (int j = 0; j < k; j++) {
                int best = BestOfN.best(poolScores[i], j * n, n);
                texts[i][j] = pool[i][best];
                scores[i][j] = poolScores[i][best];
            }
        }
        return new Evaluation.Outputs(texts, scores);
    }

    /** SFT's outputs from the pool of K groups of n: each group's first sample, an independent SFT sample each (KL 0). */
    static Evaluation.Outputs firstOfGroups(String[][] pool, float[][] scores, int n) {
        String[][] texts = new String[pool.length][];
        float[][] rm = new float[pool.length][];
        double[][] kl = new double[pool.length][];
        for (int i = 0; i < pool.length; i++) {
            int k = pool[i].length / n;
            texts[i] = new String[k];
            rm[i] = new float[k];
            kl[i] = new double[k];
            for (int j = 0; j < k; j++) {
                texts[i][j] = pool[i][j * n];
                rm[i][j] = scores[i][j * n];
            }
        }
        return new Evaluation.Outputs(texts, rm, kl);
    }

    /**
     * Every method's outputs on a split, with their RM scores: k * N SFT samples per prompt in k
     * groups of N (k = K on the ID split's diversity inputs, win_rate_samples elsewhere); SFT's
     * outputs are each group's first sample, BoN's each group's best; and k PPO samples.
     */
    Map<String, Evaluation.Outputs> outputs(Gpt sft, Gpt ppo, RewardModel rm, Tokenizer tok, List<String> prompts, long seed,
            String task, String split) {
        var e = eval;
        int[] k = e.samplesPerInput(split.equals("id"), prompts.size());
        String[][] pool = draw(sft, tok, prompts, times(k, e.bonN()), e.temperature(), seed * 1009 + split.hashCode()).texts();
        float[][] poolScores = score(rm, tok, prompts, pool);
        Map<String, Evaluation.Outputs> outputs = new LinkedHashMap<>();
        outputs.put("sft", firstOfGroups(pool, poolScores, e.bonN()));
        Evaluation.Outputs bon = bestOfN(pool, poolScores, e.bonN());
        outputs.put("bon", new Evaluation.Outputs(bon.texts(), bon.rmScores(), bestOfNKl(bon.texts(), e.bonN())));
        Samples ppoSamples = draw(ppo, tok, prompts, k, e.temperature(), seed * 2003 + split.hashCode());
        String[][] ppoTexts = ppoSamples.texts();
        outputs.put("ppo", new Evaluation.Outputs(ppoTexts, score(rm, tok, prompts, ppoTexts), klToSft(sft, ppoSamples, e.temperature())));
        return outputs;
    }
}
