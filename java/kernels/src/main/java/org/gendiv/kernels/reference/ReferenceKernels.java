package org.gendiv.kernels.reference;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.gendiv.kernels.Params;

/**
 * The kernels' formulas in plain float64 Java, one obvious loop each, written from
 * docs/design.md and independent of the C++ code. The control that the native kernels
 * (both bindings, CPU and CUDA) are tested against, and what {@code gendiv selftest} runs.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    /** logsumexp(z/T) over row [off, off + vocab). */
    public static double logSumExp(float[] z, int off, int vocab, double t) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) m = Math.max(m, z[off + i] / t);
        if (m == Double.NEGATIVE_INFINITY) return m;
        double s = 0;
        for (int i = 0; i < vocab; i++) s += Math.exp(z[off + i] / t - m);
        return m + Math.log(s);
    }

    public static double logProb(float[] z, int off, int vocab, int y, double t) {
        return z[off + y] / t - logSumExp(z, off, vocab, t);
    }

    /** Entropy of softmax(z/T); tokens of probability 0 contribute 0. */
    public static double entropy(float[] z, int off, int vocab, double t) {
        double lse = logSumExp(z, off, vocab, t), h = 0;
        for (int i = 0; i < vocab; i++) {
            double lp = z[off + i] / t - lse;
            if (lp != Double.NEGATIVE_INFINITY) h -= Math.exp(lp) * lp;
        }
        return h;
    }

    /** KL(softmax(a/T) || softmax(b/T)). */
    public static double klExact(float[] a, int offA, float[] b, int offB, int vocab, double t) {
        double la = logSumExp(a, offA, vocab, t), lb = logSumExp(b, offB, vocab, t), kl = 0;
        for (int i = 0; i < vocab; i++) {
            double lpa = a[offA + i] / t - la, lpb = b[offB + i] / t - lb;
            if (lpa != Double.NEGATIVE_INFINITY) kl += Math.exp(lpa) * (lpa - lpb);
        }
        return kl;
    }

    /** k1, k2, k3 of r = ref - logp. */
    public static double klEstimate(Params.KlEstimator e, double logp, double refLogp) {
        double r = refLogp - logp;
        return switch (e) {
            case K1 -> -r;
            case K2 -> r * r / 2;
            case K3 -> Math.expm1(r) - r;
        };
    }

    /** The kept set of a row in rank order (value desc, index asc): top-k, then top-p on it, then min-p. */
    public static int[] keptSet(float[] z, int off, int vocab, Params.Sampling p) {
        double t = p.temperature();
        Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -z[off + i]).thenComparingInt(i -> i));
        int kept = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        double lse = logSumExp(z, off, vocab, t);
        if (p.topP() < 1) {
            double total = 0;
            for (int i = 0; i < kept; i++) total += Math.exp(z[off + order[i]] / t - lse);
            double cum = 0;
            for (int i = 0; i < kept; i++) {
                cum += Math.exp(z[off + order[i]] / t - lse);
                if (cum >= p.topP() * total) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (p.minP() > 0) {
            double floor = Math.exp(z[off + order[0]] / t - lse) * p.minP();
            int i = 1;
            while (i < kept && Math.exp(z[off + order[i]] / t - lse) >= floor) i++;
            kept = i;
        }
        int[] out = new int[kept];
        for (int i = 0; i < kept; i++) out[i] = order[i];
        return out;
    }

    /** The sampling distribution: softmax(z/T) restricted to the kept set and renormalised. */
    public static double[] samplingDistribution(float[] z, int off, int vocab, Params.Sampling p) {
        double[] q = new double[vocab];
        double lse = logSumExp(z, off, vocab, p.temperature()), s = 0;
        for (int v : keptSet(z, off, vocab, p)) s += q[v] = Math.exp(z[off + v] / p.temperature() - lse);
        for (int v = 0; v < vocab; v++) q[v] /= s;
        return q;
    }

    /** Mass of softmax(z/T) on the kept set. */
    public static double keptMass(float[] z, int off, int vocab, Params.Sampling p) {
        double lse = logSumExp(z, off, vocab, p.temperature()), s = 0;
        for (int v : keptSet(z, off, vocab, p)) s += Math.exp(z[off + v] / p.temperature() - lse);
        return s;
    }

    /** The token drawn: greedy at T = 0 (lowest index on ties), else Gumbel-max over the kept set. */
    public static int sample(float[] z, int off, int vocab, long rowId, Params.Sampling p) {
        if (p.temperature() == 0) {
            int best = 0;
            for (int v = 1; v < vocab; v++) if (z[off + v] > z[off + best]) best = v;
            return best;
        }
        int best = -1;
        double bestKey = Double.NEGATIVE_INFINITY;
        for (int v : keptSet(z, off, vocab, p)) {
            double key = (double) (z[off + v] * (1.0f / p.temperature())) + Philox.gumbel(p.seed(), rowId, p.step(), v);
            if (key > bestKey || (key == bestKey && v < best)) {
                bestKey = key;
                best = v;
            }
        }
        return best;
    }

    /** Clipped surrogate per token, and its derivative in logp: {loss, dloss/dlogp, clipped}. */
    public static double[] ppoToken(double logp, double old, double adv, Params.Ppo p) {
        double lr = logp - old;
        double lrc = Math.max(-p.logRatioClamp(), Math.min(p.logRatioClamp(), lr));
        double ratio = Math.exp(lrc);
        double rc = Math.max(1 - p.epsLow(), Math.min(1 + p.epsHigh(), ratio));
        double a = -adv * ratio, b = -adv * rc;
        double loss = Math.max(a, b), grad = b > a ? 0 : -adv * ratio;
        if (p.dualClip() > 0 && adv < 0 && loss > -p.dualClip() * adv) {
            loss = -p.dualClip() * adv;
            grad = 0;
        }
        return new double[] {loss, lrc != lr ? 0 : grad, b > a ? 1 : 0};
    }

    /** {loss, policy loss, clip fraction, approx KL, entropy, mask sum} of the PPO loss on logits [n, vocab]. */
    public static double[] ppoLoss(float[] z, int n, int vocab, int[] actions, float[] old, float[] adv, float[] mask,
            Params.Ppo p) {
        double t = p.temperature(), msum = 0, pg = 0, clip = 0, akl = 0, ent = 0;
        for (int i = 0; i < n; i++) msum += mask[i];
        if (msum == 0) return new double[6];
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) continue;
            double lp = logProb(z, i * vocab, vocab, actions[i], t);
            double[] tok = ppoToken(lp, old[i], adv[i], p);
            double lr = Math.max(-p.logRatioClamp(), Math.min(p.logRatioClamp(), lp - old[i]));
            pg += mask[i] * tok[0];
            clip += mask[i] * tok[2];
            akl += mask[i] * (Math.expm1(lr) - lr);
            ent += mask[i] * entropy(z, i * vocab, vocab, t);
        }
        return new double[] {(pg - p.entropyCoef() * ent) / msum, pg / msum, clip / msum, akl / msum, ent / msum, msum};
    }

    /** d loss / d logits of {@link #ppoLoss}, by the chain rule through log-softmax and entropy. */
    public static double[] ppoGrad(float[] z, int n, int vocab, int[] actions, float[] old, float[] adv, float[] mask,
            Params.Ppo p) {
        double t = p.temperature(), msum = 0;
        for (int i = 0; i < n; i++) msum += mask[i];
        double[] g = new double[n * vocab];
        if (msum == 0) return g;
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) continue;
            int off = i * vocab;
            double lse = logSumExp(z, off, vocab, t), h = entropy(z, off, vocab, t);
            double dl = ppoToken(z[off + actions[i]] / t - lse, old[i], adv[i], p)[1];
            double w = mask[i] / msum;
            for (int v = 0; v < vocab; v++) {
                double lpv = z[off + v] / t - lse, pv = Math.exp(lpv);
                double dEnt = pv == 0 ? 0 : -pv * (lpv + h) / t;  // dH/dz_v
                g[off + v] = w * (dl * ((v == actions[i] ? 1 : 0) - pv) / t - p.entropyCoef() * dEnt);
            }
        }
        return g;
    }

    /** {loss, clip fraction} and grad of 0.5 masked_mean(max((v-R)^2, (clip(v)-R)^2)). */
    public static double[] valueLoss(float[] v, float[] old, float[] ret, float[] mask, double eps, double[] gradOut) {
        double msum = 0, loss = 0, clipped = 0;
        for (float m : mask) msum += m;
        for (int i = 0; i < v.length; i++) {
            double d = (double) v[i] - old[i], a = (v[i] - ret[i]) * (double) (v[i] - ret[i]);
            boolean outside = Math.abs(d) > eps;  // inside the band the clipped value is v itself
            double vc = old[i] + Math.signum(d) * eps, b = outside ? (vc - ret[i]) * (vc - ret[i]) : a;
            boolean clip = b > a;
            double g = clip ? 0 : v[i] - ret[i];
            if (mask[i] != 0) {
                loss += mask[i] * 0.5 * Math.max(a, b);
                clipped += mask[i] * (clip ? 1 : 0);
            }
            if (gradOut != null) gradOut[i] = mask[i] != 0 && msum > 0 ? mask[i] * g / msum : 0;
        }
        return msum == 0 ? new double[2] : new double[] {loss / msum, clipped / msum};
    }

    /** GAE with returns; a masked position gets 0 and ends the recursion. Returns {advantages, returns}. */
    public static double[][] gae(float[] r, float[] v, float[] mask, int batch, int len, double gamma, double lambda) {
        double[] adv = new double[batch * len], ret = new double[batch * len];
        for (int b = 0; b < batch; b++) {
            double nextV = 0, nextA = 0;
            for (int t = len - 1; t >= 0; t--) {
                int i = b * len + t;
                if (mask[i] == 0) {
                    nextV = nextA = 0;
                    continue;
                }
                adv[i] = r[i] + gamma * nextV - v[i] + gamma * lambda * nextA;
                ret[i] = adv[i] + v[i];
                nextV = v[i];
                nextA = adv[i];
            }
        }
        return new double[][] {adv, ret};
    }

    /** Masked whitening with the Bessel-corrected variance; masked-out entries 0. */
    public static double[] whiten(float[] x, float[] mask, boolean shiftMean) {
        double msum = 0, sum = 0, ss = 0;
        for (int i = 0; i < x.length; i++) {
            msum += mask[i];
            sum += mask[i] * x[i];
        }
        double mean = sum / msum;
        for (int i = 0; i < x.length; i++) ss += mask[i] * (x[i] - mean) * (x[i] - mean);
        double std = Math.sqrt(ss / (msum - 1) + 1e-8);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = mask[i] == 0 ? 0 : (x[i] - mean) / std + (shiftMean ? 0 : mean);
        return out;
    }
}
