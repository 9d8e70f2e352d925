package org.gendiv.core.judge;

import java.util.ArrayList;
import java.util.List;

import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Scoring;

/** The trained reward model as judge: the output wins when it scores above the reference (ties half). */
public final class RewardModelJudge implements Judge {
    private final RewardModel rm;
    private final Tokenizer tok;
    private final int batch;

    public RewardModelJudge(RewardModel rm, Tokenizer tok, int batch) {
        this.rm = rm;
        this.tok = tok;
        this.batch = batch;
    }

    @Override
    public double[] preferences(List<Comparison> comparisons) {
        List<String> prompts = new ArrayList<>(), texts = new ArrayList<>();
        for (Comparison c : comparisons) {
            prompts.add(c.prompt());
            texts.add(c.output());
            prompts.add(c.prompt());
            texts.add(c.reference());
        }
        float[] s = Scoring.scores(rm, tok, prompts, texts, batch);
        double[] out = new double[comparisons.size()];
        for (int i = 0; i < out.length; i++) out[i] = Judge.win(s[2 * i], s[2 * i + 1]);
        return out;
    }

    @Override
    public String describe() {
        return "the trained reward model";
    }
}
