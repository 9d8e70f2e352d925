package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;

/** One training stage as {@link Trainer} drives it: a number of steps, each an optimisation step. */
public interface Stage {
    /** Short name for progress and logs ("sft", "rm", "ppo", ...). */
    String name();

    int steps();

    /** One step (the trainer opens a PointerScope around it and seeds LibTorch's RNG); returns its metrics. */
    Map<String, Double> step(int step);

    /** Held-out metrics (empty when the stage has none). */
    Map<String, Double> evaluate();

    /** The metric the progress bar shows. */
    String keyMetric();

    /** Every tensor a bit-exact resume needs: parameters, optimizer moments, controller state. */
    Map<String, Tensor> state();

    /**
     * From now on each step works on this rank's share of the global batch and sums what the
     * ranks computed (gradients, counts, statistics) over the group, so that the ranks together
     * take the step one process would take on the whole batch. Stages that cannot say so.
     */
    default void distribute(Group group) {
        if (group.size() > 1) throw new Configs.BadConfig(name() + " cannot train on several ranks");
    }

    /** Writes the stage's result (a model directory). */
    void export(Path dir) throws IOException;
}
