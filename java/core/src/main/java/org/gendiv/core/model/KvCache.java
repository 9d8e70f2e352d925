package org.gendiv.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Keys and values of every layer for incremental decoding: [B, heads, T_so_far, head_dim] each.
 * Decoding runs one PointerScope per step; the cached tensors are retained past it (and the
 * previous ones released), so only the cache outlives a step. Close it when done.
 */
public final class KvCache implements AutoCloseable {
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

    /** Keeps, for row r of the batch, the cached row rows[r] (int64 [B']): one prompt's cache copied to each row that shares it. */
    void selectRows(Tensor rows) {
        for (Layer l : layers)
            for (int i = 0; i < 2; i++) {
                Tensor picked = l.kv[i].index_select(0, rows);
                picked.retainReference();
                l.kv[i].releaseReference();
                l.kv[i] = picked;
            }
    }

    static final class Layer {
        final Tensor[] kv = new Tensor[2];

        /** Appends the new keys (which = 0) or values (1) along time and returns the whole. */
        Tensor append(Tensor fresh, int which) {
            Tensor old = kv[which];
            Tensor all = old == null ? fresh : torch.cat(new TensorVector(old, fresh), 2);
            all.retainReference();
            if (old != null) old.releaseReference();
            kv[which] = all;
            return all;
        }

        void release() {
            for (int i = 0; i < 2; i++)
                if (kv[i] != null) {
                    kv[i].releaseReference();
                    kv[i] = null;
                }
        }
    }

    @Override
    public void close() {
        for (Layer l : layers) l.release();
    }
}
