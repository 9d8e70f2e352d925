package org.gendiv.core.semantic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.gendiv.core.data.Distinct;
import org.gendiv.diversity.EmbeddingDiversity;

/**
 * A sentence-embedding model for embedding diversity: gendiv's own BERT-family encoder for a
 * sentence-transformers directory the user names ({@link SentenceEmbedder}), else the real
 * all-MiniLM-L6-v2 that ships in a Maven jar ({@link MiniLm}), as the study's sentence-embedding
 * diversity used.
 */
public interface Embedder extends AutoCloseable {
    /** One embedding per text (equal texts get equal embeddings, each its own array). */
    float[][] embed(List<String> texts);

    /** What produced the embeddings: the model directory or the built-in model's name. */
    String name();

    /** 1 - mean pairwise cosine similarity of the texts' embeddings. */
    default double diversity(List<String> texts) {
        return EmbeddingDiversity.of(embed(texts));
    }

    @Override
    void close();

    /**
     * One embedding per text, computing each distinct text's once (embedDistinct gets the
     * distinct texts in first-seen order) and copying it to the texts equal to it: a policy's K
     * samples of one input often repeat a text, and an encoder pass costs the same for a copy.
     */
    static float[][] once(List<String> texts, Function<List<String>, float[][]> embedDistinct) {
        Distinct<String> d = Distinct.of(texts, t -> t);
        float[][] e = embedDistinct.apply(d.items()), out = new float[d.of().length][];
        for (int i = 0; i < out.length; i++) out[i] = e[d.of()[i]].clone();
        return out;
    }

    /** The model in dir, or the process's shared all-MiniLM-L6-v2 ({@link MiniLm#shared}) when dir is null. */
    static Embedder open(Path dir, int batch) throws IOException {
        return dir == null ? MiniLm.shared() : new SentenceEmbedder(dir, batch);
    }
}
