package org.gendiv.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.RewardModel;
import org.gendiv.core.tokenizer.Tokenizer;
import org.gendiv.diversity.JsonErrors;

/**
 * A model directory as every stage reads and writes it: config.json and model.safetensors (GPT-2
 * names) and the tokenizer.json it was trained with; a reward model adds its head ("score.weight",
 * "score.bias") beside the trunk's tensors, as GPT2ForSequenceClassification does, and
 * reward.json saying how the head's per-position scores are pooled ({"pooling": "mean"}; without
 * the file, "last", as a sequence-classification checkpoint reads them) and, with a log-ratio
 * term, its beta ({"pooling": "mean", "logratio": 0.5}) and the frozen reference model in the
 * subdirectory reference/ (config.json and model.safetensors).
 */
public final class ModelDir {
    private ModelDir() {}

    public static Path tokenizerFile(Path dir) {
        return dir.resolve("tokenizer.json");
    }

    public static Tokenizer tokenizer(Path dir) throws IOException {
        Path f = tokenizerFile(dir);
        if (!Files.exists(f)) throw new Configs.BadConfig(f + ": missing (a model directory needs its tokenizer.json)");
        Tokenizer tok = Tokenizer.load(f);
        if (Files.exists(dir.resolve("config.json"))) {
            int vocab = GptCheckpoint.readConfig(dir).vocab();
            if (tok.vocabSize() > vocab)
                throw new Configs.BadConfig(f + ": " + tok.vocabSize() + " tokens, but the model's vocab_size is " + vocab
                        + " (ids from " + vocab + " up would index past its embeddings)");
        }
        return tok;
    }

    public static Gpt policy(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new Configs.BadConfig(dir + ": no such model directory");
        return GptCheckpoint.load(dir);
    }

    public static RewardModel rewardModel(Path dir) throws IOException {
        Reward r = reward(dir);
        Path ref = dir.resolve(REFERENCE);
        if (r.logratio() > 0 && !Files.exists(ref.resolve("model.safetensors")))
            throw new Configs.BadConfig(dir.resolve(REWARD_JSON) + ": logratio " + r.logratio() + " needs the reference model in " + ref
                    + ", which is missing");
        RewardModel rm = new RewardModel(policy(dir), r.pooling(), r.logratio() > 0 ? GptCheckpoint.load(ref) : null, r.logratio());
        GptCheckpoint.loadExtra(dir, head(rm));
        return rm;
    }

    /**
     * The model directory's model.safetensors is written last: a study keeps a stage whose model
     * has it as finished, so a run killed while exporting must not leave it beside missing files
     * (a reward model read without its reward.json scores with other pooling).
     */
    public static void savePolicy(Gpt model, Path tokenizerFile, Path dir) throws IOException {
        Files.createDirectories(dir);
        copyTokenizer(tokenizerFile, dir);
        GptCheckpoint.save(model, dir);
    }

    public static void saveRewardModel(RewardModel rm, Path tokenizerFile, Path dir) throws IOException {
        Files.createDirectories(dir);
        if (rm.reference() != null) GptCheckpoint.save(rm.reference(), dir.resolve(REFERENCE));
        AtomicFiles.writeString(dir.resolve(REWARD_JSON), "{\"pooling\": \"" + rm.pooling.key() + "\""
                + (rm.reference() != null ? ", \"logratio\": " + rm.logratio() : "") + "}\n");
        copyTokenizer(tokenizerFile, dir);
        GptCheckpoint.save(rm.trunk, head(rm), dir);
    }

    private static final String REWARD_JSON = "reward.json", REFERENCE = "reference";

    /** What reward.json says: the pooling, and the log-ratio term's beta (0 = none). */
    private record Reward(RewardModel.Pooling pooling, double logratio) {}

    private static Reward reward(Path dir) throws IOException {
        Path f = dir.resolve(REWARD_JSON);
        if (!Files.exists(f)) return new Reward(RewardModel.Pooling.LAST, 0);
        try {
            var o = com.google.gson.JsonParser.parseString(TextFiles.read(f)).getAsJsonObject();
            if (!o.has("pooling") || o.size() != (o.has("logratio") ? 2 : 1))
                throw new IllegalArgumentException("expected {\"pooling\": \"" + RewardModel.Pooling.keys("\" | \"")
                        + "\"} and optionally \"logratio\": a number > 0");
            double logratio = o.has("logratio") ? o.get("logratio").getAsDouble() : 0;
            if (o.has("logratio") && !(logratio > 0 && Double.isFinite(logratio)))
                throw new IllegalArgumentException("logratio must be a finite number > 0, got " + o.get("logratio"));
            return new Reward(RewardModel.Pooling.of(o.get("pooling").getAsString()), logratio);
        } catch (com.google.gson.JsonParseException e) {
            throw new Configs.BadConfig(f + ": not valid JSON (" + JsonErrors.reason(e) + ")");
        } catch (RuntimeException e) {  // a wrong type or value
            throw new Configs.BadConfig(f + ": " + e.getMessage());
        }
    }

    private static Map<String, Tensor> head(RewardModel rm) {
        return Map.of("score.weight", rm.head.weight(), "score.bias", rm.head.bias());
    }

    private static void copyTokenizer(Path from, Path dir) throws IOException {
        Path to = tokenizerFile(dir);
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) return;
        Path tmp = Files.createTempFile(dir, ".tokenizer", ".json.tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
