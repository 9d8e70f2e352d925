package org.gendiv.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.Tensors;
import org.junit.jupiter.api.Test;

/**
 * A batch's gradient from shards side by side: against LibTorch's backward of the whole batch's
 * loss at once (to float rounding), the same bits on one worker as on two, a kernel-style
 * gradient output, and a parameter no shard reaches left as it was.
 */
class GradientShardsTest {
    private static final int ROWS = 6, T = 10, VOCAB = 40;

    private static Gpt model() {
        torch.manual_seed(3);
        Gpt m = new Gpt(new GptConfig(VOCAB, 16, 2, 2, 16, 0.0));
        m.train(true);
        return m;
    }

    private static Tensor batch() {
        SplittableRandom rng = new SplittableRandom(11);
        long[] x = new long[ROWS * T];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(VOCAB);
        return Tensor.create(x, ROWS, T);
    }

    /** Summed next-token NLL of rows [from, to) over the whole batch's token count (the mean, when shards add up). */
    private static Tensor loss(Gpt m, Tensor b, int from, int to) {
        Tensor part = b.narrow(0, from, to - from);
        Tensor logits = m.forward(part.narrow(1, 0, T - 1));
        Tensor logp = torch.log_softmax(logits.reshape(-1, VOCAB), 1).gather(1, part.narrow(1, 1, T - 1).reshape(-1, 1));
        return logp.sum().neg().div(new Scalar((double) ROWS * (T - 1)));
    }

    private static List<Tensor> params(Gpt m) {
        return new ArrayList<>(m.namedParameters().values());
    }

    private static List<float[]> grads(Gpt m) {
        List<float[]> g = new ArrayList<>();
        for (Tensor p : params(m)) g.add(Tensors.floats(p.grad()));
        return g;
    }

    @Test
    void shardsSumToTheWholeBatchsGradient() {
        Tensor b = batch();
        Gpt whole = model();
        loss(whole, b, 0, ROWS).backward();
        List<float[]> want = grads(whole);

        Gpt sharded = model();
        List<Double> losses = GradientShards.backward(params(sharded), ROWS, 2,
                (from, to) -> {
                    Tensor l = loss(sharded, b, from, to);
                    return new GradientShards.Part<>(l, l.item_double());
                });
        assertEquals(GradientShards.count(ROWS), losses.size());
        double sum = losses.stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(loss(whole, b, 0, ROWS).item_double(), sum, 1e-6);
        List<float[]> got = grads(sharded);
        double worst = 0, scale = 0;
        for (int i = 0; i < want.size(); i++)
            for (int j = 0; j < want.get(i).length; j++) {
                worst = Math.max(worst, Math.abs(want.get(i)[j] - got.get(i)[j]));
                scale = Math.max(scale, Math.abs(want.get(i)[j]));
            }
        assertTrue(scale > 0 && worst <= 1e-5 * scale, "max gradient difference " + worst + " (largest " + scale + ")");
    }

    @Test
    void oneWorkerGivesTheBitsOfTwo() {
        Tensor b = batch();
        List<List<float[]>> runs = new ArrayList<>();
        for (int workers : new int[] {1, 2}) {
            Gpt m = model();
            for (int step = 0; step < 2; step++)  // the second adds into the first's gradients
                GradientShards.backward(params(m), ROWS, workers, (from, to) -> new GradientShards.Part<>(loss(m, b, from, to), null));
            runs.add(grads(m));
        }
        for (int i = 0; i < runs.get(0).size(); i++) assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "parameter " + i);
    }

    /** A shard may hand over any output with d loss / d output (as the fused PPO kernel does): the same as backward(gradOutput). */
    @Test
    void aGradientOutputIsBackpropagatedAsGiven() {
        Tensor b = batch();
        Tensor dLogits = torch.randn(ROWS, T, VOCAB);
        Gpt direct = model();
        direct.forward(b).backward(dLogits, new org.bytedeco.pytorch.BoolOptional(), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
        List<float[]> want = grads(direct);
        Gpt sharded = model();
        GradientShards.backward(params(sharded), ROWS, 2, (from, to) -> new GradientShards.Part<>(
                sharded.forward(b.narrow(0, from, to - from)), dLogits.narrow(0, from, to - from), null));
        List<float[]> got = grads(sharded);
        for (int i = 0; i < want.size(); i++)
            for (int j = 0; j < want.get(i).length; j++)
                assertEquals(want.get(i)[j], got.get(i)[j], 1e-5 * (1 + Math.abs(want.get(i)[j])), "parameter " + i + "[" + j + "]");
    }

    @Test
    void aParameterNoShardReachesKeepsItsGradient() {
        Gpt m = model();
        Tensor unused = torch.zeros(3).requires_grad_(true);
        List<Tensor> params = params(m);
        params.add(unused);
        Tensor b = batch();
        GradientShards.backward(params, ROWS, 2, (from, to) -> new GradientShards.Part<>(loss(m, b, from, to), null));
        assertFalse(unused.grad().defined());
        Map<String, Tensor> named = m.namedParameters();
        for (Tensor p : named.values()) assertTrue(p.grad().defined());
    }
}
