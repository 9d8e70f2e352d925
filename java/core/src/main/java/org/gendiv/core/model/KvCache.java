package org.gendiv.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Keys and values of every layer for incremental decoding: [B, heads, T_so_far, head_dim] each. */
public final class KvCache {
    private final Layer[] layers;

    public KvCache(int layers) {
        this.layers = new Layer[layers];
        for (int i = 0; i < layers; i++) this.layers[i] = new Layer();
    }

    Layer layer(int i) {
        return layers[i];
    }

    /** Positions cached so far. */
    public long length() {
        return layers[0].kv[0] == null ? 0 : layers[0].kv[0].size(2);
    }

    static final class Layer {
        final Tensor[] kv = new Tensor[2];

        /** Appends the new keys (which = 0) or values (1) along time and returns the whole. */
        Tensor append(Tensor fresh, int which) {
            Tensor all = kv[which] == null ? fresh : torch.cat(new TensorVector(kv[which], fresh), 2);
            kv[which] = all;
            return all;
        }
    }
}
