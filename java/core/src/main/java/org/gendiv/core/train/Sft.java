package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gendiv.core.dist.Group;
import org.gendiv.core.io.Configs;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.RunDir;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.tokenizer.Tokenizer;

/** Supervised fine-tuning on demonstrations (JSONL: "prompt", "response"): cross-entropy on the response only. */
public final class Sft {
    private Sft() {}

    public record Config(String data, String evalData, String init, OptimConfig optim, int steps, int batchSize,
            Trainer.Schedule schedule) {
        public static Config defaults() {
            return new Config(
                    null, null, null,                      // data, eval_data, init (the base model): the config names them
                    OptimConfig.of(3e-4).withWarmup(10),   // AdamW
                    300,                                   // steps
                    32,                                    // batch_size: demonstrations per step
                    new Trainer.Schedule(10, 50, 50, 1));  // log every 10 steps, evaluate and checkpoint every 50, seed 1
        }

        public Config {
            Stages.atLeast(steps, 1, "steps");
            Stages.atLeast(batchSize, 1, "batch_size");
        }
    }

    /** A demonstration: the prompt and the response to learn. */
    public record Demo(String prompt, String response) {}

    /** The CLI's entry: reads the config's files, trains on the group's ranks (rank 0 writes the run directory). */
    public static Map<String, Double> run(Config c, RunDir run, boolean resume, boolean quiet, Group group) throws IOException {
        Stages.seedInitialisation(c.schedule());
        Path init = Stages.required(c.init(), "init", "the base model directory");
        List<Demo> train = demos(Stages.required(c.data(), "data", "a JSONL file of {\"prompt\", \"response\"}"));
        List<Demo> eval = c.evalData() == null ? List.of() : demos(Path.of(c.evalData()));
        Stages.checkBatch(c.batchSize(), train.size(), c.data());
        Gpt model = ModelDir.policy(init);
        Tokenizer tok = ModelDir.tokenizer(init);
        if (group.isMain()) run.begin(Configs.toJson(c), resume);
        return new Trainer(run, c.schedule()).quiet(quiet).group(group)
                .run(stage(c, model, tok, ModelDir.tokenizerFile(init), train, eval), resume);
    }

    public static Stage stage(Config c, Gpt model, Tokenizer tok, Path tokFile, List<Demo> train, List<Demo> eval) {
        return new LanguageModelling("sft", model, tokFile, examples(tok, train, model.config.context()),
                examples(tok, eval, model.config.context()), c.optim(), c.steps(), c.batchSize(), c.schedule().seed());
    }

    static List<LanguageModelling.Example> examples(Tokenizer tok, List<Demo> demos, int context) {
        List<LanguageModelling.Example> out = new ArrayList<>();
        for (Demo d : demos) {
            int[] prompt = Batches.prompt(tok, d.prompt());
            out.add(new LanguageModelling.Example(Batches.clip(Batches.sequence(tok, d.prompt(), d.response()), context + 1),
                    prompt.length));
        }
        return out;
    }

    public static List<Demo> demos(Path file) throws IOException {
        List<Demo> out = new ArrayList<>();
        for (String[] r : Jsonl.read(file, "prompt", "response")) out.add(new Demo(r[0], r[1]));
        return out;
    }
}
