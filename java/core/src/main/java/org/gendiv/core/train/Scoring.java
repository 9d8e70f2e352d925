package org.gendiv.core.train;

import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.model.Tensors;
import org.gendiv.core.tokenizer.Tokenizer;

/** The reward model's score of many token sequences, in right-padded batches, without gradients. */
public final class Scoring {
    private Scoring() {}

    /** The score of each response text after its prompt (prompts.get(i), texts.get(i)), as the trainer lays them out, clipped to the RM's context. */
    public static float[] scores(RewardModel rm, Tokenizer tok, List<String> prompts, List<String> texts, int batch) {
        List<int[]> seqs = new java.util.ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++)
            seqs.add(Batches.clip(Batches.sequence(tok, prompts.get(i), texts.get(i)), rm.trunk.config.context()));
        return scores(rm, seqs, tok.padId(), batch);
    }

    public static float[] scores(RewardModel rm, List<int[]> seqs, int padId, int batch) {
        float[] out = new float[seqs.size()];
        boolean was = rm.is_training();
        rm.eval();
        try (var g = new NoGradGuard()) {
            for (int i = 0; i < seqs.size(); i += batch)
                try (PointerScope scope = new PointerScope()) {
                    Batches.Padded p = Batches.rightPad(seqs.subList(i, Math.min(seqs.size(), i + batch)), padId);
                    float[] s = Tensors.floats(rm.scores(p.tensor(), p.lengths()));
                    System.arraycopy(s, 0, out, i, s.length);
                }
        } finally {
            rm.train(was);
        }
        return out;
    }
}
