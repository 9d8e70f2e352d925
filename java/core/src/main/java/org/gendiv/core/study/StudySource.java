package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;

/**
 * Where a study's data come from, the one thing its two kinds differ in: the embedded worlds
 * ({@link WorldSource}) or the user's base model and data sets ({@link DataSource}). Each gives,
 * per task and seed, the base model, the demonstrations, the preference pairs, the PPO prompts
 * and the test splits with their judge; {@link Study} runs the same stages, methods, evaluation,
 * results and report on either.
 */
interface StudySource {
    /** The tasks, in order. */
    List<String> tasks();

    /** config.json's content: the settings the study runs with. */
    JsonObject config();

    /** Reads and checks the source's files before any training starts (default: there are none). */
    default void prepare() throws IOException {}

    /** The model each task fine-tunes on this seed: pretrained by the study's own stage (in seedDir), or the user's. */
    Path baseModel(Study study, long seed, Path seedDir) throws IOException;

    /** SFT's demonstrations: to train on, and held out for its evaluation loss. */
    record Demonstrations(List<Sft.Demo> train, List<Sft.Demo> heldOut) {}

    Demonstrations demonstrations(String task, long seed);

    /** The reward model's pairs: to train on and to choose the exported checkpoint by; what they are, for the log. */
    record Pairs(List<RewardTraining.Pair> train, List<RewardTraining.Pair> validation, String describe) {}

    /**
     * The reward model's pairs (sftDir: the SFT model, whose samples a source may pair). A source
     * may keep pairs held out for its instrument check in the stage's directory rmStageDir; only
     * the main rank writes there.
     */
    Pairs rewardModelPairs(String task, long seed, Path sftDir, Path rmStageDir, boolean main) throws IOException;

    List<String> ppoPrompts(String task, long seed);

    /** The test splits, ID first, each with its judge (the study's reward model and tokenizer, should the source judge with them). */
    List<TestSplit> testSplits(String task, long seed, RewardModel rm, Tokenizer tok) throws IOException;

    /**
     * The entries that open the task's block of results.json, before its splits: what judged and
     * what measured, and the instrument checks where the source can make them, from the judged
     * outputs of every method on every split (split -> method -> outputs).
     */
    JsonObject head(String task, long seed, Path rmDir, RewardModel rm, Tokenizer tok, List<TestSplit> splits,
            Map<String, Map<String, List<Evaluation.Judged>>> judged) throws IOException;
}
