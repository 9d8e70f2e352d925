package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.google.gson.JsonObject;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.io.Progress;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Generator;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.Rollouts;
import org.gendiv.kernels.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gendiv generate}: K samples per prompt from a model directory, as JSONL the diversity command reads. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Sample K responses per prompt (JSONL with \"prompt\") from a model directory.",
            "Output: JSONL with input_id, sample_index, prompt, text; feed it to gendiv diversity."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory (config.json, model.safetensors, tokenizer.json)")
    Path model;

    @Option(names = "--prompts", required = true, description = "JSONL with a \"prompt\" field per line")
    Path prompts;

    @Option(names = "--out", required = true, description = "output JSONL (written atomically)")
    Path out;

    @Option(names = "--samples", defaultValue = "16", description = "samples per prompt (default ${DEFAULT-VALUE})")
    int samples;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws IOException {
        Devices.current();  // a device setting that cannot be met fails before anything is written
        if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        sampling.check();
        Outputs.requireDistinct(out, prompts, "--out", "--prompts");
        List<String> ps = Ppo.prompts(prompts);
        Gpt policy = ModelDir.policy(model);
        Tokenizer tok = ModelDir.tokenizer(model);
        sampling.requireFit(prompts, ps, tok, policy);
        // each sample keeps its prompt and response tokens (ints) and log-probs (floats), and its text
        Sizes.require(Sizes.times(Sizes.times(ps.size(), samples), 64L + 12L * policy.config.context()),
                "--samples " + samples + " for " + ps.size() + " prompts");
        List<String> repeated = new ArrayList<>();
        for (String p : ps) for (int i = 0; i < samples; i++) repeated.add(p);
        var bar = new Progress("generate", repeated.size());
        List<Rollouts.Rollout> rollouts;
        try {
            rollouts = Rollouts.sample(policy, Kernels.cpu(), tok, repeated, sampling.params(), sampling.batch,
                    sampling.maxNewTokens(policy), done -> bar.update(done, 0, "samples"));
        } catch (Generator.NoFiniteLogit e) {
            throw new IllegalArgumentException(model + ": " + e.getMessage());
        }
        String[] texts = Rollouts.texts(tok, rollouts);
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            JsonObject o = new JsonObject();
            o.addProperty("input_id", Integer.toString(i / samples));
            o.addProperty("sample_index", i % samples);
            o.addProperty("prompt", ps.get(i / samples));
            o.addProperty("text", texts[i]);
            rows.add(o);
        }
        Jsonl.write(out, rows);
        System.out.println(texts.length + " samples (" + ps.size() + " prompts x " + samples + ") -> " + out);
        return 0;
    }
}
