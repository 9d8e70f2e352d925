package org.gendiv.core.train;

import java.util.List;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.BatchWorkers;
import org.gendiv.core.model.Devices;

/**
 * A training batch's gradient computed in shards side by side, one per core, each shard's
 * forward and backward on one LibTorch and one OpenBLAS thread ({@link BatchWorkers}), then summed
 * into the parameters' gradients in shard order. At this project's model sizes the ops split over
 * two threads pay for it in synchronisation: a training step of 16 rows x 40 tokens (PPO's
 * minibatch on instructions) is 1.23x faster in two shards side by side, one of 32 x 100
 * (summarisation's SFT) 1.07x (bench/README.md, GradientShardsAb); two threads in one process need
 * no all-reduce, as two ranks of gendiv launch do.
 *
 * <p>The number of shards is the machine's cores (1 on CUDA), not the number of workers, and each
 * shard's gradient is its own tensor until they are added in order, so a step's numbers do not
 * depend on how many workers ran it (1 runs the shards in turn); like LibTorch's thread count
 * before, the cores are part of the platform that decides the last bits. The shards' losses must
 * be scaled so that they sum to the batch's loss (a mean over the whole batch divides each shard's
 * sum by the batch's count).
 */
public final class GradientShards {
    private GradientShards() {}

    /** How many shards a batch of n rows is cut into: one per core on the CPU (fewer when n is smaller), 1 on CUDA. */
    public static int count(int n) {
        return Devices.cuda() ? 1 : Math.max(1, Math.min(BatchWorkers.cores(), n));
    }

    /**
     * What a shard differentiates: a scalar loss (gradOutput null), or any output with the gradient
     * of the loss with respect to it (a fused kernel's backward), and what the step reports of it.
     */
    public record Part<T>(Tensor output, Tensor gradOutput, T stats) {
        public Part(Tensor loss, T stats) {
            this(loss, null, stats);
        }
    }

    /** Builds the loss of rows [from, to) of the batch. */
    @FunctionalInterface
    public interface Shard<T> {
        Part<T> apply(int from, int to);
    }

    /**
     * Adds the gradient of the sum of the shards' losses to params' gradients (as backward() of
     * the batch's loss would, to float rounding), rows [0, n) cut into {@link #count} shards;
     * returns each shard's stats in order. Parameters no shard's loss reaches keep their gradient.
     */
    public static <T> List<T> backward(List<Tensor> params, int n, Shard<T> shard) {
        return backward(params, n, BatchWorkers.count(), shard);
    }

    /** As above on a given number of workers. */
    public static <T> List<T> backward(List<Tensor> params, int n, int workers, Shard<T> shard) {
        int shards = count(n);
        Tensor[][] grads = new Tensor[shards][params.size()];  // only the entries a shard reached are written and read
        try (var noGrad = new NoGradGuard()) {
            for (Tensor[] g : grads)
                for (int i = 0; i < g.length; i++) g[i] = torch.empty_like(params.get(i));
        }
        boolean[][] reached = new boolean[shards][params.size()];
        TensorVector inputs = new TensorVector(params.toArray(Tensor[]::new));
        List<T> stats = BatchWorkers.map(shards, workers, s -> {
            Part<T> part = shard.apply((int) ((long) n * s / shards), (int) ((long) n * (s + 1) / shards));
            TensorVector g = torch.grad(new TensorVector(part.output()), inputs,
                    part.gradOutput() == null ? new TensorVector() : new TensorVector(part.gradOutput()), new BoolOptional(false), false, true);
            try (var noGrad = new NoGradGuard()) {
                for (int i = 0; i < params.size(); i++)
                    if (g.get(i).defined()) {
                        grads[s][i].copy_(g.get(i));
                        reached[s][i] = true;
                    }
            }
            return part.stats();
        }, null);
        try (var noGrad = new NoGradGuard()) {  // added in shard order, into the gradient itself
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                for (int s = 0; s < shards; s++) {
                    if (!reached[s][i]) continue;
                    if (p.grad().defined()) p.grad().add_(grads[s][i]);
                    else p.mutable_grad().put(grads[s][i]);
                }
            }
        }
        return stats;
    }
}
