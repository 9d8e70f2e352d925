package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.WordTokenizer;
import org.gendiv.core.train.Scoring;
import org.gendiv.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The evaluation's RM scores: each input's distinct texts scored once, equal texts given equal
 * scores (bit for bit, so they tie exactly where scores are ranked), every score the RM's own
 * score of that prompt and text read alone (one row per sequence), to float rounding.
 */
class MethodsTest {
    @Test
    void equalTextsGetEqualScoresAndEachIsTheRmsOwn() {
        List<String> prompts = List.of("sort the list red blue green", "count the words red blue");
        String[][] texts = {{"blue green red", "red", "blue green red", "green", "blue green red", "red"}, {"two", "three", "two", "two"}};
        WordTokenizer tok = WordTokenizer.train(List.of(prompts.get(0), prompts.get(1), "blue green red two three"), 64, 1);
        torch.manual_seed(4);
        RewardModel rm = new RewardModel(new Gpt(new GptConfig(tok.vocabSize(), 32, 2, 2, 16, 0.0)), RewardModel.Pooling.MEAN,
                new Gpt(new GptConfig(tok.vocabSize(), 32, 2, 2, 16, 0.0)), 1.0);
        for (int pack : new int[] {0, 4}) {
            StudyConfig.Eval eval = StudyConfig.defaults().eval();
            eval = new StudyConfig.Eval(eval.inputs(), eval.samples(), eval.temperature(), eval.bonN(), eval.maxNewTokens(),
                    eval.bootstrap(), 3, eval.embedding(), pack, eval.diversityInputs(), eval.winRateSamples());
            float[][] got = new Methods(eval, Kernels.cpu()).score(rm, tok, prompts, texts);
            for (int i = 0; i < texts.length; i++)
                for (int k = 0; k < texts[i].length; k++) {
                    float alone = Scoring.scores(rm, tok, List.of(prompts.get(i)), List.of(texts[i][k]), 1)[0];
                    assertEquals(alone, got[i][k], 1e-5, "pack " + pack + ", input " + i + " text " + k);
                    for (int j = 0; j < k; j++)
                        if (texts[i][j].equals(texts[i][k])) assertEquals(got[i][j], got[i][k], 0.0, "equal texts " + j + " and " + k);
                }
        }
    }
}
