package org.gendiv.core.train;

/**
 * AdamW with linear warmup then cosine decay to minLrRatio * lr, and global gradient-norm clipping
 * (0 = off). freezeFraction: the bottom fraction of the model's layers (and its embeddings) left
 * untrained, as the study froze 80% of its models' layers ({@link org.gendiv.core.model.Gpt#freezeBottom}).
 */
public record OptimConfig(double lr, double weightDecay, double beta1, double beta2, double eps, int warmupSteps,
        double minLrRatio, double gradClip, double freezeFraction) {
    public static OptimConfig of(double lr) {
        return new OptimConfig(lr,
                0.01,         // weight_decay
                0.9, 0.95,    // beta1, beta2 (nanoGPT's)
                1e-8,         // eps
                10,           // warmup_steps: linear from 0
                0.1,          // min_lr_ratio: the cosine decay ends at lr * 0.1
                1.0,          // grad_clip: the global gradient norm's limit
                0.0);         // freeze_fraction: the share of the bottom layers kept frozen
    }

    public OptimConfig withWarmup(int steps) {
        return new OptimConfig(lr, weightDecay, beta1, beta2, eps, steps, minLrRatio, gradClip, freezeFraction);
    }

    public OptimConfig withFreeze(double fraction) {
        return new OptimConfig(lr, weightDecay, beta1, beta2, eps, warmupSteps, minLrRatio, gradClip, fraction);
    }

    public OptimConfig {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
        if (!(minLrRatio >= 0 && minLrRatio <= 1))
            throw new IllegalArgumentException("min_lr_ratio must be in [0, 1], got " + minLrRatio);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("grad_clip must be >= 0 (0 = off), got " + gradClip);
        if (!(freezeFraction >= 0 && freezeFraction <= 1))
            throw new IllegalArgumentException("freeze_fraction must be in [0, 1], got " + freezeFraction);
    }

    /** The learning rate at a step of totalSteps: warmup, then cosine. */
    public double lrAt(int step, int totalSteps) {
        if (step < warmupSteps) return lr * (step + 1) / warmupSteps;
        int decay = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decay);
        return lr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
