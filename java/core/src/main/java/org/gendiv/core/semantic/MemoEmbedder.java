package org.gendiv.core.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An embedder that remembers the texts it was last prepared with: an evaluation hands it all of
 * one method's texts on a split at once ({@link #prepare}), so the model reads them in full
 * batches, and then asks for each input's few outputs, which it answers from memory. Texts repeat
 * (a policy's samples of one input; Best-of-N's picks are SFT's samples) and are embedded once.
 * Not thread-safe; close() closes the model it wraps.
 */
public final class MemoEmbedder implements Embedder {
    private final Embedder model;
    private final Map<String, float[]> memory = new HashMap<>();

    public MemoEmbedder(Embedder model) {
        this.model = model;
    }

    /** Remembers these texts' embeddings (reading the ones not yet known in one call) and forgets the rest. */
    public void prepare(List<String> texts) {
        memory.keySet().retainAll(new HashSet<>(texts));
        embed(texts);
    }

    @Override
    public float[][] embed(List<String> texts) {
        List<String> missing = new ArrayList<>(new LinkedHashSet<>(texts));
        missing.removeIf(memory::containsKey);
        if (!missing.isEmpty()) {
            float[][] e = model.embed(missing);
            for (int i = 0; i < e.length; i++) memory.put(missing.get(i), e[i]);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = memory.get(texts.get(i)).clone();
        return out;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public void close() {
        model.close();
    }
}
