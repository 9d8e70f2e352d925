package org.gendiv.core.train;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.model.Tensors;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.kernels.Dtype;
import org.gendiv.kernels.Kernels;

/**
 * Scoring many token sequences in right-padded batches without gradients: the reward model's
 * score, and a policy's log-probability of rollouts' responses.
 */
public final class Scoring {
    private Scoring() {}

    /** The score of each response text after its prompt (prompts.get(i), texts.get(i)), as the trainer lays them out, clipped to the RM's context. */
    public static float[] scores(RewardModel rm, Tokenizer tok, List<String> prompts, List<String> texts, int batch) {
        List<int[]> seqs = new ArrayList<>(texts.size());
        int[] starts = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            int[] prompt = Batches.prompt(tok, prompts.get(i));
            seqs.add(Batches.clip(Batches.sequence(tok, prompt, texts.get(i)), rm.trunk.config.context()));
            starts[i] = prompt.length;
        }
        return scores(rm, seqs, starts, tok.padId(), batch);
    }

    /**
     * The same scores as {@link #scores(RewardModel, Tokenizer, List, List, int)}, to float
     * rounding, with the responses to one prompt packed perRow to a row after it (consecutive
     * texts with the same prompt: {@link RewardModel#packedScores}), rows / perRow rows a batch
     * (at least one). Falls back to one row per sequence for a trunk that cannot read packed rows
     * or a prompt longer than the context.
     */
    public static float[] packedScores(RewardModel rm, Tokenizer tok, List<String> prompts, List<String> texts, int perRow, int rows) {
        if (perRow < 1) throw new IllegalArgumentException("perRow must be >= 1, got " + perRow);
        int context = rm.trunk.config.context();
        if (!rm.canPack()) return scores(rm, tok, prompts, texts, rows);
        List<int[]> rowPrompts = new ArrayList<>();
        List<List<int[]>> rowResponses = new ArrayList<>();
        String last = null;
        int[] prompt = null;
        for (int i = 0; i < texts.size(); i++) {
            boolean newPrompt = !prompts.get(i).equals(last);
            if (newPrompt) {
                prompt = Batches.prompt(tok, prompts.get(i));
                if (prompt.length > context) return scores(rm, tok, prompts, texts, rows);
                last = prompts.get(i);
            }
            if (newPrompt || rowResponses.get(rowResponses.size() - 1).size() == perRow) {
                rowPrompts.add(prompt);
                rowResponses.add(new ArrayList<>());
            }
            rowResponses.get(rowResponses.size() - 1).add(Batches.clippedResponse(tok, prompt, texts.get(i), context));
        }
        int per = Math.max(1, rows / perRow);
        List<float[]> parts = BatchWorkers.chunks(rm, rowPrompts.size(), per,
                (from, to) -> Tensors.floats(rm.packedScores(rowPrompts.subList(from, to), rowResponses.subList(from, to), tok.padId())));
        return concat(parts, new float[texts.size()]);
    }

    /** The parts end to end in out (an array of their total length). */
    private static <A> A concat(List<A> parts, A out) {
        int at = 0;
        for (A p : parts) {
            int n = Array.getLength(p);
            System.arraycopy(p, 0, out, at, n);
            at += n;
        }
        return out;
    }

    /**
     * The reward model's score of each rollout as training lays a pair's side out (prompt,
     * response, EOS: a response cut at the length limit gets its EOS appended), clipped to the
     * RM's context.
     */
    public static float[] rolloutScores(RewardModel rm, Tokenizer tok, List<Rollouts.Rollout> rollouts, int batch) {
        List<int[]> seqs = new ArrayList<>(rollouts.size());
        int[] starts = new int[rollouts.size()];
        for (int i = 0; i < rollouts.size(); i++) {
            seqs.add(Batches.clip(rollouts.get(i).withEos(tok.eosId()), rm.trunk.config.context()));
            starts[i] = rollouts.get(i).prompt().length;
        }
        return scores(rm, seqs, starts, tok.padId(), batch);
    }

    /** The score of each token sequence whose response starts at token starts[i]. */
    public static float[] scores(RewardModel rm, List<int[]> seqs, int[] starts, int padId, int batch) {
        List<float[]> parts = BatchWorkers.chunks(rm, seqs.size(), batch, (from, to) -> {
            Batches.Padded p = Batches.rightPad(seqs.subList(from, to), padId);
            return Tensors.floats(rm.scores(p.tensor(), p.lengths(), Arrays.copyOfRange(starts, from, to)));
        });
        return concat(parts, new float[seqs.size()]);
    }

    /**
     * log pi(response | prompt) of each rollout under model at a temperature: the sum of its
     * response tokens' log-probs, from teacher-forced logits through gendiv's log-prob kernel.
     */
    public static double[] responseLogprobs(Gpt model, Kernels kernels, List<Rollouts.Rollout> rollouts, float temperature,
            int batch) {
        List<double[]> parts = BatchWorkers.chunks(model, rollouts.size(), batch, (from, to) -> {
            List<Rollouts.Rollout> chunk = rollouts.subList(from, to);
            double[] sums = new double[chunk.size()];
            Batches.Padded p = Batches.rightPad(chunk.stream().map(Rollouts.Rollout::full).toList(), 0);
            int n = 0;
            for (var r : chunk) n += r.response().length;
            if (n == 0) return sums;
            long[] rows = new long[n];
            int[] targets = new int[n];
            for (int r = 0, at = 0; r < chunk.size(); r++) {
                int[] resp = chunk.get(r).response();
                int start = chunk.get(r).prompt().length - 1;  // the logits at t predict token t + 1
                for (int j = 0; j < resp.length; j++, at++) {
                    rows[at] = (long) r * p.width() + start + j;
                    targets[at] = resp[j];
                }
            }
            float[] lp = logprobs(kernels, model.logitsAt(p.tensor(), Tensor.create(rows, n)), targets, temperature);
            for (int r = 0, at = 0; r < chunk.size(); r++)
                for (int j = 0; j < chunk.get(r).response().length; j++) sums[r] += lp[at++];
            return sums;
        });
        return concat(parts, new double[rollouts.size()]);
    }

    /** log softmax(rows / temperature)[targets[i]] of each row of a [N, V] logits tensor, through gendiv's kernel on the host. */
    public static float[] logprobs(Kernels kernels, Tensor rows, int[] targets, float temperature) {
        Tensor host = Devices.cpu(rows).contiguous();  // the kernels read host memory
        float[] lp = new float[targets.length];
        kernels.logProbs().compute(Tensors.segment(host), Dtype.F32, targets.length, host.size(1), host.size(1),
                MemorySegment.ofArray(targets), temperature, MemorySegment.ofArray(lp), null);
        return lp;
    }
}
