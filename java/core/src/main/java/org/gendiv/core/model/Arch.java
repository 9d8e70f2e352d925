package org.gendiv.core.model;

import java.util.Locale;

/**
 * What sets one decoder family apart from another, beyond the sizes in {@link GptConfig}:
 * <ul>
 *   <li>GPT-2: learned positions, pre-LayerNorm, fused QKV with biases, GELU (tanh) MLP, tied head.</li>
 *   <li>OPT: learned positions offset by 2, LayerNorm before or after each sub-layer ({@code preNorm}),
 *       separate Q/K/V with biases, ReLU MLP, optional project_in/out when the embedding width
 *       ({@code projDim}) differs from the hidden width, tied head.</li>
 *   <li>LLaMA (also Mistral, Qwen2): no position embeddings but rotary ones on Q and K
 *       ({@code ropeTheta}), RMSNorm, grouped-query attention ({@code kvHeads}), SwiGLU MLP,
 *       optional Q/K/V biases (Qwen2), tied or untied head.</li>
 * </ul>
 * {@code modelType} is Hugging Face's model_type, written back to config.json on save.
 */
public record Arch(Family family, String modelType, int kvHeads, int ffn, double normEps, boolean preNorm,
        boolean tiedHead, boolean attnBias, int projDim, double ropeTheta, String activation) {

    public enum Family {
        GPT2, OPT, LLAMA;

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** GPT-2 with its usual sizes: MLP 4x wide, LayerNorm eps 1e-5, GELU (tanh approximation). */
    public static Arch gpt2(int heads, int width) {
        return new Arch(Family.GPT2, "gpt2", heads, 4 * width, 1e-5, true, true, true, width, 0, "gelu_new");
    }

    Arch check(int heads, int width) {
        if (kvHeads < 1 || heads % kvHeads != 0)
            throw new IllegalArgumentException("num_key_value_heads must divide the heads (" + heads + "), got " + kvHeads);
        if (ffn < 1) throw new IllegalArgumentException("the MLP width must be >= 1, got " + ffn);
        if (!(normEps > 0)) throw new IllegalArgumentException("the norm epsilon must be > 0, got " + normEps);
        if (projDim < 1) throw new IllegalArgumentException("word_embed_proj_dim must be >= 1, got " + projDim);
        if (family != Family.OPT && projDim != width)
            throw new IllegalArgumentException("only OPT may embed at a width (" + projDim + ") other than the hidden width (" + width + ")");
        if (family == Family.LLAMA && !(ropeTheta > 0)) throw new IllegalArgumentException("rope_theta must be > 0, got " + ropeTheta);
        if (family == Family.LLAMA && (width / heads) % 2 != 0)
            throw new IllegalArgumentException("rotary embeddings need an even head size, got " + width / heads);
        if (family != Family.LLAMA && kvHeads != heads)
            throw new IllegalArgumentException(family.lower() + " has no grouped-query attention (kv heads " + kvHeads + " != heads " + heads + ")");
        switch (activation) {
            case "gelu_new", "gelu", "relu", "silu" -> {}
            default -> throw new IllegalArgumentException("activation " + activation + " is not supported (supported: gelu_new, gelu, relu, silu)");
        }
        return this;
    }
}
