package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.gendiv.core.io.Jsonl;
import org.gendiv.core.io.ModelDir;
import org.gendiv.core.model.Devices;
import org.gendiv.core.model.Generator;
import org.gendiv.core.train.BestOfN;
import org.gendiv.core.train.Ppo;
import org.gendiv.kernels.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gendiv bon}: Best-of-N against a reward model. */
@Command(name = "bon", mixinStandardHelpOptions = true,
        description = {"Best-of-N: sample N responses per prompt from a policy, keep the one the reward model scores highest.",
            "Output: JSONL with input_id, prompt, text (the best), score, and every candidate's score."})
final class BonCommand implements Callable<Integer> {
    @Option(names = "--policy", required = true, description = "policy model directory (usually the SFT model)")
    Path policy;

    @Option(names = "--reward", required = true, description = "reward model directory")
    Path reward;

    @Option(names = "--prompts", required = true, description = "JSONL with a \"prompt\" field per line")
    Path prompts;

    @Option(names = "--out", required = true, description = "output JSONL (written atomically)")
    Path out;

    @Option(names = "--n", defaultValue = "16", description = "samples per prompt (default ${DEFAULT-VALUE})")
    int n;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws IOException {
        Devices.current();  // a device setting that cannot be met fails before anything is written
        if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
        sampling.check();
        Outputs.requireDistinct(out, prompts, "--out", "--prompts");
        List<String> ps = Ppo.prompts(prompts);
        var model = ModelDir.policy(policy);
        var tok = ModelDir.tokenizer(policy);
        sampling.requireFit(prompts, ps, tok, model);
        Sizes.require(Sizes.times(Sizes.times(ps.size(), n), 64L + 12L * model.config.context()), "--n " + n + " for " + ps.size() + " prompts");
        var bon = new BestOfN(model, ModelDir.rewardModel(reward), tok, Kernels.cpu());
        List<BestOfN.Pick> picks;
        try {
            picks = bon.run(ps, n, sampling.params(), sampling.maxNewTokens(model), sampling.batch);
        } catch (Generator.NoFiniteLogit e) {
            throw new IllegalArgumentException(policy + ": " + e.getMessage());
        }
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < picks.size(); i++) {
            var p = picks.get(i);
            JsonObject o = new JsonObject();
            o.addProperty("input_id", Integer.toString(i));
            o.addProperty("prompt", p.prompt());
            o.addProperty("text", p.bestText());
            o.addProperty("score", p.scores()[p.best()]);
            JsonArray scores = new JsonArray();
            for (float s : p.scores()) scores.add(s);
            o.add("candidate_scores", scores);
            rows.add(o);
        }
        Jsonl.write(out, rows);
        System.out.println(picks.size() + " prompts, best of " + n + " -> " + out);
        return 0;
    }
}
