package org.gendiv.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.EmbeddingImpl;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A decoder-only transformer in plain Java modules (the presets cannot run Java modules inside
 * Sequential/ModuleList), in one of three families ({@link Arch}): GPT-2 (the embedded study's
 * model), OPT and LLaMA. Token embeddings, learned positions (GPT-2, OPT) or rotary ones (LLaMA),
 * the family's blocks ({@link Block}), a final norm and an LM head, tied to the token embeddings
 * unless the family's config says otherwise. {@link #namedParameters()} lists the tensors under
 * Hugging Face's names for the family ("wte.weight", "model.decoder.layers.0.fc1.weight",
 * "model.layers.0.self_attn.q_proj.weight", ...), so checkpoints map one to one.
 */
public final class Gpt extends org.bytedeco.pytorch.Module {
    /** OPT's learned positions start at row 2 of embed_positions (rows 0 and 1 are never used). */
    static final int OPT_POSITION_OFFSET = 2;

    public final GptConfig config;
    final EmbeddingImpl wte, wpe;          // wpe: null for rotary families
    final LinearImpl projectIn, projectOut;  // OPT when the embedding width differs; else null
    final DropoutImpl drop;
    final List<Block> blocks = new ArrayList<>();
    final Norm finalNorm;                   // null for post-LayerNorm OPT
    final LinearImpl untiedHead;            // null when the head is tied to wte
    // Containers made from Java are JavaCPP peers that C++ calls back into (train(), eval()):
    // keep them reachable, or the GC takes the peer and the callback fails.
    private final org.bytedeco.pytorch.Module layersContainer;
    /** Weights of the blocks and projections that multiply every token (for {@link Flops}). */
    private final long matmulWeightsPerToken;

    public Gpt(GptConfig config) {
        this.config = config.check();
        Arch a = config.arch();
        int w = config.width();
        boolean opt = a.family() == Arch.Family.OPT, llama = a.family() == Arch.Family.LLAMA;
        wte = register_module("wte", new EmbeddingImpl(config.vocab(), a.projDim()));
        wpe = llama ? null
                : register_module("wpe", new EmbeddingImpl(config.context() + (opt ? OPT_POSITION_OFFSET : 0), w));
        projectIn = a.projDim() == w ? null : register_module("project_in", Block.linear(a.projDim(), w, false));
        projectOut = a.projDim() == w ? null : register_module("project_out", Block.linear(w, a.projDim(), false));
        drop = register_module("drop", new DropoutImpl(config.dropout()));
        layersContainer = register_module("h", new org.bytedeco.pytorch.Module());
        for (int i = 0; i < config.layers(); i++) {
            Block b = switch (a.family()) {
                case GPT2 -> new Block.Gpt2(config);
                case OPT -> new Block.Opt(config);
                case LLAMA -> new Block.Llama(config);
            };
            blocks.add(layersContainer.register_module(Integer.toString(i), b));
        }
        finalNorm = opt && !a.preNorm() ? null
                : Norm.register(this, "ln_f", llama ? Norm.rms(w, a.normEps()) : Norm.layer(w, a.normEps()));
        untiedHead = a.tiedHead() ? null : register_module("lm_head", Block.linear(a.projDim(), config.vocab(), false));
        initWeights();
        Devices.place(this);
        long weights = 0;
        Map<String, Tensor> inBlocks = new LinkedHashMap<>();
        for (int i = 0; i < blocks.size(); i++) blocks.get(i).names(i + ".", inBlocks);
        for (Tensor t : inBlocks.values()) if (t.dim() == 2) weights += t.numel();
        for (LinearImpl l : new LinearImpl[] {projectIn, projectOut}) if (l != null) weights += l.weight().numel();
        matmulWeightsPerToken = weights;
    }

    /** GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 layers), zero biases. */
    private void initWeights() {
        try (var g = new NoGradGuard()) {
            double std = 0.02, resid = 0.02 / Math.sqrt(2.0 * config.layers());
            wte.weight().normal_(0, std, new GeneratorOptional());
            if (wpe != null) wpe.weight().normal_(0, std, new GeneratorOptional());
            for (Block b : blocks) b.init(std, resid);
            for (LinearImpl l : new LinearImpl[] {projectIn, projectOut, untiedHead}) if (l != null) Block.normal(l, std);
        }
    }

    /** Parameters by their Hugging Face names, in checkpoint order (a tied LM head is not listed). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        String body = switch (config.family()) {
            case GPT2 -> "";
            case OPT -> "model.decoder.";
            case LLAMA -> "model.";
        };
        boolean gpt2 = config.family() == Arch.Family.GPT2;
        m.put(body + (gpt2 ? "wte.weight" : "embed_tokens.weight"), wte.weight());
        if (wpe != null) m.put(body + (gpt2 ? "wpe.weight" : "embed_positions.weight"), wpe.weight());
        if (projectIn != null) Block.put(m, body + "project_in", projectIn);
        if (projectOut != null) Block.put(m, body + "project_out", projectOut);
        String layers = body + (gpt2 ? "h." : "layers.");
        for (int i = 0; i < blocks.size(); i++) blocks.get(i).names(layers + i + ".", m);
        if (finalNorm != null)
            Block.put(m, body + switch (config.family()) {
                case GPT2 -> "ln_f";
                case OPT -> "final_layer_norm";
                case LLAMA -> "norm";
            }, finalNorm);
        if (untiedHead != null) Block.put(m, "lm_head", untiedHead);
        return m;
    }

    /** The width of {@link #hidden}'s output (OPT's word_embed_proj_dim; else the model width). */
    public int hiddenWidth() {
        return config.arch().projDim();
    }

    /** The last layer's hidden states [B, T, hiddenWidth] (after the final norm). */
    public Tensor hidden(Tensor tokens, Tensor positions, Tensor attnMask, KvCache cache) {
        tokens = Devices.to(tokens);
        positions = Devices.to(positions);
        if (attnMask != null) attnMask = Devices.to(attnMask);
        Tensor x = wte.forward(tokens);
        if (projectIn != null) x = projectIn.forward(x);
        if (wpe != null)
            x = x.add(wpe.forward(config.family() == Arch.Family.OPT ? positions.add(new Scalar(OPT_POSITION_OFFSET)) : positions));
        x = drop.forward(x);
        Arch a = config.arch();
        Tensor[] rope = a.rope() == null ? null : Block.Llama.rope(positions, config.headDim(), a.rope());
        long past = cache == null ? 0 : cache.length(), t = tokens.size(1);
        // scaled_dot_product_attention's causal flag aligns top-left: with cached keys, spell it out
        Tensor mask = attnMask != null || past == 0 ? attnMask : causal(t, past);
        Map<Integer, Tensor> windowed = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            int w = a.window(i);
            Tensor layerMask = w == 0 || past + t <= w ? mask
                    : windowed.computeIfAbsent(w, k -> (mask == null ? causal(t, past) : mask).logical_and(window(t, past, k)));
            x = blocks.get(i).forward(x, layerMask, rope, cache == null ? null : cache.layer(i));
        }
        if (finalNorm != null) x = finalNorm.forward(x);
        long rows = tokens.size(0) * t;  // attention: scores and weighted sum, width x (past + t) per query
        Flops.forward(2 * rows * matmulWeightsPerToken + 2 * Flops.matmul(rows, config.width(), past + t) * blocks.size());
        return projectOut == null ? x : projectOut.forward(x);
    }

    /**
     * The t new queries at cache indices past .. past + t - 1 see every key up to their own
     * index: bool [1, 1, t, past + t].
     */
    private static Tensor causal(long t, long past) {
        return keyIndex(t, past).le(queryIndex(t, past));
    }

    /** The keys within a sliding window of w: key index j > query index i - w. */
    private static Tensor window(long t, long past, int w) {
        return keyIndex(t, past).gt(queryIndex(t, past).sub(new Scalar(w)));
    }

    private static Tensor keyIndex(long t, long past) {
        return Devices.to(torch.arange(new Scalar(past + t), new TensorOptions(torch.ScalarType.Long))).view(1, 1, 1, past + t);
    }

    private static Tensor queryIndex(long t, long past) {
        return Devices.to(torch.arange(new Scalar(past), new Scalar(past + t), new TensorOptions(torch.ScalarType.Long)))
                .view(1, 1, t, 1);
    }

    /**
     * Logits [B, T, vocab]. attnMask: null = causal (over the cached keys too), else a bool
     * [B, 1, T, T_keys] (true = attend) indexed by cache position. A layer with a sliding window
     * further limits what each query sees, in cache positions, as transformers does.
     */
    public Tensor forward(Tensor tokens, Tensor positions, Tensor attnMask, KvCache cache) {
        return lmHead(hidden(tokens, positions, attnMask, cache));
    }

    /** The LM head: hidden states [..., hiddenWidth] to logits [..., vocab]. */
    public Tensor lmHead(Tensor hidden) {
        Flops.forward(Flops.matmul(hidden.numel() / hiddenWidth(), hiddenWidth(), config.vocab()));
        return untiedHead != null ? untiedHead.forward(hidden) : hidden.matmul(wte.weight().t());
    }

    /** The last layer's hidden states for unpadded (or right-padded) sequences: positions 0..T-1, causal attention, no cache. */
    public Tensor hidden(Tensor tokens) {
        return hidden(tokens, Positions.rightPadded(tokens.size(0), tokens.size(1)), null, null);
    }

    /**
     * Logits [N, vocab] at the flat positions index (int64 [N], into [B * T]) of unpadded or
     * right-padded sequences: the LM head runs on those positions alone.
     */
    public Tensor logitsAt(Tensor tokens, Tensor index) {
        return lmHead(hidden(tokens).reshape(-1, hiddenWidth()).index_select(0, Devices.to(index)));
    }

    /** Logits for unpadded sequences: positions 0..T-1, causal attention, no cache. */
    public Tensor forward(Tensor tokens) {
        return forward(tokens, Positions.rightPadded(tokens.size(0), tokens.size(1)), null, null);
    }

    /**
     * Freezes the embeddings and the bottom {@code fraction} of the blocks (rounded down), as the
     * study froze 80% of its models' layers; returns the number of frozen blocks. With a tied head,
     * freezing the embeddings freezes the head too. Optimizers skip frozen tensors.
     */
    public int freezeBottom(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("freeze fraction must be in [0, 1], got " + fraction);
        int n = (int) Math.floor(fraction * blocks.size() + 1e-9);
        if (n == 0) return 0;
        List<Tensor> frozen = new ArrayList<>(List.of(wte.weight()));
        if (wpe != null) frozen.add(wpe.weight());
        if (projectIn != null) frozen.add(projectIn.weight());
        Map<String, Tensor> inBlocks = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) blocks.get(i).names("", inBlocks);
        frozen.addAll(inBlocks.values());
        for (Tensor t : frozen) t.requires_grad_(false);
        return n;
    }
}
