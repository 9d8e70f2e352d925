package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.gendiv.diversity.NliDiversity;

/**
 * Instruction following, mirroring AlpacaFarm -> AlpacaEval / Sequential Instructions: an
 * instruction (sort, reverse, first, last, count) over a list of words, answered in natural
 * phrasing. OOD splits: (1) words SFT never saw (seen in pretraining only); (2) longer lists; (3)
 * two instructions chained ("reverse this list and then give me the first word"), never seen in
 * training.
 */
public final class Instructions implements World {
    static final List<String> ITEMS = List.of("apple", "pear", "plum", "fig", "lime", "kiwi", "mango", "grape", "lemon",
            "peach", "cherry", "melon", "banana", "berry", "date", "orange", "carrot", "onion", "pepper", "bean", "corn",
            "pea", "rice", "bread", "cheese", "honey", "nut", "egg", "tomato", "potato"),
            NEW_ITEMS = List.of("olive", "guava", "papaya", "quince", "apricot", "lychee", "radish", "turnip", "leek", "celery");
    static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten");
    enum Op {
        SORT("sort these words", "put these in alphabetical order"),
        REVERSE("reverse this list", "write these backwards"),
        FIRST("what is the first word", "give me the first word"),
        LAST("what is the last word", "give me the last word"),
        COUNT("how many words are there", "count these words");

        final List<String> phrasings;

        Op(String... phrasings) {
            this.phrasings = List.of(phrasings);
        }

        boolean listValued() {
            return this == SORT || this == REVERSE;
        }

        List<String> apply(List<String> xs) {
            return switch (this) {
                case SORT -> xs.stream().sorted().toList();
                case REVERSE -> {
                    List<String> r = new ArrayList<>(xs);
                    Collections.reverse(r);
                    yield r;
                }
                case FIRST -> List.of(xs.get(0));
                case LAST -> List.of(xs.get(xs.size() - 1));
                case COUNT -> List.of(NUMBERS.get(xs.size()));
            };
        }
    }

    /**
     * The answer: a list (sort, reverse), one word (first, last) or a number word (count); with
     * the question it answers (the items, the operation, and the one before it when chained).
     */
    record Answer(String kind, List<String> value, List<String> items, Op op, Op before) {
        Answer(String kind, List<String> value) {
            this(kind, value, List.of(), null, null);
        }

        String canonical() {
            return kind + ":" + String.join(",", value);
        }
    }

    @Override
    public String name() {
        return "instructions";
    }

    @Override
    public String describe(String split) {
        return switch (split) {
            case "id" -> "one instruction over 3-5 seen words";
            case "ood1" -> "unseen words";
            case "ood2" -> "longer lists (6-8 words)";
            case "ood3" -> "two instructions chained (sequential instructions)";
            default -> split;
        };
    }

    @Override
    public Example example(String split, SplittableRandom rng) {
        int n = split.equals("ood2") ? 6 + rng.nextInt(3) : 3 + rng.nextInt(3);
        List<String> pool = new ArrayList<>(split.equals("ood1") ? NEW_ITEMS : ITEMS);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n && !pool.isEmpty(); i++) items.add(pool.remove(rng.nextInt(pool.size())));
        Op[] ops = Op.values();
        String instruction;
        Answer answer;
        if (split.equals("ood3")) {
            Op a = rng.nextBoolean() ? Op.SORT : Op.REVERSE;
            Op b = ops[rng.nextInt(ops.length)];
            while (b == a) b = ops[rng.nextInt(ops.length)];
            instruction = World.pick(a.phrasings, rng) + " and then " + World.pick(b.phrasings, rng);
            answer = answer(b, b.apply(a.apply(items)), items, a);
        } else {
            Op op = ops[rng.nextInt(ops.length)];
            instruction = World.pick(op.phrasings, rng);
            answer = answer(op, op.apply(items), items, null);
        }
        return new Example(split, instruction + " : " + String.join(" ", items), answer);
    }

    private static Answer answer(Op op, List<String> value, List<String> items, Op before) {
        return new Answer(op.listValued() ? "list" : op == Op.COUNT ? "count" : "word", value, List.copyOf(items), op, before);
    }

    @Override
    public String demonstrate(Example e, double errorRate, SplittableRandom rng) {
        Answer a = (Answer) e.truth();
        List<String> v = new ArrayList<>(a.value());
        String tail = "";
        if (rng.nextDouble() < errorRate) {
            double kind = rng.nextDouble();
            if (kind < 0.7) v = corrupt(a.kind(), v, rng);
            else tail = World.pick(List.of(" , hope this helps", " , easy", " , let me know if you need more"), rng);
        }
        return phrase(a.kind(), v, rng) + tail;
    }

    @Override
    public String slip(Example e, SplittableRandom rng) {  // a word the list does not have (a count off by one)
        Answer a = (Answer) e.truth();
        if (a.kind().equals("count")) return phrase(a.kind(), corrupt(a.kind(), a.value(), rng), rng);
        List<String> v = new ArrayList<>(a.value());
        String w;
        do w = World.pick(ITEMS, rng); while (a.items().contains(w));
        v.set(rng.nextInt(v.size()), w);
        return phrase(a.kind(), v, rng);
    }

    private static List<String> corrupt(String kind, List<String> v, SplittableRandom rng) {
        List<String> out = new ArrayList<>(v);
        switch (kind) {
            case "list" -> {
                if (out.size() > 2 && rng.nextBoolean()) out.remove(rng.nextInt(out.size()));
                else Collections.swap(out, 0, out.size() - 1);
            }
            case "count" -> {
                int n = NUMBERS.indexOf(out.get(0));
                out.set(0, NUMBERS.get(n + (n == NUMBERS.size() - 1 || rng.nextBoolean() && n > 0 ? -1 : 1)));
            }
            default -> {
                String w;
                do w = World.pick(ITEMS, rng); while (w.equals(out.get(0)));
                out.set(0, w);
            }
        }
        return out;
    }

    /** One of several phrasings of an answer. */
    static String phrase(String kind, List<String> v, SplittableRandom rng) {
        String x = String.join(" ", v);
        List<String> forms = switch (kind) {
            case "list" -> List.of(x, "here is the list : " + x, "the result is " + x, "sure , " + x, "okay : " + x);
            case "count" -> List.of(x, "there are " + x + " words", "the answer is " + x, "i count " + x);
            default -> List.of(x, "the answer is " + x, "it is " + x, "that would be " + x);
        };
        return World.pick(forms, rng);
    }

    @Override
    public String document(SplittableRandom rng) {
        String[] splits = {"id", "id", "ood1", "ood2", "ood3"};
        Example e = example(splits[rng.nextInt(splits.length)], rng);
        return switch (rng.nextInt(3)) {
            case 0 -> e.prompt() + " ?";  // instructions alone
            case 1 -> {                   // answers' phrasing over random content, never paired with a prompt
                Answer a = (Answer) example(splits[rng.nextInt(splits.length)], rng).truth();
                yield phrase(a.kind(), a.value(), rng) + " .";
            }
            default -> "a list of words : " + e.prompt().substring(e.prompt().indexOf(" : ") + 3) + " .";
        };
    }

    static Answer parse(String kind, String output) {
        List<String> items = new ArrayList<>(), numbers = new ArrayList<>();
        for (String w : World.words(output)) {
            if (ITEMS.contains(w) || NEW_ITEMS.contains(w)) items.add(w);
            else if (NUMBERS.contains(w)) numbers.add(w);
        }
        return new Answer(kind, kind.equals("count") ? numbers : items);
    }

    @Override
    public Judgement judge(Example e, String output) {
        Answer truth = (Answer) e.truth(), said = parse(truth.kind(), output);
        double correct;
        if (said.value().equals(truth.value())) correct = 1;
        else if (truth.kind().equals("list")) correct = 0.6 * lcs(said.value(), truth.value()) / Math.max(said.value().size(), truth.value().size());
        else correct = said.value().contains(truth.value().get(0)) ? 0.4 / said.value().size() : 0;
        int words = World.words(output).length, budget = truth.value().size() + 5;
        return new Judgement(said.canonical(), 0.85 * correct + 0.15 * World.concision(words, budget));
    }

    @Override
    public String scripted(Scripted policy, Example e, SplittableRandom rng) {
        Answer a = (Answer) e.truth();
        List<String> value = switch (policy) {
            case ORACLE, SEEN_UNITS -> a.value();  // no sub-word units here: copying a seen word is all there is
            case NO_COPY -> a.value().stream().map(w -> NEW_ITEMS.contains(w) ? World.pick(ITEMS, rng) : w).toList();
            case ID_ONLY -> {  // at most five words, one instruction: the last one named, applied to the list as given
                List<String> items = a.items().subList(0, Math.min(5, a.items().size()));
                yield a.op().apply(items);
            }
        };
        return String.join(" ", value);
    }

    @Override
    public Set<Scripted> defeats(String split) {
        return switch (split) {
            case "ood1" -> EnumSet.of(Scripted.NO_COPY);
            case "ood2", "ood3" -> EnumSet.of(Scripted.ID_ONLY);
            default -> EnumSet.noneOf(Scripted.class);
        };
    }

    @Override
    public Set<String> lexicon() {
        return vocabulary();
    }

    /** Every word this world writes. */
    static Set<String> vocabulary() {
        Set<String> w = new TreeSet<>();
        w.addAll(ITEMS);
        w.addAll(NEW_ITEMS);
        w.addAll(NUMBERS);
        for (Op op : Op.values()) for (String p : op.phrasings) w.addAll(List.of(World.words(p)));
        w.addAll(List.of(World.words("and then here is the list : the result is sure , okay there are words the answer is i count"
                + " it is that would be hope this helps easy let me know if you need more a list of words . ?")));
        return w;
    }

    static int lcs(List<String> a, List<String> b) {
        int[][] d = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++)
            for (int j = 1; j <= b.size(); j++)
                d[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? d[i - 1][j - 1] + 1 : Math.max(d[i - 1][j], d[i][j - 1]);
        return d[a.size()][b.size()];
    }

    @Override
    public NliDiversity.Probabilities nli(Example e, String premise, String hypothesis) {
        String kind = ((Answer) e.truth()).kind();
        Answer p = parse(kind, premise), h = parse(kind, hypothesis);
        if (p.value().isEmpty() || h.value().isEmpty()) return NEUTRAL;
        return p.value().equals(h.value()) ? ENTAILS : CONTRADICTS;
    }
}
