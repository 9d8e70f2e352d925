package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Gpt;

/**
 * Next-token cross-entropy on the tokens after each example's prompt: pretraining (the prompt is
 * just BOS) and SFT (the prompt's tokens are masked, only the response and its EOS are learned).
 */
public final class LanguageModelling implements Stage {
    /** A token sequence whose first promptLength tokens are context only. */
    public record Example(int[] tokens, int promptLength) {}

    private final String name;
    private final Gpt model;
    private final Path tokenizerFile;
    private final List<Example> train, eval;
    private final OptimConfig optim;
    private final int steps, batchSize;
    private final long seed;
    private final AdamW adam;
    private Group group = Group.single();

    public LanguageModelling(String name, Gpt model, Path tokenizerFile, List<Example> train, List<Example> eval,
            OptimConfig optim, int steps, int batchSize, long seed) {
        if (batchSize > train.size())
            throw new Configs.BadConfig("batch_size " + batchSize + " is larger than the data (" + train.size() + " examples)");
        this.name = name;
        this.model = model;
        this.tokenizerFile = tokenizerFile;
        this.train = train;
        this.eval = eval;
        this.optim = optim;
        this.steps = steps;
        this.batchSize = batchSize;
        this.seed = seed;
        model.freezeBottom(optim.freezeFraction());
        this.adam = new AdamW(model.namedParameters(), optim);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public String keyMetric() {
        return "loss";
    }

    @Override
    public void distribute(Group g) {
        g.requireDivides(batchSize, "batch_size");
        group = g;
    }

    /** The mean loss over the learned tokens of the whole global batch: on several ranks, each its share, counts summed first. */
    @Override
    public Map<String, Double> step(int step) {
        model.train(true);
        List<Example> batch = new ArrayList<>();
        for (int i : group.shard(Batches.indices(train.size(), batchSize, step, seed))) batch.add(train.get(i));
        double lr = optim.lrAt(step, steps);
        adam.zeroGrad();
        long own = 0;
        for (Example e : batch) own += learned(e);
        double count = group.sum(own);  // the global count of learned tokens
        List<Double> sums = GradientShards.backward(adam.parameters(), batch.size(), (from, to) -> {
            Tensor[] lc = loss(batch.subList(from, to));
            return new GradientShards.Part<>(lc[0].div(new Scalar(count)), lc[0].item_double());
        });
        group.sumGradients(adam.parameters());
        double norm = adam.clipGradNorm(optim.gradClip());
        adam.step(lr);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", group.sum(sums.stream().mapToDouble(Double::doubleValue).sum()) / count);
        m.put("lr", lr);
        m.put("grad_norm", norm);
        return m;
    }

    /** How many of an example's tokens are learned: those after its prompt (at least the first token, BOS, is context). */
    static int learned(Example e) {
        return Math.max(0, e.tokens().length - Math.max(1, e.promptLength()));
    }

    /**
     * Summed negative log-likelihood of the learned tokens, and their count. The LM head and its
     * log-softmax run on the learned positions alone (an SFT row's prompt is most of it): the same
     * loss and gradients as over every position with the rest masked to zero, to float rounding.
     */
    Tensor[] loss(List<Example> batch) {
        List<int[]> rows = new ArrayList<>();
        for (Example e : batch) rows.add(e.tokens());
        Batches.Padded p = Batches.rightPad(rows, 0);
        int w = p.width() - 1, n = 0;
        long[] x = new long[p.rows() * w], at = new long[p.rows() * w], y = new long[p.rows() * w];
        for (int r = 0; r < p.rows(); r++)
            for (int j = 0; j < w; j++) {
                x[r * w + j] = p.tokens()[r * p.width() + j];
                if (j + 1 >= batch.get(r).promptLength() && j + 1 < p.lengths()[r]) {  // position j predicts token j + 1
                    at[n] = (long) r * w + j;
                    y[n++] = p.tokens()[r * p.width() + j + 1];
                }
            }
        int expected = 0;
        for (Example e : batch) expected += learned(e);
        if (n != expected) throw new IllegalStateException("learned tokens: " + n + " counted, " + expected + " expected");
        Tensor hidden = model.hidden(Tensor.create(x, p.rows(), w));
        Tensor learned = hidden.reshape(-1, model.hiddenWidth()).index_select(0, Devices.to(Tensor.create(Arrays.copyOf(at, n), n)));
        Tensor logp = torch.log_softmax(model.lmHead(learned), 1).gather(1, Devices.to(Tensor.create(Arrays.copyOf(y, n), n, 1)));
        return new Tensor[] {logp.sum().neg(), Devices.to(Tensor.create(new float[] {n})).sum()};
    }

    /** Held-out loss per learned token. */
    @Override
    public Map<String, Double> evaluate() {
        if (eval.isEmpty()) return Map.of();
        boolean was = model.is_training();
        model.eval();
        double sum = 0, count = 0;
        try (var g = new NoGradGuard()) {
            for (int i = 0; i < eval.size(); i += batchSize) {
                Tensor[] lc = loss(eval.subList(i, Math.min(eval.size(), i + batchSize)));
                sum += lc[0].item_double();
                count += lc[1].item_double();
            }
        } finally {
            model.train(was);
        }
        return Map.of("loss", sum / Math.max(count, 1));
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>(model.namedParameters());
        s.putAll(adam.state());
        return s;
    }

    @Override
    public void export(Path dir) throws IOException {
        ModelDir.savePolicy(model, tokenizerFile, dir);
    }
}
