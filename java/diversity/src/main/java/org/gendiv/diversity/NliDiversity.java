package org.gendiv.diversity;

import java.util.List;

/**
 * NLI diversity (docs/study.md): for each unordered pair, both directions are scored by an
 * NLI model; the predicted label counts contradiction +1, neutral 0, entailment -1, weighted by
 * its probability; a pair scores in [-2, 2]; diversity is the mean pair score.
 */
public final class NliDiversity {
    private NliDiversity() {}

    /** A model (or an exact judge) giving P(entailment), P(neutral), P(contradiction) of hypothesis given premise. */
    @FunctionalInterface
    public interface Scorer {
        Probabilities score(String premise, String hypothesis);
    }

    public record Probabilities(double entailment, double neutral, double contradiction) {
        /** +p for contradiction, 0 for neutral, -p for entailment, by the most probable label. */
        public double directionScore() {
            if (contradiction >= entailment && contradiction >= neutral) return contradiction;
            if (entailment >= neutral) return -entailment;
            return 0;
        }
    }

    /** Mean pair score over unordered pairs; NaN for fewer than 2 texts. */
    public static double of(List<String> texts, Scorer scorer) {
        int k = texts.size();
        if (k < 2) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
                sum += scorer.score(texts.get(i), texts.get(j)).directionScore()
                        + scorer.score(texts.get(j), texts.get(i)).directionScore();
        return sum / (k * (k - 1) / 2.0);
    }
}
