package org.gendiv.bench;

import java.util.Locale;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;

/**
 * An SFT step's loss, forward and backward, on the study's model as it was until f3fb865 (context 112, 4 layers, 4 heads,
 * width 128, vocabulary 2048): the LM head and log-softmax at every position with the prompt and
 * padding masked out (A, as LanguageModelling computed it before) against the head on the learned
 * positions alone (B, as it does now). Batch 32; args: prompt and response tokens (default:
 * summarisation's 76 and 20, then instructions' 14 and 8). A and B alternate in one process.
 */
public final class LmHeadAb {
    private LmHeadAb() {}

    public static void main(String[] args) {
        torch.set_num_threads(2);
        int[][] shapes = args.length >= 2 ? new int[][] {{Integer.parseInt(args[0]), Integer.parseInt(args[1])}}
                : new int[][] {{76, 20}, {14, 8}};
        for (int[] shape : shapes) run(shape[0], shape[1], 32);
    }

    static void run(int prompt, int response, int rows) {
        torch.manual_seed(0);
        int vocab = 2048, width = prompt + response;
        Gpt model = new Gpt(new GptConfig(vocab, 112, 4, 4, 128, 0.0));
        model.train(true);
        SplittableRandom rng = new SplittableRandom(1);
        long[] x = new long[rows * width], y = new long[rows * width];
        float[] mask = new float[rows * width];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            int length = width - rng.nextInt(response / 2 + 1);  // responses of response / 2 to response tokens, then padding
            for (int j = 0; j < width; j++) {
                x[r * width + j] = j < length ? 1 + rng.nextInt(vocab - 1) : 0;
                if (j >= prompt - 1 && j < length - 1) {
                    mask[r * width + j] = 1;
                    n++;
                }
            }
            for (int j = 0; j + 1 < width; j++) y[r * width + j] = x[r * width + j + 1];
        }
        long[] at = new long[n], targets = new long[n];
        for (int k = 0, i = 0; k < mask.length; k++)
            if (mask[k] != 0) {
                at[i] = k;
                targets[i++] = y[k];
            }
        Tensor tokens = Tensor.create(x, rows, width), next = Tensor.create(y, rows, width, 1), m = Tensor.create(mask, rows, width);
        Tensor index = Tensor.create(at, n), learned = Tensor.create(targets, n, 1);
        Runnable every = () -> torch.log_softmax(model.forward(tokens), 2).gather(2, next).squeeze(2).mul(m).sum().neg().backward();
        Runnable learnedOnly = () -> torch.log_softmax(model.logitsAt(tokens, index), 1).gather(1, learned).sum().neg().backward();
        String what = String.format(Locale.ROOT, "SFT step, %d rows of prompt %d + response <= %d (%d learned tokens)", rows, prompt,
                response, n);
        Ab.compare(what, "head at every position", every, "head where learned", learnedOnly);
    }
}
