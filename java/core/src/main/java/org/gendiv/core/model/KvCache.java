package org.gendiv.core.model;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Keys and values of every layer for incremental decoding: [B, heads, T_so_far, head_dim] each.
 * With a capacity (the positions decoding will reach), each layer's keys and values live in one
 * buffer of that length, allocated at the first pass, and a step writes its new position in place;
 * without one (0), every step concatenates the new position onto a copy of the old cache (the
 * simple form, kept as the reference: ModelTest, bench KvCacheAb). Decoding runs one PointerScope per step; the
 * cached tensors are retained past it (and the previous ones released), so only the cache outlives
 * a step. Close it when done.
 */
public final class KvCache implements AutoCloseable {
    private final Layer[] layers;

    /** A cache that grows by concatenation. */
    public KvCache(int layers) {
        this(layers, 0);
    }

    /** A cache of capacity positions (0: grows by concatenation). */
    public KvCache(int layers, int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        this.layers = new Layer[layers];
        for (int i = 0; i < layers; i++) this.layers[i] = new Layer(capacity);
    }

    Layer layer(int i) {
        return layers[i];
    }

    /** Positions cached so far. */
    public long length() {
        return layers[0].length;
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
        final Tensor[] kv = new Tensor[2];  // the buffers (with a capacity) or the cache itself
        final int capacity;
        long length;

        Layer(int capacity) {
            this.capacity = capacity;
        }

        /** Appends the new keys and values along time; returns the whole of each, keys first. */
        Tensor[] append(Tensor keys, Tensor values) {
            long t = keys.size(2), end = length + t;
            if (capacity > 0 && end > capacity)
                throw new IllegalStateException("the cache holds " + capacity + " positions, asked for " + end);
            Tensor[] fresh = {keys, values}, all = new Tensor[2];
            for (int i = 0; i < 2; i++) {
                Tensor old = kv[i];
                if (capacity > 0) {
                    if (old == null) {
                        Tensor f = fresh[i];
                        old = torch.empty(new long[] {f.size(0), f.size(1), capacity, f.size(3)}, f.options(), new MemoryFormatOptional());
                        old.retainReference();
                        kv[i] = old;
                    }
                    old.narrow(2, length, t).copy_(fresh[i]);
                    all[i] = old.narrow(2, 0, end);
                } else {
                    all[i] = old == null ? fresh[i] : torch.cat(new TensorVector(old, fresh[i]), 2);
                    all[i].retainReference();
                    if (old != null) old.releaseReference();
                    kv[i] = all[i];
                }
            }
            length = end;
            return all;
        }

        void release() {
            for (int i = 0; i < 2; i++)
                if (kv[i] != null) {
                    kv[i].releaseReference();
                    kv[i] = null;
                }
            length = 0;
        }
    }

    @Override
    public void close() {
        for (Layer l : layers) l.release();
    }
}
