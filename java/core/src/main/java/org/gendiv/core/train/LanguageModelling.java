package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
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
        Tensor[] lossAndCount = loss(batch);
        group.sum(lossAndCount[1]);  // the global count of learned tokens
        lossAndCount[0].div(lossAndCount[1]).backward();
        group.sumGradients(adam.parameters());
        double norm = adam.clipGradNorm(optim.gradClip());
        adam.step(lr);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", group.sum(lossAndCount[0].item_double()) / lossAndCount[1].item_double());
        m.put("lr", lr);
        m.put("grad_norm", norm);
        return m;
    }

    /** Summed negative log-likelihood of the learned tokens, and their count. */
    Tensor[] loss(List<Example> batch) {
        List<int[]> rows = new ArrayList<>();
        for (Example e : batch) rows.add(e.tokens());
        Batches.Padded p = Batches.rightPad(rows, 0);
        int w = p.width() - 1;
        long[] x = new long[p.rows() * w], y = new long[p.rows() * w];
        float[] mask = new float[p.rows() * w];
        for (int r = 0; r < p.rows(); r++)
            for (int j = 0; j < w; j++) {
                x[r * w + j] = p.tokens()[r * p.width() + j];
                y[r * w + j] = p.tokens()[r * p.width() + j + 1];
                mask[r * w + j] = j + 1 >= batch.get(r).promptLength() && j + 1 < p.lengths()[r] ? 1f : 0f;
            }
        Tensor logits = model.forward(Tensor.create(x, p.rows(), w));
        Tensor logp = torch.log_softmax(logits, 2).gather(2, Devices.to(Tensor.create(y, p.rows(), w, 1))).squeeze(2);
        Tensor m = Devices.to(Tensor.create(mask, p.rows(), w));
        return new Tensor[] {logp.mul(m).sum().neg(), m.sum()};
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
