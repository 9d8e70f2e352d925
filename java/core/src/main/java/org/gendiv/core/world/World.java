package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gendiv.diversity.NliDiversity;

/**
 * An embedded task whose meaning is known exactly: it writes inputs for the in-distribution split
 * and for OOD splits graded by the size of the shift, simulated demonstrations (right in meaning,
 * varied in phrasing, sometimes imperfect), raw text for pretraining, and judges any output by
 * parsing it back into its meaning. Everything is a function of the random stream it is given.
 */
public interface World {
    /** "summarisation" or "instructions". */
    String name();

    /** The evaluation splits, ID first, then OOD by growing shift. */
    default List<String> splits() {
        return List.of("id", "ood1", "ood2", "ood3");
    }

    /** A line per split saying what it shifts ("unseen entities", ...). */
    String describe(String split);

    /** One input of a split: its prompt and the truth the judge scores against. */
    Example example(String split, SplittableRandom rng);

    /** A demonstration: a valid phrasing of the right meaning, imperfect with probability errorRate. */
    String demonstrate(Example e, double errorRate, SplittableRandom rng);

    /**
     * An answer that is right but for one slip of the kinds a learnt policy makes and demonstrate's
     * errors (a fact dropped, or swapped for another whole value) never do: something not copied
     * from the input (an entity with a syllable changed; a list word the input does not have), or
     * (summarisation) a fact the input does not state. The reward model must learn to see them.
     */
    String slip(Example e, SplittableRandom rng);

    /** Raw documents for pretraining the base model (every register and entity, no prompt-answer pairs). */
    String document(SplittableRandom rng);

    /** What an output means and how good it is (gold quality in [0, 1]). */
    Judgement judge(Example e, String output);

    /**
     * Scripted policies of known skill, the instrument check that each split is winnable (the
     * oracle wins there) and graded (a policy lacking the skill a split shifts loses there).
     */
    enum Scripted {
        ORACLE("states the right answer in the shortest phrasing"),
        NO_COPY("cannot emit an entity it never saw in SFT data, writes a seen one instead"),
        SEEN_UNITS("copies entities only as far as they are made of units SFT wrote, a rare unit becomes a common one"),
        ID_ONLY("reads every input as the ID split writes them");

        public final String description;

        Scripted(String description) {
            this.description = description;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The output of a scripted policy for an input. */
    String scripted(Scripted policy, Example e, SplittableRandom rng);

    /** The scripted policies a split is designed to defeat (none for ID). */
    Set<Scripted> defeats(String split);

    /** Every word the world can write (entities included): the tokenizer gets a token for each. */
    Set<String> lexicon();

    /**
     * The judges' concision term in (0, 1): budget / (budget + words), falling smoothly with
     * length so that right answers of different lengths do not tie.
     */
    static double concision(int words, int budget) {
        return words == 0 ? 0 : (double) budget / (budget + words);
    }

    /** The exact NLI analogue: does premise entail, contradict or leave open the hypothesis? */
    NliDiversity.Probabilities nli(Example e, String premise, String hypothesis);

    record Example(String split, String prompt, Object truth) {}

    /** meaning: a canonical string of the parsed content (equal strings = same meaning). */
    record Judgement(String meaning, double quality) {}

    NliDiversity.Probabilities ENTAILS = new NliDiversity.Probabilities(1, 0, 0);
    NliDiversity.Probabilities NEUTRAL = new NliDiversity.Probabilities(0, 1, 0);
    NliDiversity.Probabilities CONTRADICTS = new NliDiversity.Probabilities(0, 0, 1);

    static World of(String name) {
        return switch (name) {
            case "summarisation" -> new Summarisation();
            case "instructions" -> new Instructions();
            default -> throw new IllegalArgumentException("unknown task '" + name + "' (tasks: summarisation, instructions)");
        };
    }

    static <T> T pick(List<T> xs, SplittableRandom rng) {
        return xs.get(rng.nextInt(xs.size()));
    }

    /** Words and runs of punctuation, as the tokenizer splits them ("tired," is "tired" and ","). */
    static String[] words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        while (m.find()) out.add(m.group());
        return out.toArray(new String[0]);
    }

    Pattern PIECES = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** Texts that use every word the world can write: for training a tokenizer that never needs UNK. */
    default List<String> vocabularyTexts(SplittableRandom rng, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Example e = example(splits().get(i % splits().size()), rng);
            out.add(e.prompt());
            out.add(demonstrate(e, i % 2, rng));
        }
        out.add(String.join(" ", new TreeSet<>(lexicon())));
        return out;
    }
}
