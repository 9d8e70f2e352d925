package org.gendiv.core.model;

import java.util.List;
import java.util.Locale;

import org.gendiv.diversity.JsonErrors;

/**
 * What sets one decoder family apart from another, beyond the sizes in {@link GptConfig}:
 * <ul>
 *   <li>GPT-2: learned positions, pre-LayerNorm, fused QKV with biases, GELU (tanh) MLP, tied head.</li>
 *   <li>OPT: learned positions offset by 2, LayerNorm before or after each sub-layer ({@code preNorm}),
 *       separate Q/K/V with biases, ReLU MLP, optional project_in/out when the embedding width
 *       ({@code projDim}) differs from the hidden width, tied head.</li>
 *   <li>LLaMA (also Mistral, Qwen2): no position embeddings but rotary ones on Q and K
 *       ({@code rope}, with its scaling), RMSNorm, grouped-query attention ({@code kvHeads}),
 *       SwiGLU MLP, optional Q/K/V biases (Qwen2), tied or untied head, and optionally a sliding
 *       attention window per layer (Mistral, Qwen2).</li>
 * </ul>
 * {@code modelType} is Hugging Face's model_type, written back to config.json on save.
 * {@code rope} is null for the families with learned positions. {@code windows} gives each
 * layer's sliding window (a query at index i sees the keys at indices in (i - window, i]; 0 =
 * the whole causal past); an empty list means no layer has one.
 */
public record Arch(Family family, String modelType, int kvHeads, int ffn, double normEps, boolean preNorm,
        boolean tiedHead, boolean attnBias, int projDim, Rope rope, List<Integer> windows, String activation) {

    public Arch {
        windows = List.copyOf(windows);
    }

    public enum Family {
        GPT2, OPT, LLAMA;

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** GPT-2 with its usual sizes: MLP 4x wide, LayerNorm eps 1e-5, GELU (tanh approximation). */
    public static Arch gpt2(int heads, int width) {
        return new Arch(Family.GPT2, "gpt2", heads, 4 * width, 1e-5, true, true, true, width, null, List.of(), "gelu_new");
    }

    /** The sliding window of layer i (0 = none). */
    public int window(int layer) {
        return windows.isEmpty() ? 0 : windows.get(layer);
    }

    Arch check(int heads, int width, int layers) {
        if (kvHeads < 1 || heads % kvHeads != 0)
            throw new IllegalArgumentException("num_key_value_heads must divide the heads (" + heads + "), got " + kvHeads);
        if (ffn < 1) throw new IllegalArgumentException("the MLP width must be >= 1, got " + ffn);
        if (!(normEps > 0)) throw new IllegalArgumentException("the norm epsilon must be > 0, got " + normEps);
        if (projDim < 1) throw new IllegalArgumentException("word_embed_proj_dim must be >= 1, got " + projDim);
        if (family != Family.OPT && projDim != width)
            throw new IllegalArgumentException("only OPT may embed at a width (" + projDim + ") other than the hidden width (" + width + ")");
        if ((family == Family.LLAMA) != (rope != null))
            throw new IllegalArgumentException(family.lower() + (rope == null ? " needs rotary positions" : " has no rotary positions"));
        if (rope != null) rope.check();
        if (!windows.isEmpty() && windows.size() != layers)
            throw new IllegalArgumentException("sliding windows are given for " + windows.size() + " layers, the model has " + layers);
        for (int w : windows) if (w < 0) throw new IllegalArgumentException("a sliding window must be >= 0, got " + w);
        if (family != Family.LLAMA && windows.stream().anyMatch(w -> w > 0))
            throw new IllegalArgumentException(family.lower() + " has no sliding attention window");
        if (family == Family.LLAMA && (width / heads) % 2 != 0)
            throw new IllegalArgumentException("rotary embeddings need an even head size, got " + width / heads);
        if (family != Family.LLAMA && kvHeads != heads)
            throw new IllegalArgumentException(family.lower() + " has no grouped-query attention (kv heads " + kvHeads + " != heads " + heads + ")");
        switch (activation) {
            case "gelu_new", "gelu", "relu", "silu" -> {}
            default -> throw new IllegalArgumentException("activation " + JsonErrors.printable(activation) + " is not supported (supported: gelu_new, gelu, relu, silu)");
        }
        return this;
    }
}
