package org.gendiv.core.judge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges an output against the input's reference output: the study's "preference vs reference".
 * Implementations: the embedded world's gold judge ({@link GoldJudge}), the trained reward model
 * ({@link RewardModelJudge}) and any program the user names ({@link CommandJudge}).
 */
public interface Judge {
    /** One judgement to make: is output better than reference, for this prompt? */
    record Comparison(String prompt, String output, String reference) {}

    /** Per comparison, the probability the output is preferred over the reference, in [0, 1] (a tie is 0.5). */
    double[] preferences(List<Comparison> comparisons) throws IOException;

    /**
     * A judgement with what the judge knows of the output besides: its gold quality and its
     * meaning, where the judge knows them (the embedded worlds' gold judge does; NaN and "" else).
     */
    record Verdict(double preference, double gold, String meaning) {}

    /** Per comparison, the preference and what the judge knows of the output. */
    default List<Verdict> verdicts(List<Comparison> comparisons) throws IOException {
        double[] p = preferences(comparisons);
        List<Verdict> out = new ArrayList<>(p.length);
        for (double v : p) out.add(new Verdict(v, Double.NaN, ""));
        return out;
    }

    /** A short name for reports ("gold", "reward model", the command). */
    String describe();

    /** The study's win: 1 when a is better, 0 when worse, 0.5 for a tie (within 1e-9). */
    static double win(double a, double b) {
        return a > b + 1e-9 ? 1 : a < b - 1e-9 ? 0 : 0.5;
    }
}
