package org.gendiv.core.study;

import java.util.List;

import org.gendiv.core.judge.Judge;

/**
 * One test split as the evaluation reads it, from either source: its inputs' prompts and
 * references, the judge of an output against its input's reference, and the semantic diversity
 * the source can measure. referenceGold holds each reference's gold quality where the judge knows
 * it (the embedded worlds: the references then go to samples.jsonl too), else null.
 */
record TestSplit(String name, String description, List<String> prompts, List<String> references, Judge judge,
        Evaluation.Semantics semantics, double[] referenceGold) {
    TestSplit {
        if (prompts.size() != references.size())
            throw new IllegalArgumentException(name + ": " + prompts.size() + " prompts but " + references.size() + " references");
    }
}
