package org.gendiv.core.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import com.google.gson.JsonObject;

import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Progress;
import org.gendiv.core.io.RunDir;

/**
 * The loop every stage shares, top to bottom: resume from the last checkpoint if asked, then for
 * each step seed LibTorch's RNG from (seed, step), run the step inside its own PointerScope, log
 * its metrics, evaluate and checkpoint at their intervals; export the model at the end. Seeding
 * per step (and drawing batches from (seed, step), see {@link Batches}) is what makes a resumed
 * run end with the same weights as an uninterrupted one.
 *
 * <p>On several ranks ({@link #group}) every rank steps through the same loop on its share of each
 * global batch ({@link Stage#distribute}); rank 0 alone reads and writes the run directory, and
 * its parameters and optimizer state are broadcast to the others before the first step, so a
 * run resumes with any world size that divides its batches.
 */
public final class Trainer {
    /** How often to log, evaluate and checkpoint (0 = only at the end), and the run's seed. */
    public record Schedule(int logEvery, int evalEvery, int checkpointEvery, long seed) {
        public Schedule {
            if (logEvery < 1) throw new IllegalArgumentException("log_every must be >= 1, got " + logEvery);
            if (evalEvery < 0) throw new IllegalArgumentException("eval_every must be >= 0, got " + evalEvery);
            if (checkpointEvery < 0)
                throw new IllegalArgumentException("checkpoint_every must be >= 0, got " + checkpointEvery);
        }
    }

    private final RunDir run;
    private final Schedule schedule;
    private boolean quiet;
    private Group group = Group.single();
    private IntConsumer afterStep = s -> {};

    public Trainer(RunDir run, Schedule schedule) {
        this.run = run;
        this.schedule = schedule;
    }

    public Trainer quiet(boolean q) {
        quiet = q;
        return this;
    }

    /** Trains data-parallel on the group's ranks (default: alone). */
    public Trainer group(Group g) {
        group = g;
        return this;
    }

    /** Called after each finished step (and its checkpoint): tests use it to kill a run midway. */
    public Trainer afterStep(IntConsumer hook) {
        afterStep = hook;
        return this;
    }

    /**
     * A loss that is no longer finite: training stopped without saving, so the last checkpoint on
     * disk (if any) is the last good state.
     */
    public static final class Diverged extends IllegalArgumentException {
        Diverged(String message) {
            super(message);
        }
    }

    /** Runs the stage to its last step; returns the final held-out metrics. Releases the run directory's lock. */
    public Map<String, Double> run(Stage stage, boolean resume) throws IOException {
        try {
            return steps(stage, resume);
        } finally {
            if (group.isMain()) run.release();
        }
    }

    private Map<String, Double> steps(Stage stage, boolean resume) throws IOException {
        int start = 0;
        boolean main = group.isMain();
        if (resume && main) {
            start = run.checkpointStep();
            if (start > stage.steps())
                throw new Configs.BadConfig(run.root.resolve("checkpoint/state.json") + ": step " + start + " is past the run's "
                        + stage.steps() + " steps");
            if (start > 0) run.loadCheckpoint(stage.state());
            run.truncateMetrics(start);
            if (!quiet) System.err.println(stage.name() + ": resuming at step " + start + " of " + stage.steps());
        }
        if (group.size() > 1) {
            stage.distribute(group);
            start = (int) group.sum(start);  // rank 0's step; the others hold 0
            group.broadcast(stage.state().values());
        }
        Progress bar = new Progress(stage.name(), stage.steps());
        if (quiet || !main) bar.quiet();
        String shown = "";
        Map<String, Double> finalEval = null;
        for (int step = start; step < stage.steps(); step++) {
            Map<String, Double> m;
            double inCollectives = group.collectiveSeconds();
            try (PointerScope scope = new PointerScope()) {
                torch.manual_seed(schedule.seed() * 1_000_003L + step);
                m = stage.step(step);
            }
            if (group.size() > 1) m = merge(m, Map.of("time_collectives", group.collectiveSeconds() - inCollectives));
            requireFiniteLoss(stage, step, m);
            int done = step + 1;
            boolean last = done == stage.steps();
            boolean evaluated = schedule.evalEvery() > 0 && done % schedule.evalEvery() == 0 || last;
            if (evaluated) {
                finalEval = evaluate(stage);
                m = merge(m, prefixed(finalEval));
            }
            if (main && (done % schedule.logEvery() == 0 || evaluated)) run.appendMetrics(line(step, m));
            if (m.containsKey(stage.keyMetric()))
                shown = String.format(Locale.ROOT, "%s %.4g", stage.keyMetric(), m.get(stage.keyMetric()));
            if (main && (schedule.checkpointEvery() > 0 && done % schedule.checkpointEvery() == 0 || last)) {
                Map<String, Tensor> state = stage.state();
                requireFiniteState(stage, done, state);
                run.saveCheckpoint(done, state);
            }
            bar.update(done, start, shown);
            afterStep.accept(done);
        }
        if (main) stage.export(run.model());
        group.barrier();  // the model is on disk before any rank reads it
        return finalEval != null ? finalEval : evaluate(stage);
    }

    private void requireFiniteLoss(Stage stage, int step, Map<String, Double> m) throws IOException {
        for (var e : m.entrySet())
            if (e.getKey().endsWith("loss") && !Double.isFinite(e.getValue())) {
                int kept = run.checkpointStep();
                throw new Diverged(stage.name() + ": " + e.getKey() + " is " + e.getValue() + " at step " + (step + 1) + " of "
                        + stage.steps() + ": training diverged (a lower learning rate?); stopped without saving; "
                        + (kept > 0 ? "the checkpoint of step " + kept + " in " + run.root + " is kept as it was"
                                : "no checkpoint had been written"));
            }
    }

    /** Weights or optimizer moments that are NaN or infinite are never saved over the last good checkpoint. */
    private void requireFiniteState(Stage stage, int done, Map<String, Tensor> state) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            for (var e : state.entrySet())
                if (!e.getValue().isfinite().all().item_bool()) {
                    int kept = run.checkpointStep();
                    throw new Diverged(stage.name() + ": " + e.getKey() + " holds NaN or infinite values after step " + done + " of "
                            + stage.steps() + ": training diverged (a lower learning rate?); stopped without saving; "
                            + (kept > 0 ? "the checkpoint of step " + kept + " in " + run.root + " is kept as it was"
                                    : "no checkpoint had been written"));
                }
        }
    }

    private static Map<String, Double> evaluate(Stage stage) {
        try (PointerScope scope = new PointerScope()) {
            return stage.evaluate();
        }
    }

    private static Map<String, Double> prefixed(Map<String, Double> eval) {
        Map<String, Double> e = new LinkedHashMap<>();
        eval.forEach((k, v) -> e.put("eval_" + k, v));
        return e;
    }

    private static Map<String, Double> merge(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static JsonObject line(int step, Map<String, Double> m) {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        m.forEach((k, v) -> {
            if (Double.isFinite(v)) o.addProperty(k, v);
            else o.addProperty(k, v.toString());
        });
        return o;
    }
}
