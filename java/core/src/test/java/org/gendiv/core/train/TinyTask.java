package org.gendiv.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Gpt;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.tokenizer.WordTokenizer;

/**
 * A task small enough to train in seconds: "say <colour>" answered by three words drawn from
 * {good, bad, ok, fine}; preferences favour the response with more "good"s. A policy that learns
 * to say "good good good" earns the most reward.
 */
final class TinyTask {
    static final String[] COLOURS = {"red", "blue", "green", "black", "white", "pink", "grey", "gold"};
    static final String[] WORDS = {"good", "bad", "ok", "fine"};

    final WordTokenizer tok;
    final Path tokFile;
    final GptConfig config;

    TinyTask(Path dir) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String c : COLOURS) texts.add("say " + c);
        texts.add(String.join(" ", WORDS));
        tok = WordTokenizer.train(texts, 64, 1);
        tokFile = dir.resolve("tokenizer.json");
        tok.save(tokFile);
        config = new GptConfig(tok.vocabSize(), 16, 2, 2, 32, 0.0);
    }

    Gpt freshModel(long seed) {
        torch.manual_seed(seed);
        return new Gpt(config);
    }

    static String response(SplittableRandom rng) {
        return WORDS[rng.nextInt(4)] + " " + WORDS[rng.nextInt(4)] + " " + WORDS[rng.nextInt(4)];
    }

    static List<String> prompts(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("say " + COLOURS[rng.nextInt(COLOURS.length)]);
        return out;
    }

    static List<Sft.Demo> demos(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Sft.Demo> out = new ArrayList<>();
        for (String p : prompts(n, seed + 1)) out.add(new Sft.Demo(p, response(rng)));
        return out;
    }

    static int goods(String s) {
        int n = 0;
        for (String w : s.split(" ")) if (w.equals("good")) n++;
        return n;
    }

    static List<RewardTraining.Pair> pairs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RewardTraining.Pair> out = new ArrayList<>();
        for (String p : prompts(4 * n, seed + 1)) {
            String a = response(rng), b = response(rng);
            if (goods(a) == goods(b)) continue;
            out.add(goods(a) > goods(b) ? new RewardTraining.Pair(p, a, b) : new RewardTraining.Pair(p, b, a));
            if (out.size() == n) break;
        }
        return out;
    }

    static Trainer.Schedule schedule(int checkpointEvery) {
        return new Trainer.Schedule(1, 0, checkpointEvery, 7);
    }
}
