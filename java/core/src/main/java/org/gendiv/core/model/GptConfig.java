package org.gendiv.core.model;

/**
 * A decoder-only transformer: vocabulary, context length, layers, heads, width (hidden size),
 * dropout, and the family's architecture ({@link Arch}; GPT-2 unless given). {@link #check()}
 * names the field that is wrong.
 */
public record GptConfig(int vocab, int context, int layers, int heads, int width, double dropout, Arch arch) {
    /** A GPT-2-family model of these sizes. */
    public GptConfig(int vocab, int context, int layers, int heads, int width, double dropout) {
        this(vocab, context, layers, heads, width, dropout, Arch.gpt2(heads, width));
    }

    public GptConfig check() {
        if (vocab < 2) throw new IllegalArgumentException("vocab must be >= 2, got " + vocab);
        if (context < 1) throw new IllegalArgumentException("context must be >= 1, got " + context);
        if (layers < 1) throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        if (heads < 1) throw new IllegalArgumentException("heads must be >= 1, got " + heads);
        if (width < 1 || width % heads != 0)
            throw new IllegalArgumentException("width must be a positive multiple of heads (" + heads + "), got " + width);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (arch == null) throw new IllegalArgumentException("arch must be given");
        arch.check(heads, width, layers);
        return this;
    }

    public int headDim() {
        return width / heads;
    }

    public Arch.Family family() {
        return arch.family();
    }
}
