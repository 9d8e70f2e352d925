package org.gendiv.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.EmbeddingImpl;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A BERT-family encoder (BERT or RoBERTa) for the model-backed diversity metrics: word, position
 * and token-type embeddings with a LayerNorm, post-LayerNorm blocks of bidirectional
 * self-attention (padding masked) and a GELU MLP. {@link #meanPooled} gives sentence embeddings as
 * sentence-transformers does (the mean of the last hidden states over real tokens);
 * {@link #classify} gives a sequence classifier's logits, through BERT's pooler (tanh of a dense
 * layer on [CLS]) and classifier, or RoBERTa's head (dense, tanh, out_proj on &lt;s&gt;).
 * Parameter names are Hugging Face's, without the base-model prefix ("bert." / "roberta.").
 */
public final class Encoder extends org.bytedeco.pytorch.Module {
    /** Sizes and family; positionOffset is RoBERTa's pad_token_id + 1 (0 for BERT); labels 0 when there is no classifier. */
    public record Config(String modelType, int vocab, int width, int layers, int heads, int ffn, int positions, int typeVocab,
            double eps, int positionOffset, int labels) {
        public boolean roberta() {
            return !modelType.equals("bert");
        }
    }

    public final Config config;
    final EmbeddingImpl word, position, tokenType;
    final LayerNormImpl embNorm;
    final List<Layer> layers = new ArrayList<>();
    final LinearImpl pooler, head, classifier;  // pooler: BERT; head: RoBERTa's dense; null without a classifier
    private final org.bytedeco.pytorch.Module layerContainer;

    public Encoder(Config c) {
        this.config = c;
        word = register_module("word", new EmbeddingImpl(c.vocab(), c.width()));
        position = register_module("position", new EmbeddingImpl(c.positions(), c.width()));
        tokenType = register_module("token_type", new EmbeddingImpl(Math.max(1, c.typeVocab()), c.width()));
        embNorm = register_module("emb_norm", layerNorm(c.width(), c.eps()));
        layerContainer = register_module("layer", new org.bytedeco.pytorch.Module());
        for (int i = 0; i < c.layers(); i++) layers.add(layerContainer.register_module(Integer.toString(i), new Layer(c)));
        boolean cls = c.labels() > 0;
        pooler = cls && !c.roberta() ? register_module("pooler", new LinearImpl(c.width(), c.width())) : null;
        head = cls && c.roberta() ? register_module("head", new LinearImpl(c.width(), c.width())) : null;
        classifier = cls ? register_module("classifier", new LinearImpl(c.width(), c.labels())) : null;
        Devices.place(this);
    }

    static LayerNormImpl layerNorm(int width, double eps) {
        LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {width}));
        o.eps().put(eps);
        return new LayerNormImpl(o);
    }

    /** Parameters under Hugging Face's names (BertModel / RobertaModel, plus the classifier's). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("embeddings.word_embeddings.weight", word.weight());
        m.put("embeddings.position_embeddings.weight", position.weight());
        if (config.typeVocab() > 0) m.put("embeddings.token_type_embeddings.weight", tokenType.weight());
        m.put("embeddings.LayerNorm.weight", embNorm.weight());
        m.put("embeddings.LayerNorm.bias", embNorm.bias());
        for (int i = 0; i < layers.size(); i++) layers.get(i).names("encoder.layer." + i + ".", m);
        if (pooler != null) Block.put(m, "pooler.dense", pooler);
        if (head != null) Block.put(m, "classifier.dense", head);
        if (classifier != null) Block.put(m, head != null ? "classifier.out_proj" : "classifier", classifier);
        return m;
    }

    /** Last hidden states [B, T, width] for ids and token types [B, T] (long) and a real-token mask [B, T] (bool). */
    public Tensor hidden(Tensor ids, Tensor types, Tensor mask) {
        ids = Devices.to(ids);
        types = Devices.to(types);
        mask = Devices.to(mask);
        long t = ids.size(1);
        if (t + config.positionOffset() > config.positions())
            throw new IllegalArgumentException(t + " tokens exceed the encoder's " + (config.positions() - config.positionOffset()) + " positions");
        // RoBERTa numbers real tokens from pad_token_id + 1; right padding keeps them 0..n-1 before the offset
        Tensor pos = torch.arange(new Scalar(t), new TensorOptions(torch.ScalarType.Long))
                .add(new Scalar(config.positionOffset())).unsqueeze(0).expand(ids.size(0), t);
        pos = Devices.to(pos);
        Tensor x = word.forward(ids).add(position.forward(pos));
        if (config.typeVocab() > 0) x = x.add(tokenType.forward(types));
        x = embNorm.forward(x);
        Tensor keys = mask.unsqueeze(1).unsqueeze(2);  // [B, 1, 1, T]: every query sees the real keys
        for (Layer l : layers) x = l.forward(x, keys);
        return x;
    }

    /** Sentence embeddings [B, width]: the mean of the hidden states over each row's real tokens. */
    public Tensor meanPooled(Tensor ids, Tensor types, Tensor mask) {
        Tensor h = hidden(ids, types, mask);
        Tensor m = Devices.to(mask).to(torch.ScalarType.Float).unsqueeze(-1);
        return h.mul(m).sum(new long[] {1}).div(m.sum(new long[] {1}).clamp_min(new Scalar(1e-9)));
    }

    /** Classifier logits [B, labels] from the first token's hidden state. */
    public Tensor classify(Tensor ids, Tensor types, Tensor mask) {
        if (classifier == null) throw new IllegalStateException("this encoder has no classifier");
        Tensor first = hidden(ids, types, mask).select(1, 0);
        Tensor pooled = torch.tanh((pooler != null ? pooler : head).forward(first));
        return classifier.forward(pooled);
    }

    /** A post-LayerNorm encoder block: x = LN(x + attention(x)); x = LN(x + MLP(x)). */
    static final class Layer extends org.bytedeco.pytorch.Module {
        final LinearImpl q, k, v, out, up, down;
        final LayerNormImpl attnNorm, outNorm;
        final int heads, headDim;

        Layer(Config c) {
            q = register_module("query", new LinearImpl(c.width(), c.width()));
            k = register_module("key", new LinearImpl(c.width(), c.width()));
            v = register_module("value", new LinearImpl(c.width(), c.width()));
            out = register_module("attn_out", new LinearImpl(c.width(), c.width()));
            attnNorm = register_module("attn_norm", layerNorm(c.width(), c.eps()));
            up = register_module("intermediate", new LinearImpl(c.width(), c.ffn()));
            down = register_module("output", new LinearImpl(c.ffn(), c.width()));
            outNorm = register_module("out_norm", layerNorm(c.width(), c.eps()));
            heads = c.heads();
            headDim = c.width() / c.heads();
        }

        Tensor split(Tensor x) {
            return x.view(x.size(0), x.size(1), heads, headDim).transpose(1, 2);
        }

        Tensor forward(Tensor x, Tensor keys) {
            Tensor y = torch.scaled_dot_product_attention(split(q.forward(x)), split(k.forward(x)), split(v.forward(x)),
                    new TensorOptional(keys), 0.0, false, new DoubleOptional(), false);
            y = y.transpose(1, 2).contiguous().view(x.size(0), x.size(1), x.size(2));
            x = attnNorm.forward(x.add(out.forward(y)));
            return outNorm.forward(x.add(down.forward(torch.gelu(up.forward(x)))));
        }

        void names(String p, Map<String, Tensor> m) {
            Block.put(m, p + "attention.self.query", q);
            Block.put(m, p + "attention.self.key", k);
            Block.put(m, p + "attention.self.value", v);
            Block.put(m, p + "attention.output.dense", out);
            m.put(p + "attention.output.LayerNorm.weight", attnNorm.weight());
            m.put(p + "attention.output.LayerNorm.bias", attnNorm.bias());
            Block.put(m, p + "intermediate.dense", up);
            Block.put(m, p + "output.dense", down);
            m.put(p + "output.LayerNorm.weight", outNorm.weight());
            m.put(p + "output.LayerNorm.bias", outNorm.bias());
        }
    }
}
