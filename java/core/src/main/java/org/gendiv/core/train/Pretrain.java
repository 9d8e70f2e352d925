package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.tokenizer.WordTokenizer;

/**
 * Pretraining the base model from scratch on raw text (JSONL lines with a "text" field). With no
 * tokenizer given, a word-level one is trained on the data first (see {@link WordTokenizer}).
 */
public final class Pretrain {
    private Pretrain() {}

    public record Config(String data, String evalData, String tokenizer, int vocabSize, int layers, int heads,
            int width, int context, double dropout, OptimConfig optim, int steps, int batchSize,
            Trainer.Schedule schedule) {
        public static Config defaults() {
            return new Config(
                    null, null, null,                        // data, eval_data, tokenizer: the config names them
                    1024,                                    // vocab_size of the tokenizer trained on the data
                    4, 4, 128,                               // layers, heads, width
                    64,                                      // context: tokens per sequence
                    0.0,                                     // dropout
                    OptimConfig.of(1e-3).withWarmup(20),     // AdamW
                    600,                                     // steps
                    32,                                      // batch_size: sequences per step
                    new Trainer.Schedule(10, 100, 100, 1));  // log every 10 steps, evaluate and checkpoint every 100, seed 1
        }

        public Config {
            Stages.atLeast(steps, 1, "steps");
            Stages.atLeast(batchSize, 1, "batch_size");
            if (vocabSize < 8) throw new IllegalArgumentException("vocab_size must be >= 8, got " + vocabSize);
            // the model's shape (heads dividing the width, ...) before any data is made or written
            new GptConfig(vocabSize, context, layers, heads, width, dropout).check();
        }

        /** The model these settings pretrain, for a tokenizer of vocab words. */
        public GptConfig model(int vocab) {
            return new GptConfig(vocab, context, layers, heads, width, dropout).check();
        }
    }

    /** The CLI's entry: reads the config's files, trains on the group's ranks (rank 0 writes the run directory). */
    public static Map<String, Double> run(Config c, RunDir run, boolean resume, boolean quiet, Group group) throws IOException {
        Stages.seedInitialisation(c.schedule());
        List<String> texts = texts(Stages.required(c.data(), "data", "a JSONL file of {\"text\": ...}"));
        List<String> evalTexts = c.evalData() == null ? List.of() : texts(Path.of(c.evalData()));
        Stages.checkBatch(c.batchSize(), texts.size(), c.data());
        if (group.isMain()) run.begin(Configs.toJson(c), resume);
        Path tokFile = c.tokenizer() != null ? Path.of(c.tokenizer()) : run.root.resolve("tokenizer.json");
        if (c.tokenizer() == null && group.isMain() && !Files.exists(tokFile))
            WordTokenizer.train(texts, c.vocabSize(), 1).save(tokFile);
        group.barrier();  // the other ranks read the tokenizer rank 0 wrote (the run directory is shared)
        Tokenizer tok = Tokenizer.load(tokFile);
        return new Trainer(run, c.schedule()).quiet(quiet).group(group).run(stage(c, tok, tokFile, texts, evalTexts), resume);
    }

    public static Stage stage(Config c, Tokenizer tok, Path tokFile, List<String> texts, List<String> evalTexts) {
        Gpt model = new Gpt(c.model(tok.vocabSize()));
        return new LanguageModelling("pretrain", model, tokFile, examples(tok, texts, c.context()),
                examples(tok, evalTexts, c.context()), c.optim(), c.steps(), c.batchSize(), c.schedule().seed());
    }

    private static List<LanguageModelling.Example> examples(Tokenizer tok, List<String> texts, int context) {
        List<LanguageModelling.Example> out = new ArrayList<>();
        for (String t : texts) out.add(new LanguageModelling.Example(Batches.clip(Batches.text(tok, t), context + 1), 1));
        return out;
    }

    static List<String> texts(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String[] r : Jsonl.read(file, "text")) out.add(r[0]);
        return out;
    }
}
