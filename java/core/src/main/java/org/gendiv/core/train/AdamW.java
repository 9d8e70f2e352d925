package org.gendiv.core.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW (Loshchilov and Hutter) written out on LibTorch tensors, so its whole state is a set of
 * named tensors the checkpoint saves and a resumed run restores bit for bit. Decoupled weight
 * decay applies to matrices (embeddings and projections), not to biases and norms (nanoGPT's rule).
 */
public final class AdamW {
    private final OptimConfig c;
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
    private final Tensor steps = torch.zeros(1);  // steps taken, as a tensor so the checkpoint carries it

    public AdamW(Map<String, Tensor> namedParams, OptimConfig c) {
        this.c = c;
        try (var g = new NoGradGuard()) {
            namedParams.forEach((name, p) -> {
                if (!p.requires_grad()) return;  // frozen: no state, never updated
                names.add(name);
                params.add(p);
                m.add(torch.zeros_like(p));
                v.add(torch.zeros_like(p));
            });
        }
    }

    /** The parameters it updates (the trainable ones), in a fixed order. */
    public List<Tensor> parameters() {
        return Collections.unmodifiableList(params);
    }

    public void zeroGrad() {
        for (Tensor p : params) if (p.grad().defined()) p.grad().zero_();
    }

    /** Scales the gradients so their global L2 norm is at most maxNorm (0 = off); returns the norm before. */
    public double clipGradNorm(double maxNorm) {
        double sq = 0;
        for (Tensor p : params) if (p.grad().defined()) sq += p.grad().pow(new Scalar(2.0)).sum().item_double();
        double norm = Math.sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm) {
            Scalar scale = new Scalar(maxNorm / (norm + 1e-6));
            try (var g = new NoGradGuard()) {
                for (Tensor p : params) if (p.grad().defined()) p.grad().mul_(scale);
            }
        }
        return norm;
    }

    public void step(double lr) {
        try (var g = new NoGradGuard()) {
            double t = steps.item_double() + 1;
            steps.fill_(new Scalar(t));
            double bc1 = 1 - Math.pow(c.beta1(), t), bc2 = 1 - Math.pow(c.beta2(), t);
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i), grad = p.grad();
                if (!grad.defined()) continue;
                if (c.weightDecay() > 0 && p.dim() >= 2) p.mul_(new Scalar(1 - lr * c.weightDecay()));
                m.get(i).mul_(new Scalar(c.beta1())).add_(grad, new Scalar(1 - c.beta1()));
                v.get(i).mul_(new Scalar(c.beta2())).addcmul_(grad, grad, new Scalar(1 - c.beta2()));
                Tensor denom = v.get(i).sqrt().div_(new Scalar(Math.sqrt(bc2))).add_(new Scalar(c.eps()));
                p.addcdiv_(m.get(i), denom, new Scalar(-lr / bc1));
            }
        }
    }

    /** The optimizer's state by name, for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            s.put("adamw.m." + names.get(i), m.get(i));
            s.put("adamw.v." + names.get(i), v.get(i));
        }
        s.put("adamw.steps", steps);
        return s;
    }
}
