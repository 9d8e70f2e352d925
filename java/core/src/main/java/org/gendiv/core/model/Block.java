package org.gendiv.core.model;

import java.util.Map;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One transformer block of a decoder family. Each family's block knows its Hugging Face tensor
 * names ({@link #names}); attention itself is shared ({@link #attend}).
 */
abstract class Block extends org.bytedeco.pytorch.Module {
    final int heads, kvHeads, headDim;
    final double dropout;

    Block(GptConfig c) {
        heads = c.heads();
        kvHeads = c.arch().kvHeads();
        headDim = c.headDim();
        dropout = c.dropout();
    }

    /**
     * x [B, T, width] to the same. attnMask: null = causal, else bool [B, 1, T, T_keys]; rope: the
     * rotary cos and sin [B, 1, T, head_dim] (LLaMA) or null; cache: this layer's keys and values.
     */
    abstract Tensor forward(Tensor x, Tensor attnMask, Tensor[] rope, KvCache.Layer cache);

    /** This block's parameters under Hugging Face's names, each prefixed. */
    abstract void names(String prefix, Map<String, Tensor> into);

    /** GPT-2's initialisation: input projections N(0, std), residual outputs N(0, resid), zero biases. */
    abstract void init(double std, double resid);

    // ---- shared pieces ---------------------------------------------------------------------

    static LinearImpl linear(long in, long out, boolean bias) {
        LinearOptions o = new LinearOptions(in, out);
        o.bias().put(bias);
        return new LinearImpl(o);
    }

    static void normal(LinearImpl l, double std) {
        l.weight().normal_(0, std, new GeneratorOptional());
        if (l.bias().defined()) l.bias().zero_();
    }

    static void put(Map<String, Tensor> into, String name, LinearImpl l) {
        into.put(name + ".weight", l.weight());
        if (l.bias().defined()) into.put(name + ".bias", l.bias());
    }

    static void put(Map<String, Tensor> into, String name, Norm n) {
        into.put(name + ".weight", n.weight());
        if (n.bias() != null) into.put(name + ".bias", n.bias());
    }

    /** [B, T, n * head_dim] to [B, n, T, head_dim]. */
    Tensor split(Tensor x, int n) {
        return x.view(x.size(0), x.size(1), n, headDim).transpose(1, 2);
    }

    /** Scaled dot-product attention over the cache (if any) plus the new keys; [B, T, heads * head_dim] out. */
    Tensor attend(Tensor q, Tensor k, Tensor v, Tensor attnMask, KvCache.Layer cache) {
        if (cache != null) {
            Tensor[] kv = cache.append(k, v);
            k = kv[0];
            v = kv[1];
        }
        double p = is_training() ? dropout : 0.0;
        boolean gqa = kvHeads != heads;
        Tensor y = attnMask == null
                ? torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), p, true, new DoubleOptional(), gqa)
                : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(attnMask), p, false, new DoubleOptional(), gqa);
        return y.transpose(1, 2).contiguous().view(q.size(0), q.size(2), (long) heads * headDim);
    }

    static Tensor activation(String name, Tensor x) {
        return switch (name) {
            case "gelu_new" -> torch.gelu(x, "tanh");
            case "gelu" -> torch.gelu(x);
            case "relu" -> torch.relu(x);
            case "silu" -> torch.silu(x);
            default -> throw new IllegalStateException(name);
        };
    }

    // ---- the families ----------------------------------------------------------------------

    /** GPT-2: pre-LayerNorm, fused QKV (c_attn), GELU MLP. */
    static final class Gpt2 extends Block {
        final Norm ln1, ln2;
        final LinearImpl cAttn, attnProj, cFc, mlpProj;
        final DropoutImpl residDrop;
        final String act;
        private final org.bytedeco.pytorch.Module attn, mlp;  // reachable: see Gpt's layersContainer

        Gpt2(GptConfig c) {
            super(c);
            ln1 = Norm.register(this, "ln_1", Norm.layer(c.width(), c.arch().normEps()));
            attn = register_module("attn", new org.bytedeco.pytorch.Module());
            cAttn = attn.register_module("c_attn", new LinearImpl(c.width(), 3L * c.width()));
            attnProj = attn.register_module("c_proj", new LinearImpl(c.width(), c.width()));
            ln2 = Norm.register(this, "ln_2", Norm.layer(c.width(), c.arch().normEps()));
            mlp = register_module("mlp", new org.bytedeco.pytorch.Module());
            cFc = mlp.register_module("c_fc", new LinearImpl(c.width(), c.arch().ffn()));
            mlpProj = mlp.register_module("c_proj", new LinearImpl(c.arch().ffn(), c.width()));
            residDrop = register_module("drop", new DropoutImpl(c.dropout()));
            act = c.arch().activation();
        }

        @Override
        Tensor forward(Tensor x, Tensor attnMask, Tensor[] rope, KvCache.Layer cache) {
            var qkv = cAttn.forward(ln1.forward(x)).split(x.size(2), 2);
            Tensor y = attend(split(qkv.get(0), heads), split(qkv.get(1), heads), split(qkv.get(2), heads), attnMask, cache);
            x = x.add(residDrop.forward(attnProj.forward(y)));
            Tensor m = mlpProj.forward(activation(act, cFc.forward(ln2.forward(x))));
            return x.add(residDrop.forward(m));
        }

        @Override
        void names(String p, Map<String, Tensor> m) {
            put(m, p + "ln_1", ln1);
            put(m, p + "attn.c_attn", cAttn);
            put(m, p + "attn.c_proj", attnProj);
            put(m, p + "ln_2", ln2);
            put(m, p + "mlp.c_fc", cFc);
            put(m, p + "mlp.c_proj", mlpProj);
        }

        @Override
        void init(double std, double resid) {
            normal(cAttn, std);
            normal(cFc, std);
            normal(attnProj, resid);
            normal(mlpProj, resid);
        }
    }

    /** OPT: LayerNorm before (or, with do_layer_norm_before = false, after) each sub-layer; separate Q/K/V; ReLU MLP. */
    static final class Opt extends Block {
        final Norm attnNorm, mlpNorm;
        final LinearImpl q, k, v, out, fc1, fc2;
        final DropoutImpl residDrop;
        final boolean preNorm;
        final String act;
        private final org.bytedeco.pytorch.Module attn;

        Opt(GptConfig c) {
            super(c);
            int w = c.width();
            attn = register_module("self_attn", new org.bytedeco.pytorch.Module());
            k = attn.register_module("k_proj", linear(w, w, true));
            v = attn.register_module("v_proj", linear(w, w, true));
            q = attn.register_module("q_proj", linear(w, w, true));
            out = attn.register_module("out_proj", linear(w, w, true));
            attnNorm = Norm.register(this, "self_attn_layer_norm", Norm.layer(w, c.arch().normEps()));
            fc1 = register_module("fc1", linear(w, c.arch().ffn(), true));
            fc2 = register_module("fc2", linear(c.arch().ffn(), w, true));
            mlpNorm = Norm.register(this, "final_layer_norm", Norm.layer(w, c.arch().normEps()));
            residDrop = register_module("drop", new DropoutImpl(c.dropout()));
            preNorm = c.arch().preNorm();
            act = c.arch().activation();
        }

        @Override
        Tensor forward(Tensor x, Tensor attnMask, Tensor[] rope, KvCache.Layer cache) {
            Tensor h = preNorm ? attnNorm.forward(x) : x;
            Tensor y = attend(split(q.forward(h), heads), split(k.forward(h), heads), split(v.forward(h), heads), attnMask, cache);
            x = x.add(residDrop.forward(out.forward(y)));
            if (!preNorm) x = attnNorm.forward(x);
            h = preNorm ? mlpNorm.forward(x) : x;
            x = x.add(residDrop.forward(fc2.forward(activation(act, fc1.forward(h)))));
            return preNorm ? x : mlpNorm.forward(x);
        }

        @Override
        void names(String p, Map<String, Tensor> m) {
            put(m, p + "self_attn.k_proj", k);
            put(m, p + "self_attn.v_proj", v);
            put(m, p + "self_attn.q_proj", q);
            put(m, p + "self_attn.out_proj", out);
            put(m, p + "self_attn_layer_norm", attnNorm);
            put(m, p + "fc1", fc1);
            put(m, p + "fc2", fc2);
            put(m, p + "final_layer_norm", mlpNorm);
        }

        @Override
        void init(double std, double resid) {
            for (LinearImpl l : new LinearImpl[] {q, k, v, fc1}) normal(l, std);
            normal(out, resid);
            normal(fc2, resid);
        }
    }

    /** LLaMA: RMSNorm before each sub-layer, rotary Q/K, grouped-query attention, SwiGLU MLP. */
    static final class Llama extends Block {
        final Norm inputNorm, postAttnNorm;
        final LinearImpl q, k, v, o, gate, up, down;
        final DropoutImpl residDrop;
        final String act;
        private final org.bytedeco.pytorch.Module attn, mlp;

        Llama(GptConfig c) {
            super(c);
            int w = c.width(), kvw = c.arch().kvHeads() * c.headDim(), f = c.arch().ffn();
            boolean bias = c.arch().attnBias();
            attn = register_module("self_attn", new org.bytedeco.pytorch.Module());
            q = attn.register_module("q_proj", linear(w, w, bias));
            k = attn.register_module("k_proj", linear(w, kvw, bias));
            v = attn.register_module("v_proj", linear(w, kvw, bias));
            o = attn.register_module("o_proj", linear(w, w, false));
            mlp = register_module("mlp", new org.bytedeco.pytorch.Module());
            gate = mlp.register_module("gate_proj", linear(w, f, false));
            up = mlp.register_module("up_proj", linear(w, f, false));
            down = mlp.register_module("down_proj", linear(f, w, false));
            inputNorm = Norm.register(this, "input_layernorm", Norm.rms(w, c.arch().normEps()));
            postAttnNorm = Norm.register(this, "post_attention_layernorm", Norm.rms(w, c.arch().normEps()));
            residDrop = register_module("drop", new DropoutImpl(c.dropout()));
            act = c.arch().activation();
        }

        @Override
        Tensor forward(Tensor x, Tensor attnMask, Tensor[] rope, KvCache.Layer cache) {
            Tensor h = inputNorm.forward(x);
            Tensor qh = rotate(split(q.forward(h), heads), rope), kh = rotate(split(k.forward(h), kvHeads), rope);
            Tensor y = attend(qh, kh, split(v.forward(h), kvHeads), attnMask, cache);
            x = x.add(residDrop.forward(o.forward(y)));
            h = postAttnNorm.forward(x);
            return x.add(residDrop.forward(down.forward(activation(act, gate.forward(h)).mul(up.forward(h)))));
        }

        /** x * cos + rotate_half(x) * sin, rotate_half(x) = (-x2, x1) for the two halves of head_dim. */
        private Tensor rotate(Tensor x, Tensor[] rope) {
            long half = headDim / 2;
            Tensor x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
            Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1);
            return x.mul(rope[0]).add(rotated.mul(rope[1]));
        }

        /**
         * cos and sin [B, 1, T, head_dim] for position ids [B, T]: angle_i = pos * inverse frequency i
         * ({@link Rope}), both halves alike, each scaled by the rope's attention factor.
         */
        static Tensor[] rope(Tensor positions, int headDim, Rope rope) {
            long maxPosition = rope.type() == Rope.Type.DYNAMIC ? positions.max().item_long() : 0;
            float[] invFreq = rope.inverseFrequencies(headDim, maxPosition);
            Tensor angles = positions.to(torch.ScalarType.Float).unsqueeze(-1).mul(Devices.to(Tensor.create(invFreq)));
            Tensor both = torch.cat(new TensorVector(angles, angles), -1).unsqueeze(1);
            Tensor cos = both.cos(), sin = both.sin();
            if (rope.attentionFactor() != 1) {
                Scalar f = new Scalar(rope.attentionFactor());
                cos = cos.mul(f);
                sin = sin.mul(f);
            }
            return new Tensor[] {cos, sin};
        }

        @Override
        void names(String p, Map<String, Tensor> m) {
            put(m, p + "input_layernorm", inputNorm);
            put(m, p + "self_attn.q_proj", q);
            put(m, p + "self_attn.k_proj", k);
            put(m, p + "self_attn.v_proj", v);
            put(m, p + "self_attn.o_proj", o);
            put(m, p + "post_attention_layernorm", postAttnNorm);
            put(m, p + "mlp.gate_proj", gate);
            put(m, p + "mlp.up_proj", up);
            put(m, p + "mlp.down_proj", down);
        }

        @Override
        void init(double std, double resid) {
            for (LinearImpl l : new LinearImpl[] {q, k, v, gate, up}) normal(l, std);
            normal(o, resid);
            normal(down, resid);
        }
    }
}
