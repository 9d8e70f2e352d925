package org.gendiv.core.tokenizer;

/** Text to token ids and back, with the special tokens the pipeline needs. */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    int vocabSize();

    int padId();

    int bosId();

    int eosId();

    int sepId();
}
