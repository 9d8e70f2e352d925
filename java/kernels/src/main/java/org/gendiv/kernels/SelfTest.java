package org.gendiv.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import org.gendiv.kernels.reference.ReferenceKernels;

/**
 * Runs every kernel once on a small random case through one backend and device and compares it
 * with {@link ReferenceKernels} (float64). What {@code gendiv selftest} prints.
 */
public final class SelfTest {
    /** One line of the table; error is the largest absolute difference (sampling: plus token mismatches). */
    public record Row(String kernel, Backend backend, String device, double maxError, double tolerance,
            boolean pass, String note) {}

    private final Kernels k;
    private final Mem mem;
    private final SplittableRandom rng = new SplittableRandom(20261124);

    private SelfTest(Kernels k, Mem mem) {
        this.k = k;
        this.mem = mem;
    }

    /** Every kernel on the CPU for both backends, and on CUDA device 0 when one is visible. */
    public static List<Row> runAll() {
        List<Row> rows = new ArrayList<>();
        Optional<CudaMemory> cuda = CudaMemory.open();
        for (Backend b : Backend.values()) {
            rows.addAll(new SelfTest(Kernels.of(b, Device.cpu()), Mem.HOST).run());
            if (cuda.isPresent()) rows.addAll(new SelfTest(Kernels.of(b, Device.cuda(0)), new Mem.OnDevice(cuda.get())).run());
        }
        if (cuda.isEmpty())
            for (Backend b : Backend.values())
                rows.add(new Row("(all kernels)", b, "cuda", Double.NaN, Double.NaN, true,
                        "skipped: " + (Kernels.of(b, Device.cpu()).cudaCompiled() ? "no CUDA device"
                                : "built without CUDA")));
        cuda.ifPresent(CudaMemory::close);
        return rows;
    }

    /** Buffers on the kernel's device: Java arrays on the CPU, cudaMalloc'd copies on CUDA. */
    private interface Mem {
        MemorySegment put(Object array);

        MemorySegment floats(int n);

        MemorySegment ints(int n);

        float[] read(MemorySegment s, int n);

        int[] readInts(MemorySegment s, int n);

        Mem HOST = new Mem() {
            public MemorySegment put(Object a) {
                return switch (a) {
                    case float[] f -> MemorySegment.ofArray(f.clone());
                    case int[] i -> MemorySegment.ofArray(i.clone());
                    case short[] s -> MemorySegment.ofArray(s.clone());
                    default -> throw new IllegalArgumentException();
                };
            }

            public MemorySegment floats(int n) {
                return MemorySegment.ofArray(new float[n]);
            }

            public MemorySegment ints(int n) {
                return MemorySegment.ofArray(new int[n]);
            }

            public float[] read(MemorySegment s, int n) {
                return s.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
            }

            public int[] readInts(MemorySegment s, int n) {
                return s.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_INT);
            }
        };

        record OnDevice(CudaMemory c) implements Mem {
            public MemorySegment put(Object a) {
                return c.upload(a);
            }

            public MemorySegment floats(int n) {
                return c.allocate(4L * n);
            }

            public MemorySegment ints(int n) {
                return c.allocate(4L * n);
            }

            public float[] read(MemorySegment s, int n) {
                return c.downloadFloats(s, n);
            }

            public int[] readInts(MemorySegment s, int n) {
                return c.downloadInts(s, n);
            }
        }
    }

    private float[] normal(int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble(), v = rng.nextDouble();
            x[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    private Row row(String kernel, double err, double tol, String note) {
        return new Row(kernel, k.backend(), k.device().toString(), err, tol, err <= tol, note);
    }

    private List<Row> run() {
        List<Row> out = new ArrayList<>();
        out.add(sampling("sample (T=1)", Params.Sampling.of(1.0f, 7).withStep(3), false));
        out.add(sampling("sample (top-k 50, top-p 0.9, min-p 0.02)",
                Params.Sampling.of(0.8f, 8).withTopK(50).withTopP(0.9f).withMinP(0.02f), false));
        out.add(sampling("sample (greedy)", Params.Sampling.of(0.0f, 9), false));
        out.add(sampling("sample (bf16 logits)", Params.Sampling.of(1.0f, 10), true));
        out.add(logProbs());
        out.add(klPerToken());
        out.add(klRewards());
        out.add(klExact());
        out.add(ppo(false));
        out.add(ppo(true));
        out.add(valueLoss());
        out.add(gae());
        out.add(whiten());
        return out;
    }

    private static short[] toBf16(float[] x) {
        short[] b = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            int u = Float.floatToRawIntBits(x[i]);
            b[i] = (short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
        }
        return b;
    }

    private static float[] fromBf16(short[] b) {
        float[] x = new float[b.length];
        for (int i = 0; i < b.length; i++) x[i] = Float.intBitsToFloat((b[i] & 0xffff) << 16);
        return x;
    }

    private Row sampling(String name, Params.Sampling p, boolean bf16) {
        int rows = 16, vocab = 1003;
        float[] z = normal(rows * vocab, 3.0);
        MemorySegment logits;
        if (bf16) {
            short[] b = toBf16(z);
            z = fromBf16(b);
            logits = mem.put(b);
        } else {
            logits = mem.put(z);
        }
        MemorySegment tok = mem.ints(rows), lp = mem.floats(rows), kept = mem.floats(rows);
        k.sampling().sample(logits, bf16 ? Dtype.BF16 : Dtype.F32, rows, vocab, vocab, null, p, tok, lp, kept);
        int[] t = mem.readInts(tok, rows);
        float[] l = mem.read(lp, rows), km = mem.read(kept, rows);
        double err = 0;
        int mismatches = 0;
        for (int r = 0; r < rows; r++) {
            if (t[r] != ReferenceKernels.sample(z, r * vocab, vocab, r, p)) mismatches++;
            if (p.temperature() > 0) {
                err = Math.max(err, Math.abs(l[r] - ReferenceKernels.logProb(z, r * vocab, vocab, t[r], p.temperature())));
                err = Math.max(err, Math.abs(km[r] - ReferenceKernels.keptMass(z, r * vocab, vocab, p)));
            }
        }
        return row(name, err + mismatches, 1e-4, mismatches + " of " + rows + " tokens differ");
    }

    private Row logProbs() {
        int n = 8, vocab = 2053;
        float t = 0.7f;
        float[] z = normal(n * vocab, 2.0);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(vocab);
        MemorySegment lp = mem.floats(n), h = mem.floats(n);
        k.logProbs().compute(mem.put(z), Dtype.F32, n, vocab, vocab, mem.put(y), t, lp, h);
        float[] l = mem.read(lp, n), e = mem.read(h, n);
        double err = 0;
        for (int i = 0; i < n; i++) {
            err = Math.max(err, Math.abs(l[i] - ReferenceKernels.logProb(z, i * vocab, vocab, y[i], t)));
            err = Math.max(err, Math.abs(e[i] - ReferenceKernels.entropy(z, i * vocab, vocab, t)));
        }
        return row("token_logprobs + entropy", err, 1e-4, "");
    }

    private Row klPerToken() {
        int n = 257;
        float[] a = normal(n, 1.0), b = normal(n, 1.0);
        double err = 0;
        for (Params.KlEstimator e : Params.KlEstimator.values()) {
            MemorySegment out = mem.floats(n);
            k.check(k.calls.klPerToken(k.device(), mem.put(a), mem.put(b), n, e.code, out));
            float[] o = mem.read(out, n);
            for (int i = 0; i < n; i++) err = Math.max(err, Math.abs(o[i] - ReferenceKernels.klEstimate(e, a[i], b[i])));
        }
        return row("kl_per_token (k1, k2, k3)", err, 1e-5, "");
    }

    private Row klRewards() {
        int batch = 4, len = 9, n = batch * len;
        float[] a = normal(n, 1.0), b = normal(n, 1.0), scores = normal(batch, 2.0), mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = (i % len) < 3 + (i / len) * 2 ? 1 : 0;
        var p = new Params.KlReward(0.1f, Params.KlEstimator.K2, 1.5f);
        MemorySegment rw = mem.floats(n), kl = mem.floats(n);
        k.check(k.calls.klRewards(k.device(), mem.put(a), mem.put(b), mem.put(mask), mem.put(scores), batch, len, p, rw, kl));
        float[] got = mem.read(rw, n);
        double err = 0;
        for (int bi = 0; bi < batch; bi++) {
            int last = -1;
            for (int t = 0; t < len; t++) if (mask[bi * len + t] != 0) last = t;
            for (int t = 0; t < len; t++) {
                int i = bi * len + t;
                double want = mask[i] == 0 ? 0 : -0.1 * ReferenceKernels.klEstimate(Params.KlEstimator.K2, a[i], b[i]);
                if (t == last) want += Math.max(-1.5, Math.min(1.5, scores[bi]));
                err = Math.max(err, Math.abs(got[i] - want));
            }
        }
        return row("kl_rewards", err, 1e-5, "");
    }

    private Row klExact() {
        int n = 6, vocab = 3001;
        float[] a = normal(n * vocab, 2.0), b = normal(n * vocab, 2.0);
        MemorySegment out = mem.floats(n);
        k.kl().exact(mem.put(a), mem.put(b), Dtype.F32, n, vocab, vocab, vocab, 1.2f, out);
        float[] o = mem.read(out, n);
        double err = 0;
        for (int i = 0; i < n; i++) err = Math.max(err, Math.abs(o[i] - ReferenceKernels.klExact(a, i * vocab, b, i * vocab, vocab, 1.2f)));
        return row("kl_exact", err, 1e-4, "");
    }

    private Row ppo(boolean inPlace) {
        int n = 12, vocab = 517;
        float[] z = normal(n * vocab, 2.0), old = new float[n], adv = normal(n, 1.0), mask = new float[n];
        int[] act = new int[n];
        var p = Params.Ppo.study().withEntropyCoef(0.01f).withTemperature(0.9f).withDualClip(3.0f);
        for (int i = 0; i < n; i++) {
            act[i] = rng.nextInt(vocab);
            old[i] = (float) (ReferenceKernels.logProb(z, i * vocab, vocab, act[i], 0.9) + 0.6 * (rng.nextDouble() - 0.5));
            mask[i] = i % 5 == 4 ? 0 : 1;
        }
        MemorySegment logits = mem.put(z);
        MemorySegment grad = inPlace ? logits : mem.floats(n * vocab);
        var st = k.ppo().compute(logits, Dtype.F32, n, vocab, vocab, mem.put(act), mem.put(old), mem.put(adv),
                mem.put(mask), p, grad);
        double[] want = ReferenceKernels.ppoLoss(z, n, vocab, act, old, adv, mask, p);
        double[] gWant = ReferenceKernels.ppoGrad(z, n, vocab, act, old, adv, mask, p);
        float[] g = mem.read(grad, n * vocab);
        double err = Math.max(Math.abs(st.loss() - want[0]), Math.abs(st.clipFraction() - want[2]));
        err = Math.max(err, Math.abs(st.entropy() - want[4]));
        for (int i = 0; i < g.length; i++) err = Math.max(err, Math.abs(g[i] - gWant[i]) * 100);  // grads are ~1/n
        return row(inPlace ? "ppo_loss (grad in place)" : "ppo_loss + grad", err, 1e-4, "grad error x100");
    }

    private Row valueLoss() {
        int n = 64;
        float[] v = normal(n, 1.0), old = normal(n, 1.0), ret = normal(n, 1.0), mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = i % 7 == 0 ? 0 : 1;
        MemorySegment grad = mem.floats(n);
        float[] stats = new float[3];
        k.check(k.calls.valueLoss(k.device(), mem.put(v), mem.put(old), mem.put(ret), mem.put(mask), n, 0.2f, grad, stats));
        double[] gWant = new double[n];
        double[] want = ReferenceKernels.valueLoss(v, old, ret, mask, 0.2f, gWant);
        float[] g = mem.read(grad, n);
        double err = Math.abs(stats[0] - want[0]);
        for (int i = 0; i < n; i++) err = Math.max(err, Math.abs(g[i] - gWant[i]));
        return row("value_loss + grad", err, 1e-5, "");
    }

    private Row gae() {
        int batch = 5, len = 17, n = batch * len;
        float[] r = normal(n, 1.0), v = normal(n, 1.0), mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = (i % len) < 4 + 3 * (i / len) ? 1 : 0;
        MemorySegment adv = mem.floats(n), ret = mem.floats(n);
        k.check(k.calls.gae(k.device(), mem.put(r), mem.put(v), mem.put(mask), batch, len, 1.0f, 0.95f, adv, ret));
        double[][] want = ReferenceKernels.gae(r, v, mask, batch, len, 1.0, 0.95f);
        float[] a = mem.read(adv, n), rt = mem.read(ret, n);
        double err = 0;
        for (int i = 0; i < n; i++) err = Math.max(err, Math.max(Math.abs(a[i] - want[0][i]), Math.abs(rt[i] - want[1][i])));
        return row("gae", err, 1e-4, "");
    }

    private Row whiten() {
        int n = 101;
        float[] x = normal(n, 3.0), mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = i % 3 == 0 ? 0 : 1;
        MemorySegment out = mem.floats(n);
        k.check(k.calls.maskedWhiten(k.device(), mem.put(x), mem.put(mask), n, true, out));
        double[] want = ReferenceKernels.whiten(x, mask, true);
        float[] o = mem.read(out, n);
        double err = 0;
        for (int i = 0; i < n; i++) err = Math.max(err, Math.abs(o[i] - want[i]));
        return row("masked_whiten", err, 1e-5, "");
    }
}
