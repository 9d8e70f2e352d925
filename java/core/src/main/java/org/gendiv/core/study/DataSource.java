package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import org.gendiv.core.data.Datasets;
import org.gendiv.core.io.Configs;
import org.gendiv.core.judge.CommandJudge;
import org.gendiv.core.judge.Judge;
import org.gendiv.core.judge.RewardModelJudge;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.semantic.Embedder;
import org.gendiv.core.semantic.MemoEmbedder;
import org.gendiv.core.semantic.MiniLm;
import org.gendiv.core.semantic.NliModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;

/**
 * The user's base model and data sets as a study's source ({@link DataStudy.Spec}): the
 * demonstrations, preference pairs and test sets read from their files (a held_out share of the
 * first two held out), judged against each test input's reference by the trained reward model or
 * the user's command, with model-backed semantic diversity where the config names the models.
 * Every file is read and checked before any training starts.
 */
final class DataSource implements StudySource {
    private final DataStudy.Spec spec;
    private final StudyConfig c;
    private Data data;

    DataSource(DataStudy.Spec spec) {
        this.spec = spec;
        this.c = spec.stages();
    }

    /** Everything read from the files. */
    record Data(List<Sft.Demo> demos, List<Sft.Demo> demosEval, List<RewardTraining.Pair> pairs, List<RewardTraining.Pair> pairsEval,
            List<String> ppoPrompts, Map<String, List<Datasets.Example>> tests) {}

    @Override
    public List<String> tasks() {
        return List.of(spec.task());
    }

    @Override
    public JsonObject config() {
        return DataStudy.describe(spec);
    }

    @Override
    public void prepare() throws IOException {
        var t = spec.templates();
        List<Datasets.Example> train = Datasets.examples(spec.train().file(), spec.train().format(), t);
        List<Sft.Demo> demos = new ArrayList<>();
        for (var e : train) demos.add(new Sft.Demo(e.prompt(), e.reference()));
        int heldDemos = Math.max(1, (int) Math.round(demos.size() * spec.heldOut()));
        List<RewardTraining.Pair> pairs = Datasets.pairs(spec.preferences().file(), spec.preferences().format(), t);
        int heldPairs = Math.max(1, (int) Math.round(pairs.size() * spec.heldOut()));
        if (demos.size() < 2 || pairs.size() < 2)
            throw new Configs.BadConfig("the study needs at least 2 demonstrations and 2 preference pairs (got " + demos.size()
                    + " in " + spec.train().file() + ", " + pairs.size() + " in " + spec.preferences().file() + ")");
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < Math.min(spec.ppoPrompts(), train.size()); i++) prompts.add(train.get(i).prompt());
        Map<String, List<Datasets.Example>> tests = new LinkedHashMap<>();
        tests.put("id", first(Datasets.examples(spec.idTest().file(), spec.idTest().format(), t)));
        for (var e : spec.oodTests().entrySet()) tests.put(e.getKey(), first(Datasets.examples(e.getValue().file(), e.getValue().format(), t)));
        data = new Data(demos.subList(0, demos.size() - heldDemos), demos.subList(demos.size() - heldDemos, demos.size()),
                pairs.subList(0, pairs.size() - heldPairs), pairs.subList(pairs.size() - heldPairs, pairs.size()), prompts, tests);
    }

    private Data data() {
        if (data == null) throw new IllegalStateException("the data sets are read by prepare(), before the stages");
        return data;
    }

    private List<Datasets.Example> first(List<Datasets.Example> all) {
        return all.subList(0, Math.min(c.eval().inputs(), all.size()));
    }

    @Override
    public Path baseModel(Study study, long seed, Path seedDir) {
        return spec.baseModel();
    }

    @Override
    public Demonstrations demonstrations(String task, long seed) {
        return new Demonstrations(data().demos(), data().demosEval());
    }

    @Override
    public Pairs rewardModelPairs(String task, long seed, Path sftDir, Path rmStageDir, boolean main) {
        return new Pairs(data().pairs(), data().pairsEval(), data().pairs().size() + " preference pairs from "
                + spec.preferences().file().getFileName() + " (" + data().pairsEval().size() + " held out)");
    }

    @Override
    public List<String> ppoPrompts(String task, long seed) {
        return data().ppoPrompts();
    }

    /** The test sets in the config's order, ID first, all judged by one judge and measured by one set of semantic scorers. */
    @Override
    public List<TestSplit> testSplits(String task, long seed, RewardModel rm, Tokenizer tok) throws IOException {
        Judge judge = spec.judgeCommand() == null ? new RewardModelJudge(rm, tok, c.eval().batch()) : new CommandJudge(spec.judgeCommand());
        Evaluation.Semantics semantics = semantics(c.eval().batch());
        List<TestSplit> out = new ArrayList<>();
        for (var test : data().tests().entrySet()) {
            String split = test.getKey();
            DataStudy.Source src = split.equals("id") ? spec.idTest() : spec.oodTests().get(split);
            List<Datasets.Example> inputs = test.getValue();
            out.add(new TestSplit(split, src.format() + " (" + src.file().getFileName() + ", " + inputs.size() + " inputs)",
                    inputs.stream().map(Datasets.Example::prompt).toList(), inputs.stream().map(Datasets.Example::reference).toList(),
                    judge, semantics, null));
        }
        return out;
    }

    @Override
    public JsonObject head(String task, long seed, Path rmDir, RewardModel rm, Tokenizer tok, List<TestSplit> splits,
            Map<String, Map<String, List<Evaluation.Judged>>> judged) {
        JsonObject head = new JsonObject();
        head.addProperty("judge", splits.get(0).judge().describe());
        if (spec.embeddingModel() != null || c.eval().embedding())
            head.addProperty("embedding_model", spec.embeddingModel() != null ? spec.embeddingModel().toString() : MiniLm.NAME);
        return head;
    }

    /**
     * Model-backed semantic diversity: embedding diversity (per input and across inputs) from the
     * sentence-transformers model the config names, else from the built-in all-MiniLM-L6-v2
     * (unless eval.embedding is false); NLI diversity from the MNLI classifier it names (per input).
     */
    private Evaluation.Semantics semantics(int batch) throws IOException {
        MemoEmbedder embedder = spec.embeddingModel() != null || c.eval().embedding()
                ? new MemoEmbedder(Embedder.open(spec.embeddingModel(), batch)) : null;
        NliModel nli = spec.nliModel() == null ? null : new NliModel(spec.nliModel());
        if (embedder == null && nli == null) return Evaluation.Semantics.NONE;
        return new Evaluation.Semantics() {
            public void prepare(List<String> texts) {
                if (embedder != null) embedder.prepare(texts);
            }

            public Map<String, Double> perInput(int input, List<String> set, String[] meanings) {
                Map<String, Double> m = new LinkedHashMap<>();
                if (embedder != null) m.put("embedding", embedder.diversity(set));
                if (nli != null) m.put("nli", nli.diversity(set, batch));
                return m;
            }

            public Map<String, Double> across(List<String> firsts, String[] meanings) {
                return embedder == null ? Map.of() : Map.of("embedding", embedder.diversity(firsts));
            }
        };
    }
}
