package org.gendiv.core.dist;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.io.Configs;
import org.gendiv.core.model.Devices;

/**
 * The ranks of a data-parallel run, on LibTorch's own distributed engine (c10d): a TCPStore on
 * rank 0 for the rendezvous, and a Gloo process group on CPUs (NCCL when the models run on CUDA,
 * one device per local rank). Collectives are sums, in place, and block until every rank has
 * joined them; a rank that died or hangs makes the others fail within the timeout with
 * {@link Failed}, naming the rank where it can tell. {@link #single()} is the group of a process
 * training alone: every collective is a no-op there, so one code path serves both.
 */
public final class Group implements AutoCloseable {
    private final Env env;
    private final Duration timeout;
    private final TCPStore store;
    private final Backend backend;
    /** Each rank's host and process id, exchanged at the rendezvous, to name a rank that died. */
    private final Peers peers;

    private Group(Env env, Duration timeout, TCPStore store, Backend backend, Peers peers) {
        this.env = env;
        this.timeout = timeout;
        this.store = store;
        this.backend = backend;
        this.peers = peers;
    }

    private static final Group SINGLE = new Group(Env.SINGLE, Duration.ZERO, null, null, new Peers(List.of()));

    public static Group single() {
        return SINGLE;
    }

    /** A collective that could not finish: a peer died, hung past the timeout, or could not be reached. */
    public static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** How long a collective waits for the other ranks by default (GENDIV_DIST_TIMEOUT, seconds, overrides). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    /**
     * The group the environment describes ({@link Env#fromEnvironment()}), its collectives timing out
     * after GENDIV_DIST_TIMEOUT seconds (default 300); {@link #single()} without WORLD_SIZE.
     */
    public static Group fromEnvironment() {
        Env env = Env.fromEnvironment();
        if (!env.distributed()) return single();
        String t = System.getenv("GENDIV_DIST_TIMEOUT");
        Duration timeout = DEFAULT_TIMEOUT;
        if (t != null && !t.isBlank()) {
            try {
                timeout = Duration.ofSeconds(Long.parseLong(t.strip()));
            } catch (NumberFormatException e) {
                timeout = Duration.ZERO;
            }
            if (timeout.isZero() || timeout.isNegative())
                throw new Configs.BadConfig("environment: GENDIV_DIST_TIMEOUT=" + t + " must be a whole number of seconds >= 1");
        }
        return join(env, timeout);
    }

    /** Rendezvous of every rank at MASTER_ADDR:MASTER_PORT (rank 0 serves the store), then the process group. */
    public static Group join(Env env, Duration timeout) {
        if (!env.distributed()) return single();
        String where = env.masterAddr() + ":" + env.masterPort();
        TCPStore store;
        try {
            var o = new TCPStoreOptions();
            o.port((short) env.masterPort());
            o.isServer(env.rank() == 0);
            o.waitWorkers(false);
            o.timeout(new Milliseconds(timeout.toMillis()));
            store = new TCPStore(env.masterAddr(), o);
        } catch (RuntimeException e) {
            throw new Configs.BadConfig("rank " + env.rank() + ": " + (env.rank() == 0
                    ? "cannot serve the rendezvous on " + where + " (port in use, or not an address of this machine?)"
                    : "cannot reach the rendezvous at " + where + " within " + timeout.toSeconds() + " s (MASTER_ADDR / MASTER_PORT?)")
                    + ": " + firstLine(e));
        }
        List<String> peers = new ArrayList<>();
        Backend backend;
        try {
            store.set("gendiv/peer/" + env.rank(), new ByteVector(Peers.self().getBytes(StandardCharsets.UTF_8)));
            for (int r = 0; r < env.worldSize(); r++)
                peers.add(new String(store.get("gendiv/peer/" + r).get(), StandardCharsets.UTF_8));
            backend = Devices.cuda() ? nccl(store, env) : gloo(store, env, timeout);
        } catch (RuntimeException e) {
            throw new Failed("rank " + env.rank() + " of " + env.worldSize() + ": the rendezvous at " + where + " did not complete within "
                    + timeout.toSeconds() + " s (did every rank start?): " + firstLine(e));
        }
        return new Group(env, timeout, store, backend, new Peers(peers));
    }

    private static Backend gloo(TCPStore store, Env env, Duration timeout) {
        var o = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
        String host = env.masterAddr().equals("127.0.0.1") || env.masterAddr().equals("localhost") ? "127.0.0.1" : Peers.hostname();
        o.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname(host)));
        return new ProcessGroupGloo(store, env.rank(), env.worldSize(), o);
    }

    /** NCCL, loaded only on CUDA (its classes link against the CUDA build of LibTorch). */
    private static Backend nccl(TCPStore store, Env env) {
        return new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, env.rank(), env.worldSize());
    }

    public int rank() {
        return env.rank();
    }

    public int size() {
        return env.worldSize();
    }

    public Env env() {
        return env;
    }

    /** Rank 0: the one that writes checkpoints, metrics and results. */
    public boolean isMain() {
        return env.rank() == 0;
    }

    /** Every rank's tensor replaced by the sum over ranks. */
    public void sum(Tensor t) {
        if (backend == null) return;
        run("all-reduce", () -> backend.allreduce(new TensorVector(t))._wait());
    }

    /** The sums over ranks of each value (float64, exact for counts). */
    public double[] sum(double... values) {
        if (backend == null) return values.clone();
        Tensor t = Devices.to(Tensor.create(values));
        sum(t);
        double[] out = new double[values.length];
        Tensor host = Devices.cpu(t);
        for (int i = 0; i < out.length; i++) out[i] = host.get(i).item_double();
        return out;
    }

    /** The sum over ranks of one value. */
    public double sum(double value) {
        return sum(new double[] {value})[0];
    }

    /** Every rank's tensors replaced by rank 0's (parameters and optimizer state at the start of a run). */
    public void broadcast(Collection<Tensor> tensors) {
        if (backend == null) return;
        try (var g = new NoGradGuard()) {
            for (Tensor t : tensors) run("broadcast", () -> backend.broadcast(new TensorVector(t))._wait());
        }
    }

    /**
     * Each parameter's gradient replaced by the sum of every rank's, through one flat buffer (one
     * all-reduce per step). A parameter without a gradient on this rank (its rows had none) takes
     * zeros, so every rank lays the buffer out alike.
     */
    public void sumGradients(List<Tensor> params) {
        if (backend == null || params.isEmpty()) return;
        try (var g = new NoGradGuard()) {
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : params) {
                if (!p.grad().defined()) p.mutable_grad().put(torch.zeros_like(p));
                grads.add(p.grad());
            }
            Tensor flat = torch.cat(new TensorVector(grads.stream().map(x -> x.reshape(-1)).toArray(Tensor[]::new)));
            sum(flat);
            long at = 0;
            for (Tensor grad : grads) {
                long n = grad.numel();
                grad.copy_(flat.narrow(0, at, n).view_as(grad));
                at += n;
            }
        }
    }

    /**
     * Rank 0 marks key done; the other ranks wait for the mark up to timeout (for work only rank 0
     * does that takes longer than a collective's timeout, such as the study's evaluation). Rank 0
     * dying ends the wait at once: the store lives in its process.
     */
    public void await(String key, Duration timeout) {
        if (backend == null) return;
        String k = "gendiv/done/" + key;
        try {
            if (isMain()) store.set(k, new ByteVector((byte) 1));
            else store._wait(new StringVector(k), new Milliseconds(timeout.toMillis()));
        } catch (RuntimeException e) {
            throw new Failed("rank " + rank() + " of " + size() + ": waiting for rank 0 (" + key + ") failed: "
                    + peers.suspect(rank(), timeout) + " (" + firstLine(e) + ")");
        }
    }

    /** Waits for every rank. */
    public void barrier() {
        if (backend == null) return;
        run("barrier", () -> backend.barrier()._wait());
    }

    /** The rank's rows [lo, hi) of a global batch of n rows (n divisible by the group's size). */
    public int[] shard(int n) {
        requireDivides(n, "the global batch");
        int per = n / size();
        return new int[] {rank() * per, (rank() + 1) * per};
    }

    /** This rank's contiguous share of a global batch's items. */
    public int[] shard(int[] global) {
        int[] r = shard(global.length);
        return Arrays.copyOfRange(global, r[0], r[1]);
    }

    /** A global batch is shared out in equal parts: its size must be a multiple of the world size. */
    public void requireDivides(int batch, String what) {
        if (batch % size() != 0)
            throw new Configs.BadConfig(what + " (" + batch + ") must be a multiple of WORLD_SIZE (" + size() + ")");
    }

    /** Seconds this rank has spent in collectives (waiting for the others included). */
    public double collectiveSeconds() {
        return collectiveNanos / 1e9;
    }

    private long collectiveNanos;

    private void run(String what, Runnable collective) {
        long t0 = System.nanoTime();
        try {
            collective.run();
            collectiveNanos += System.nanoTime() - t0;
        } catch (RuntimeException e) {
            throw new Failed("rank " + rank() + " of " + size() + ": " + what + " failed: " + peers.suspect(rank(), timeout) + " (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    @Override
    public void close() {
        if (backend == null) return;
        backend.close();
        store.close();
    }
}
