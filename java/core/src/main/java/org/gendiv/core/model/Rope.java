package org.gendiv.core.model;

import java.util.Locale;

/**
 * Rotary position embeddings as Hugging Face computes them for the LLaMA family: the inverse
 * frequencies {@code theta^(-2i / head_dim)}, changed by one of the scalings its
 * {@code rope_parameters} (transformers 5) or {@code rope_scaling} (4.x) name, and a factor on
 * cos and sin (YaRN's attention factor; 1 otherwise).
 * <ul>
 *   <li>{@code default}: unscaled.</li>
 *   <li>{@code linear}: every frequency divided by {@code factor} (positions interpolated).</li>
 *   <li>{@code dynamic} (NTK): past {@code originalContext} positions the base grows to
 *       {@code theta * (factor * L / original - (factor - 1))^(d / (d - 2))} for a sequence of L
 *       positions (the largest position id + 1 of the forward pass, as transformers' step-by-step
 *       decoding sees it).</li>
 *   <li>{@code llama3}: wavelengths above {@code original / lowFreqFactor} divided by {@code factor},
 *       below {@code original / highFreqFactor} kept, a smooth blend between.</li>
 *   <li>{@code yarn}: a linear ramp between interpolated and extrapolated frequencies over the
 *       dimensions that the correction range of {@code betaFast} and {@code betaSlow} rotations
 *       selects, and cos and sin scaled by the attention factor ({@code 0.1 ln(factor) + 1}
 *       unless given, or the ratio of the mscale terms).</li>
 * </ul>
 */
public record Rope(Type type, double theta, double factor, int originalContext, double lowFreqFactor,
        double highFreqFactor, double betaFast, double betaSlow, double attentionFactor, boolean truncate) {

    public enum Type {
        DEFAULT, LINEAR, DYNAMIC, LLAMA3, YARN;

        /** Hugging Face's rope_type. */
        public String hfName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The base Hugging Face uses when a config names none. */
    public static final double DEFAULT_THETA = 10000.0;

    public static Rope plain(double theta) {
        return new Rope(Type.DEFAULT, theta, 1, 0, 0, 0, 0, 0, 1, false);
    }

    public static Rope linear(double theta, double factor) {
        return new Rope(Type.LINEAR, theta, factor, 0, 0, 0, 0, 0, 1, false);
    }

    /** originalContext: the max_position_embeddings past which the base grows. */
    public static Rope dynamic(double theta, double factor, int originalContext) {
        return new Rope(Type.DYNAMIC, theta, factor, originalContext, 0, 0, 0, 0, 1, false);
    }

    public static Rope llama3(double theta, double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {
        return new Rope(Type.LLAMA3, theta, factor, originalContext, lowFreqFactor, highFreqFactor, 0, 0, 1, false);
    }

    /** attentionFactor: the factor on cos and sin (transformers' default is {@link #yarnAttentionFactor}). */
    public static Rope yarn(double theta, double factor, int originalContext, double betaFast, double betaSlow,
            double attentionFactor, boolean truncate) {
        return new Rope(Type.YARN, theta, factor, originalContext, 0, 0, betaFast, betaSlow, attentionFactor, truncate);
    }

    /** YaRN's attention factor: 0.1 mscale ln(factor) + 1 (1 for factor <= 1). */
    public static double yarnMscale(double factor, double mscale) {
        return factor <= 1 ? 1.0 : 0.1 * mscale * Math.log(factor) + 1.0;
    }

    public Rope check() {
        if (!(theta > 0) || Double.isInfinite(theta)) throw new IllegalArgumentException("rope_theta must be > 0, got " + theta);
        if (type != Type.DEFAULT && !(factor >= 1) || Double.isInfinite(factor))
            throw new IllegalArgumentException("the rope factor must be >= 1, got " + factor);
        if ((type == Type.DYNAMIC || type == Type.LLAMA3 || type == Type.YARN) && originalContext < 1)
            throw new IllegalArgumentException("original_max_position_embeddings must be >= 1, got " + originalContext);
        if (type == Type.LLAMA3 && !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0))
            throw new IllegalArgumentException("llama3 rope needs high_freq_factor > low_freq_factor > 0, got "
                    + highFreqFactor + " and " + lowFreqFactor);
        if (type == Type.YARN && !(betaFast > 0 && betaSlow > 0))
            throw new IllegalArgumentException("yarn rope needs beta_fast and beta_slow > 0, got " + betaFast + " and " + betaSlow);
        if (!(attentionFactor > 0) || Double.isInfinite(attentionFactor))
            throw new IllegalArgumentException("the rope attention factor must be > 0, got " + attentionFactor);
        return this;
    }

    /** The inverse frequencies [headDim / 2] for a forward pass whose largest position id is maxPosition. */
    public float[] inverseFrequencies(int headDim, long maxPosition) {
        double base = theta;
        if (type == Type.DYNAMIC) {
            double len = Math.max(maxPosition + 1, originalContext);
            base = theta * Math.pow(factor * len / originalContext - (factor - 1), headDim / (headDim - 2.0));
        }
        int half = headDim / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) f[i] = 1.0 / Math.pow(base, 2.0 * i / headDim);
        switch (type) {
            case DEFAULT, DYNAMIC -> {}
            case LINEAR -> { for (int i = 0; i < half; i++) f[i] /= factor; }
            case LLAMA3 -> llama3(f);
            case YARN -> yarn(f, headDim);
        }
        float[] out = new float[half];
        for (int i = 0; i < half; i++) out[i] = (float) f[i];
        return out;
    }

    private void llama3(double[] f) {
        double lowWavelen = originalContext / lowFreqFactor, highWavelen = originalContext / highFreqFactor;
        for (int i = 0; i < f.length; i++) {
            double wavelen = 2 * Math.PI / f[i];
            if (wavelen > lowWavelen) f[i] /= factor;
            else if (wavelen >= highWavelen) {
                double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                f[i] = (1 - smooth) * f[i] / factor + smooth * f[i];
            }
        }
    }

    private void yarn(double[] f, int dim) {
        double low = correctionDim(betaFast, dim), high = correctionDim(betaSlow, dim);
        if (truncate) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) high += 0.001;
        for (int i = 0; i < f.length; i++) {
            double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
            double extrapolation = 1 - ramp;  // the share of the unscaled frequency
            f[i] = f[i] / factor * (1 - extrapolation) + f[i] * extrapolation;
        }
    }

    /** The dimension whose wavelength fits the given number of rotations into the original context. */
    private double correctionDim(double rotations, int dim) {
        return dim * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
