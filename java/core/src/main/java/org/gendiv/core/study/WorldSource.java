package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.io.Configs;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.semantic.MiniLm;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.Pretrain;
import org.gendiv.core.train.Scoring;
import org.gendiv.core.world.World;

/**
 * The embedded worlds as a study's source: a base model pretrained per seed on both worlds' raw
 * text, demonstrations and simulated preferences drawn from the world, test splits judged by the
 * world's gold judge, and the instrument checks only a world with known gold can make (the reward
 * model against its labels' ceiling, PPO's movement, each split's scripted policies).
 */
final class WorldSource implements StudySource {
    private final StudyConfig c;
    final WorldData data;
    /** Each split's inputs and references by task, seed and split: drawn once for the evaluation and its checks. */
    private final Map<List<Object>, WorldData.Split> splits = new HashMap<>();

    WorldSource(StudyConfig c, Methods methods) {
        this.c = c;
        this.data = new WorldData(c, methods);
    }

    @Override
    public List<String> tasks() {
        return c.tasks();
    }

    @Override
    public JsonObject config() {
        return Configs.toJson(c);
    }

    @Override
    public Path baseModel(Study study, long seed, Path seedDir) throws IOException {
        Path tokFile = seedDir.resolve("tokenizer.json");
        return study.stage(seedDir.resolve("base"), c.pretrain(), c.pretrain().schedule(), () -> {
            List<String> corpus = data.corpus(seed);
            if (study.group().isMain() && !Files.exists(tokFile)) data.trainTokenizer(seed, corpus, tokFile);
            study.group().barrier();  // rank 0's tokenizer is written
            Tokenizer tok = Tokenizer.load(tokFile);
            study.log("seed " + seed + ": pretraining the base model on " + corpus.size() + " documents (vocabulary "
                    + tok.vocabSize() + ")");
            torch.manual_seed(seed);
            return Pretrain.stage(c.pretrain(), tok, tokFile, corpus, List.of());
        });
    }

    @Override
    public Demonstrations demonstrations(String task, long seed) {
        var all = data.demos(World.of(task), seed);
        int n = c.world().sftExamples();
        return new Demonstrations(all.subList(0, n), all.subList(n, all.size()));
    }

    /** The reward model's held-out pairs, with what the annotator knew (for the instrument checks), in its stage directory. */
    static Path heldOutPairs(Path rmStageDir) {
        return rmStageDir.resolve("heldout-pairs.jsonl");
    }

    @Override
    public Pairs rewardModelPairs(String task, long seed, Path sftDir, Path rmStageDir, boolean main) throws IOException {
        var wd = c.world();
        WorldData.RmData pairs = data.rmData(World.of(task), seed, sftDir);
        if (main) Preferences.write(heldOutPairs(rmStageDir), pairs.test());
        int batch = c.forTask(task).rm().batchSize();
        if (pairs.train().size() < batch)
            throw new Configs.BadConfig("the world gave " + pairs.train().size() + " untied preference pairs, fewer than rm.batch_size ("
                    + batch + "): raise world.rm_prompts or lower world.tie_threshold");
        String describe = pairs.train().size() + " untied preference pairs (" + wd.rmSamples()
                + (wd.rmCandidates().equals("policy") ? " SFT samples" : " demonstrations") + " per prompt, all pairs"
                + (wd.rmDemonstratorPrompts() > 0 ? "; and " + wd.rmDemonstratorPrompts() + " prompts of demonstrations" : "")
                + "); held out: " + pairs.validation().size() + " to choose the checkpoint by, " + pairs.test().size()
                + " for the instrument check";
        return new Pairs(Preferences.pairs(pairs.train()), Preferences.pairs(pairs.validation()), describe);
    }

    @Override
    public List<String> ppoPrompts(String task, long seed) {
        return data.ppoPrompts(World.of(task), seed);
    }

    @Override
    public List<TestSplit> testSplits(String task, long seed, RewardModel rm, Tokenizer tok) throws IOException {
        World w = World.of(task);
        List<TestSplit> out = new ArrayList<>();
        for (String split : w.splits()) out.add(test(w, seed, split));
        return out;
    }

    /** One split of the world: its inputs, references and gold judge, and the world's exact semantics (and MiniLM's when asked). */
    TestSplit test(World w, long seed, String split) throws IOException {
        WorldData.Split s = split(w, seed, split);
        return s.test(w, split, Evaluation.of(w, s.inputs(), c.eval().embedding() ? MiniLm.shared() : null));
    }

    private WorldData.Split split(World w, long seed, String split) {
        return splits.computeIfAbsent(List.of(w.name(), seed, split), k -> data.split(w, seed, split));
    }

    @Override
    public JsonObject head(String task, long seed, Path rmDir, RewardModel rm, Tokenizer tok, List<TestSplit> splits,
            Map<String, Map<String, List<Evaluation.Judged>>> judged) throws IOException {
        World w = World.of(task);
        JsonObject splitChecks = new JsonObject();
        for (TestSplit t : splits) {
            WorldData.Split s = split(w, seed, t.name());
            double sftWin = judged.get(t.name()).get("sft").stream().mapToDouble(Evaluation.Judged::win).average().orElse(Double.NaN);
            splitChecks.add(t.name(), Instruments.split(w, t.name(), s.inputs(), s.referenceGold(), sftWin,
                    WorldData.rng(seed, task, t.name(), "scripted")));
        }
        var onId = judged.get("id");
        JsonObject head = new JsonObject();
        if (c.eval().embedding()) head.addProperty("embedding_model", MiniLm.NAME);
        // The within-input Spearman ranks each input's K samples: the diversity inputs' (the rest have win_rate_samples).
        List<Evaluation.Judged> sftK = onId.get("sft").stream().filter(j -> j.input() < c.eval().diversityInputs()).toList();
        head.add("instruments", Instruments.of(rewardModelCheck(rm, tok, rmDir, sftK),
                Instruments.ppo(onId.get("sft"), onId.get("ppo")), splitChecks));
        return head;
    }

    /** The reward model's instrument check: its held-out pairs (written when it was trained) scored by it, and SFT's ID samples. */
    private JsonObject rewardModelCheck(RewardModel rm, Tokenizer tok, Path rmDir, List<Evaluation.Judged> sftOnId) throws IOException {
        List<Preferences.Labelled> held = Preferences.read(heldOutPairs(rmDir.getParent()));  // rmDir is the stage's model/
        List<String> prompts = new ArrayList<>(), chosen = new ArrayList<>(), rejected = new ArrayList<>();
        for (var p : held) {
            prompts.add(p.pair().prompt());
            chosen.add(p.pair().chosen());
            rejected.add(p.pair().rejected());
        }
        return Instruments.rewardModel(held, Scoring.scores(rm, tok, prompts, chosen, c.eval().batch()),
                Scoring.scores(rm, tok, prompts, rejected, c.eval().batch()), sftOnId, c.world().tieThreshold());
    }
}
