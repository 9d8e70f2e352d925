package org.gendiv.core.semantic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.gendiv.core.checkpoint.EncoderCheckpoint;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.model.Encoder;
import org.gendiv.core.model.Tensors;
import org.gendiv.diversity.NliDiversity;

/**
 * An NLI classifier (a BERT or RoBERTa sequence classifier trained on MNLI) from a local
 * directory, as the diversity engine's NLI scorer: premise and hypothesis go in as a pair, the
 * softmax over the labels comes out, mapped to entailment / neutral / contradiction by
 * config.json's id2label (names must be those three, in any order and case).
 */
public final class NliModel implements NliDiversity.Scorer, AutoCloseable {
    private final Encoder encoder;
    private final EncoderInputs inputs;
    private final int entail, neutral, contradict;

    public NliModel(Path dir) throws IOException {
        Map<Integer, String> labels = EncoderCheckpoint.labels(dir);
        this.entail = index(labels, "entailment", dir);
        this.neutral = index(labels, "neutral", dir);
        this.contradict = index(labels, "contradiction", dir);
        if (labels.size() != 3) throw new Safetensors.BadCheckpoint(dir.resolve("config.json") + ": an NLI model has 3 labels, got " + labels);
        this.encoder = EncoderCheckpoint.load(dir, true);
        this.inputs = EncoderInputs.of(dir, encoder.config);
    }

    private static int index(Map<Integer, String> labels, String name, Path dir) {
        for (var e : labels.entrySet()) if (e.getValue().equals(name)) return e.getKey();
        throw new Safetensors.BadCheckpoint(dir.resolve("config.json") + ": id2label has no " + name + " (got " + labels.values() + ")");
    }

    /** Label probabilities for each (premise, hypothesis) pair, in batches of the given size. */
    public NliDiversity.Probabilities[] scoreAll(List<String> premises, List<String> hypotheses, int batch) {
        NliDiversity.Probabilities[] out = new NliDiversity.Probabilities[premises.size()];
        int n = encoder.config.labels();
        try (var g = new NoGradGuard()) {
            for (int at = 0; at < out.length; at += batch) {
                int end = Math.min(out.length, at + batch);
                try (PointerScope scope = new PointerScope()) {
                    var b = inputs.pairs(premises.subList(at, end), hypotheses.subList(at, end));
                    float[] p = Tensors.floats(encoder.classify(b.ids(), b.types(), b.mask()).softmax(-1).contiguous());
                    for (int i = at; i < end; i++) {
                        int r = i - at;
                        out[i] = new NliDiversity.Probabilities(p[r * n + entail], p[r * n + neutral], p[r * n + contradict]);
                    }
                }
            }
        }
        return out;
    }

    /** STUDY.md's NLI diversity of a set, with every ordered pair scored in batches rather than one by one. */
    public double diversity(List<String> set, int batch) {
        List<String> premises = new ArrayList<>(), hypotheses = new ArrayList<>();
        for (int i = 0; i < set.size(); i++)
            for (int j = 0; j < set.size(); j++)
                if (i != j) {
                    premises.add(set.get(i));
                    hypotheses.add(set.get(j));
                }
        NliDiversity.Probabilities[] p = scoreAll(premises, hypotheses, batch);
        Map<String, NliDiversity.Probabilities> byPair = new HashMap<>();
        for (int k = 0; k < p.length; k++) byPair.put(premises.get(k) + "\u0000" + hypotheses.get(k), p[k]);
        return NliDiversity.of(set, (premise, hypothesis) -> byPair.get(premise + "\u0000" + hypothesis));
    }

    @Override
    public NliDiversity.Probabilities score(String premise, String hypothesis) {
        return scoreAll(List.of(premise), List.of(hypothesis), 1)[0];
    }

    @Override
    public void close() {
        inputs.close();
    }
}
