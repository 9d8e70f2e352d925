package org.gendiv.core.model;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.EmbeddingImpl;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A GPT-2-style decoder in plain Java modules (the presets cannot run Java modules inside
 * Sequential/ModuleList): token and learned position embeddings, pre-LayerNorm blocks of causal
 * self-attention (scaled_dot_product_attention) and a GELU MLP, a final LayerNorm and an LM head
 * tied to the token embeddings. Parameter names follow Hugging Face's GPT-2 ("wte.weight",
 * "h.0.attn.c_attn.weight", ...), so checkpoints map one to one (Linear weights are [out, in],
 * GPT-2's Conv1D stores [in, out]: the checkpoint code transposes).
 */
public final class Gpt extends org.bytedeco.pytorch.Module {
    public final GptConfig config;
    final EmbeddingImpl wte, wpe;
    final DropoutImpl drop;
    final List<Block> blocks = new ArrayList<>();
    final LayerNormImpl lnF;
    // Containers made from Java are JavaCPP peers that C++ calls back into (train(), eval()):
    // keep them reachable, or the GC takes the peer and the callback fails.
    private final org.bytedeco.pytorch.Module layersContainer;

    public Gpt(GptConfig config) {
        this.config = config.check();
        wte = register_module("wte", new EmbeddingImpl(config.vocab(), config.width()));
        wpe = register_module("wpe", new EmbeddingImpl(config.context(), config.width()));
        drop = register_module("drop", new DropoutImpl(config.dropout()));
        layersContainer = register_module("h", new org.bytedeco.pytorch.Module());
        for (int i = 0; i < config.layers(); i++)
            blocks.add(layersContainer.register_module(Integer.toString(i), new Block(config)));
        lnF = register_module("ln_f", new LayerNormImpl(new LongVector(new long[] {config.width()})));
        initWeights();
    }

    /** GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 layers), zero biases. */
    private void initWeights() {
        try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
            double std = 0.02, resid = 0.02 / Math.sqrt(2.0 * config.layers());
            wte.weight().normal_(0, std, new org.bytedeco.pytorch.GeneratorOptional());
            wpe.weight().normal_(0, std, new org.bytedeco.pytorch.GeneratorOptional());
            for (Block b : blocks) {
                LinearImpl[] layers = {b.cAttn, b.cFc, b.attnProj, b.mlpProj};
                for (int i = 0; i < layers.length; i++) {
                    layers[i].weight().normal_(0, i < 2 ? std : resid, new org.bytedeco.pytorch.GeneratorOptional());
                    layers[i].bias().zero_();
                }
            }
        }
    }

    /** Parameters by their Hugging Face GPT-2 names, in checkpoint order (LM head tied: not listed). */
    public java.util.Map<String, Tensor> namedParameters() {
        var m = new java.util.LinkedHashMap<String, Tensor>();
        m.put("wte.weight", wte.weight());
        m.put("wpe.weight", wpe.weight());
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String p = "h." + i + ".";
            m.put(p + "ln_1.weight", b.ln1.weight());
            m.put(p + "ln_1.bias", b.ln1.bias());
            m.put(p + "attn.c_attn.weight", b.cAttn.weight());
            m.put(p + "attn.c_attn.bias", b.cAttn.bias());
            m.put(p + "attn.c_proj.weight", b.attnProj.weight());
            m.put(p + "attn.c_proj.bias", b.attnProj.bias());
            m.put(p + "ln_2.weight", b.ln2.weight());
            m.put(p + "ln_2.bias", b.ln2.bias());
            m.put(p + "mlp.c_fc.weight", b.cFc.weight());
            m.put(p + "mlp.c_fc.bias", b.cFc.bias());
            m.put(p + "mlp.c_proj.weight", b.mlpProj.weight());
            m.put(p + "mlp.c_proj.bias", b.mlpProj.bias());
        }
        m.put("ln_f.weight", lnF.weight());
        m.put("ln_f.bias", lnF.bias());
        return m;
    }

    /** The last layer's hidden states [B, T, width] (after ln_f). */
    public Tensor hidden(Tensor tokens, Tensor positions, Tensor attnMask, KvCache cache) {
        Tensor x = drop.forward(wte.forward(tokens).add(wpe.forward(positions)));
        for (int i = 0; i < blocks.size(); i++) x = blocks.get(i).forward(x, attnMask, cache == null ? null : cache.layer(i));
        return lnF.forward(x);
    }

    /** Logits [B, T, vocab] through the tied head. attnMask: null = causal, else a bool [B, 1, T, T_keys]. */
    public Tensor forward(Tensor tokens, Tensor positions, Tensor attnMask, KvCache cache) {
        return lmHead(hidden(tokens, positions, attnMask, cache));
    }

    /** The tied LM head: hidden states [..., width] to logits [..., vocab]. */
    public Tensor lmHead(Tensor hidden) {
        return hidden.matmul(wte.weight().t());
    }

    /** Logits for unpadded sequences: positions 0..T-1, causal attention, no cache. */
    public Tensor forward(Tensor tokens) {
        return forward(tokens, Positions.rightPadded(tokens.size(0), tokens.size(1)), null, null);
    }

    /** One pre-LayerNorm transformer block. */
    static final class Block extends org.bytedeco.pytorch.Module {
        final LayerNormImpl ln1, ln2;
        final LinearImpl cAttn, attnProj, cFc, mlpProj;
        final DropoutImpl residDrop;
        final int heads, headDim;
        final double dropout;
        private final org.bytedeco.pytorch.Module attn, mlp;  // reachable: see layersContainer

        Block(GptConfig c) {
            ln1 = register_module("ln_1", new LayerNormImpl(new LongVector(new long[] {c.width()})));
            attn = register_module("attn", new org.bytedeco.pytorch.Module());
            cAttn = attn.register_module("c_attn", new LinearImpl(c.width(), 3L * c.width()));
            attnProj = attn.register_module("c_proj", new LinearImpl(c.width(), c.width()));
            ln2 = register_module("ln_2", new LayerNormImpl(new LongVector(new long[] {c.width()})));
            mlp = register_module("mlp", new org.bytedeco.pytorch.Module());
            cFc = mlp.register_module("c_fc", new LinearImpl(c.width(), 4L * c.width()));
            mlpProj = mlp.register_module("c_proj", new LinearImpl(4L * c.width(), c.width()));
            residDrop = register_module("drop", new DropoutImpl(c.dropout()));
            heads = c.heads();
            headDim = c.headDim();
            dropout = c.dropout();
        }

        Tensor forward(Tensor x, Tensor attnMask, KvCache.Layer cache) {
            long b = x.size(0), t = x.size(1), w = x.size(2);
            var qkv = cAttn.forward(ln1.forward(x)).split(w, 2);
            Tensor q = qkv.get(0).view(b, t, heads, headDim).transpose(1, 2);
            Tensor k = qkv.get(1).view(b, t, heads, headDim).transpose(1, 2);
            Tensor v = qkv.get(2).view(b, t, heads, headDim).transpose(1, 2);
            if (cache != null) {
                k = cache.append(k, 0);
                v = cache.append(v, 1);
            }
            double p = is_training() ? dropout : 0.0;
            Tensor y = attnMask == null
                    ? torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), p, true, new org.bytedeco.pytorch.DoubleOptional(), false)
                    : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(attnMask), p, false, new org.bytedeco.pytorch.DoubleOptional(), false);
            y = y.transpose(1, 2).contiguous().view(b, t, w);
            x = x.add(residDrop.forward(attnProj.forward(y)));
            Tensor m = mlpProj.forward(torch.gelu(cFc.forward(ln2.forward(x)), "tanh"));
            return x.add(residDrop.forward(m));
        }
    }
}
