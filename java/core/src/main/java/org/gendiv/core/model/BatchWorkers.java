package org.gendiv.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;

/**
 * Independent batches of inference (sampling, scoring) or of a training step's shards
 * ({@code GradientShards}) run side by side, one per core, each on
 * one LibTorch thread and one OpenBLAS thread, instead of one after another on all the cores.
 * At this project's model sizes (64- to 128-wide layers, a few hundred rows) a matrix product split
 * over two threads spends much of its time waiting: perf put half of generation's samples in
 * OpenBLAS's threaded GEMM's wait loops. Two whole batches on two cores do not wait.
 *
 * <p>A batch computes the same numbers whether it runs alone or beside others: every batch, in
 * turn or side by side, runs its matrix products on one OpenBLAS thread (a product split over two
 * threads rounds differently in its last bits), and so do LibTorch's own ops when there are
 * several batches (its forward ops give the same bits on one thread as on two, but a backward
 * pass's reductions do not). So results do not depend on the worker count or on the machine's
 * cores (RolloutShardTest, ScoringTest and GradientShardsTest check 1 against 2 workers bit for
 * bit; CI compares whole studies). On CUDA batches run one after another.
 */
public final class BatchWorkers {
    private BatchWorkers() {}

    /** LibTorch's thread count when gendiv first ran batches (the cores, or a rank's share under gendiv launch). */
    private static final int CORES = Math.max(1, torch.get_num_threads());

    /** The cores this process runs on: LibTorch's thread count before any batch changed it. */
    public static int cores() {
        return CORES;
    }

    /** The machine's cores while {@link #onAllCores} runs (0: none given). */
    private static volatile int allCores;

    /**
     * How many batches run at once: the system property {@code gendiv.workers} when set (1 runs
     * them in turn), else LibTorch's thread count on the CPU (gendiv launch gives each rank its
     * share of the cores), or the machine's cores inside {@link #onAllCores}; 1 on CUDA.
     */
    public static int count() {
        if (Devices.cuda()) return 1;
        String set = System.getProperty("gendiv.workers");
        if (set == null || set.isBlank()) return allCores > 0 ? allCores : CORES;
        try {
            int n = Integer.parseInt(set.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("gendiv.workers must be a whole number >= 1, got '" + set + "'");
    }

    /** Work that may throw an IOException. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws java.io.IOException;
    }

    /**
     * Runs work with as many batches at once as the machine has cores: for one rank that works
     * alone while the others wait (a distributed study's evaluation), where its own share would
     * leave the other ranks' cores idle. Results do not depend on the worker count.
     */
    public static <T> T onAllCores(Work<T> work) throws java.io.IOException {
        allCores = Runtime.getRuntime().availableProcessors();
        try {
            return work.run();
        } finally {
            allCores = 0;
        }
    }

    /**
     * Inference with a model: batch.apply(i) for i in [0, batches) on {@link #count()} workers,
     * in eval mode (set here once: workers toggling the module's mode themselves would race) and
     * without gradients; results in order, done as in {@link #map}.
     */
    public static <T> List<T> inference(org.bytedeco.pytorch.Module model, int batches, IntFunction<T> batch, IntConsumer done) {
        return inference(model, batches, count(), batch, done);
    }

    /** As above on a given number of workers. */
    public static <T> List<T> inference(org.bytedeco.pytorch.Module model, int batches, int workers, IntFunction<T> batch,
            IntConsumer done) {
        boolean wasTraining = model.is_training();
        model.eval();
        try {
            return map(batches, workers, i -> {
                try (var noGrad = new NoGradGuard()) {  // grad mode is per thread
                    return batch.apply(i);
                }
            }, done);
        } finally {
            model.train(wasTraining);
        }
    }

    /** Work on the items [from, to) of one chunk. */
    @FunctionalInterface
    public interface Chunk<T> {
        T apply(int from, int to);
    }

    /**
     * Inference over items [0, n) in chunks of size (the last one shorter), as {@link #inference}:
     * chunk.apply(from, to) per chunk, results in order; done hears each finished chunk's item count.
     */
    public static <T> List<T> chunks(org.bytedeco.pytorch.Module model, int n, int size, int workers, Chunk<T> chunk, IntConsumer done) {
        return inference(model, (n + size - 1) / size, workers, b -> chunk.apply(b * size, Math.min(n, (b + 1) * size)),
                done == null ? null : b -> done.accept(Math.min(n, (b + 1) * size) - b * size));
    }

    /** As above on {@link #count()} workers. */
    public static <T> List<T> chunks(org.bytedeco.pytorch.Module model, int n, int size, Chunk<T> chunk) {
        return chunks(model, n, size, count(), chunk, null);
    }

    /**
     * batch.apply(i) for i in [0, batches), results in order; done (nullable) hears each batch as
     * it finishes, from one thread at a time. A batch's exception is rethrown here, as it was thrown.
     */
    public static <T> List<T> map(int batches, int workers, IntFunction<T> batch, IntConsumer done) {
        List<T> out = new ArrayList<>(batches);
        int torchThreads = torch.get_num_threads(), blasThreads = openblas_nolapack.blas_get_num_threads();
        // Process-wide, and in turn as well as side by side: a product's last bits depend on how many
        // threads OpenBLAS splits it over, so every batch runs on one and its numbers do not depend
        // on the worker count or the machine's cores.
        openblas_nolapack.blas_set_num_threads(1);
        if (workers <= 1 || batches <= 1) {
            // Several batches in turn run LibTorch's own ops on one thread too, as side by side: a
            // backward pass's reductions (a norm's or a bias's gradient) round by their thread count.
            if (batches > 1) torch.set_num_threads(1);
            try {
                for (int i = 0; i < batches; i++) {
                    try (PointerScope scope = new PointerScope()) {  // a batch's tensors freed with it, as beside others
                        out.add(batch.apply(i));
                    }
                    if (done != null) done.accept(i);
                }
                return out;
            } finally {
                openblas_nolapack.blas_set_num_threads(blasThreads);
                torch.set_num_threads(torchThreads);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(workers, batches), r -> {
            Thread t = new Thread(r, "gendiv-batch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(batches);
            for (int i = 0; i < batches; i++) {
                int b = i;
                futures.add(pool.submit(() -> {
                    torch.set_num_threads(1);  // this thread's own LibTorch ops, unsplit (their results do not depend on it)
                    T r;
                    try (PointerScope scope = new PointerScope()) {
                        r = batch.apply(b);
                    }
                    if (done != null) synchronized (done) {
                        done.accept(b);
                    }
                    return r;
                }));
            }
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while batches ran", e);
        } finally {
            pool.shutdownNow();
            openblas_nolapack.blas_set_num_threads(blasThreads);
            torch.set_num_threads(torchThreads);  // the workers' setting reached LibTorch's global count; the caller's stands again
        }
    }
}
