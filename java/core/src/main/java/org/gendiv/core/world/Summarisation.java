package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.gendiv.diversity.NliDiversity;

import static org.gendiv.core.world.SummarisationText.*;  // the lists, entities and phrasings

/**
 * Summarisation, mirroring TL;DR -> CNN/DailyMail. A post tells who did what, where, when and how
 * they felt (some posts also who was there, or why), among filler; a good summary states those
 * facts, and only those, concisely. People and places are two made-up syllables each ("kai miu",
 * see {@link Entities}), hundreds of them, so a summariser must copy them. OOD splits, by growing
 * shift: (1) people and places SFT never saw, made of syllables it wrote; (2) as (1), and the
 * person's name has a syllable SFT never wrote (seen in pretraining only); (3) a news register (other
 * templates and framing, one with another fact order), a third of it with unseen events, days and
 * feelings too. A post opens with zero to two intro sentences and puts its filler before or after
 * the feeling, so a fact stands at no fixed place: SFT must copy it by what it is, which is what
 * lets it read the news register at all (with one intro sentence always first, SFT copied by
 * position and won no news input). Every fact a reference states is demonstrated somewhere in the
 * SFT data.
 */
public final class Summarisation implements World {
    /** How often an ID post also names a companion, or else a reason: SFT demonstrates both facts. */
    static final double COMPANION_RATE = 0.25, REASON_RATE = 0.25;
    static final List<String> SLOTS = List.of("who", "event", "where", "when", "feeling", "with", "reason");

    private static final Map<String, String> SLOT_OF = new LinkedHashMap<>();
    static {
        for (String w : PEOPLE.all()) SLOT_OF.put(w, "name");
        for (String w : PLACE.all()) SLOT_OF.put(w, "where");
        for (var l : List.of(DAYS, NEW_DAYS)) for (String w : l) SLOT_OF.put(w, "when");
        for (var l : List.of(EVENTS, NEW_EVENTS)) for (String e : l) SLOT_OF.put(e.split(" ")[1], "event");
        for (var l : List.of(FEELINGS, NEW_FEELINGS)) for (String w : l) SLOT_OF.put(w, "feeling");
        for (String w : REASONS) SLOT_OF.put(w, "reason");
    }

    @Override
    public String name() {
        return "summarisation";
    }

    @Override
    public String describe(String split) {
        return switch (split) {
            case "id" -> "Reddit-style posts, people and places from SFT's data";
            case "ood1" -> "people and places SFT never saw, made of syllables it wrote";
            case "ood2" -> "as ood1, and the person's name has a syllable SFT never wrote (pretraining only)";
            case "ood3" -> "news register: other templates and fact order, a third with unseen events, days and feelings";
            default -> split;
        };
    }

    /** The facts of a post, slot to value (the event as its object word). */
    record Facts(Map<String, String> slots) {}

    @Override
    public Example example(String split, SplittableRandom rng) {
        // ood1 and ood2 shift the entities only; events, days and feelings stay known.
        boolean news = split.equals("ood3");
        List<String> people = switch (split) {
            case "ood1" -> PEOPLE.newCombinations();
            case "ood2" -> PEOPLE.rareUnit();
            default -> NAMES;
        }, places = switch (split) {
            case "ood1", "ood2" -> PLACE.newCombinations();  // in ood2 the person alone carries the unit SFT never wrote
            default -> PLACES;
        };
        Map<String, String> f = new LinkedHashMap<>();
        f.put("who", World.pick(people, rng));
        f.put("event", World.pick(EVENTS, rng).split(" ")[1]);
        f.put("where", World.pick(places, rng));
        f.put("when", World.pick(DAYS, rng));
        f.put("feeling", World.pick(FEELINGS, rng));
        // A post names at most one extra fact, the news register none.
        double extra = rng.nextDouble();
        boolean with = !news && extra < COMPANION_RATE, reason = !news && extra >= 1 - REASON_RATE;
        if (with) {
            String companion;
            List<String> companions = split.equals("ood2") ? PEOPLE.newCombinations() : people;
            do companion = World.pick(companions, rng); while (companion.equals(f.get("who")));
            f.put("with", companion);
        }
        if (reason) f.put("reason", World.pick(REASONS, rng));
        if (split.equals("ood3") && rng.nextInt(3) == 0) {  // the news register also brings events, days and feelings of its own
            f.put("event", World.pick(NEW_EVENTS, rng).split(" ")[1]);
            f.put("when", World.pick(NEW_DAYS, rng));
            f.put("feeling", World.pick(NEW_FEELINGS, rng));
        }
        String text = news ? news(f, rng) : post(f, rng);
        return new Example(split, "summarize : " + text, new Facts(f));
    }

    @Override
    public String demonstrate(Example e, double errorRate, SplittableRandom rng) {
        Map<String, String> f = new LinkedHashMap<>(((Facts) e.truth()).slots());
        String tail = "";
        if (rng.nextDouble() < errorRate) {
            double kind = rng.nextDouble();
            List<String> optional = new ArrayList<>(f.keySet());
            optional.removeAll(List.of("who", "event"));
            if (kind < 0.5) f.remove(World.pick(optional, rng));
            else if (kind < 0.8) {
                String slot = World.pick(optional, rng);
                f.put(slot, wrong(slot, f.get(slot), rng));
            } else tail = World.pick(List.of(" , which was a lot", " , so yeah", " , i think"), rng);
        }
        return summary(f, rng) + tail;
    }

    @Override
    public String slip(Example e, SplittableRandom rng) {
        Map<String, String> f = new LinkedHashMap<>(((Facts) e.truth()).slots());
        if (!f.containsKey("reason") && rng.nextBoolean()) f.put("reason", World.pick(REASONS, rng));  // a reason the post never gives
        else {
            List<String> entities = new ArrayList<>(List.of("who", "where"));
            if (f.containsKey("with")) entities.add("with");
            String slot = World.pick(entities, rng);
            f.put(slot, oneUnitChanged(f.get(slot), rng));
        }
        return summary(f, rng);
    }

    /** The entity with one of its syllables replaced by another common one (a copy gone wrong). */
    private static String oneUnitChanged(String entity, SplittableRandom rng) {
        String[] units = entity.split(" ");
        int i = rng.nextInt(units.length);
        String u;
        do u = World.pick(COMMON_UNITS, rng); while (u.equals(units[i]));
        units[i] = u;
        return String.join(" ", units);
    }

    private static String wrong(String slot, String value, SplittableRandom rng) {
        List<String> pool = switch (slot) {
            case "where" -> PLACES;
            case "when" -> DAYS;
            case "feeling" -> FEELINGS;
            case "reason" -> REASONS;
            default -> NAMES;
        };
        String w;
        do w = World.pick(pool, rng); while (w.equals(value));
        return w;
    }

    @Override
    public String document(SplittableRandom rng) {
        String[] splits = {"id", "id", "ood1", "ood2", "ood3"};
        Example e = example(splits[rng.nextInt(splits.length)], rng);
        String post = e.prompt().substring("summarize : ".length());
        return switch (rng.nextInt(3)) {
            case 0 -> post;
            // A post and then its facts as a bare list (a reader's notes): copying every kind of fact
            // out of a text, in every register and for every entity, without the summaries' phrasing.
            case 1 -> post + " notes : " + String.join(" , ", ((Facts) e.truth()).slots().values()) + " .";
            // Sentences in the summaries' style, about random facts: fluency, not the task.
            default -> summary(((Facts) example(splits[rng.nextInt(splits.length)], rng).truth()).slots(), rng) + " .";
        };
    }

    /**
     * An output's words with each run of syllables joined into one entity ("kai miu"); a run that
     * is no known entity ("kai", "kai miu lou") becomes the slot "unknown".
     */
    static List<String> mentions(String output) {
        List<String> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (String w : World.words(output)) {
            if (UNIT_SET.contains(w)) {
                run.append(run.isEmpty() ? "" : " ").append(w);
                continue;
            }
            if (!run.isEmpty()) out.add(run.toString());
            run.setLength(0);
            out.add(w);
        }
        if (!run.isEmpty()) out.add(run.toString());
        return out;
    }

    private static final Set<String> UNIT_SET = Set.copyOf(UNITS);

    /** The facts an output states: slot to values (names: the first is who, the rest companions; garbled entities: unknown). */
    static Map<String, List<String>> parse(String output) {
        Map<String, List<String>> m = new TreeMap<>();
        for (String w : mentions(output)) {
            String slot = SLOT_OF.get(w);
            if (slot == null && UNIT_SET.contains(w.split(" ")[0])) slot = "unknown";
            if (slot == null) continue;
            List<String> vs = m.computeIfAbsent(slot, k -> new ArrayList<>());
            if (!vs.contains(w)) vs.add(w);
        }
        List<String> names = m.remove("name");
        if (names != null) {
            m.put("who", List.of(names.get(0)));
            if (names.size() > 1) m.put("with", names.subList(1, names.size()));
        }
        return m;
    }

    @Override
    public Judgement judge(Example e, String output) {
        Map<String, String> truth = ((Facts) e.truth()).slots();
        Map<String, List<String>> said = parse(output);
        int correct = 0, wrong = 0;
        for (var s : said.entrySet())
            for (String v : s.getValue()) {
                if (v.equals(truth.get(s.getKey()))) correct++;
                else wrong++;
            }
        double recall = (double) correct / truth.size();
        double precision = correct + wrong == 0 ? 0 : (double) correct / (correct + wrong);
        int words = World.words(output).length, budget = 3 * truth.size() + 2;
        return new Judgement(said.toString(), 0.6 * recall + 0.25 * precision + 0.15 * World.concision(words, budget));
    }

    @Override
    public String scripted(Scripted policy, Example e, SplittableRandom rng) {
        Map<String, String> f = new LinkedHashMap<>(((Facts) e.truth()).slots());
        switch (policy) {
            case ORACLE -> {}
            case NO_COPY -> f.replaceAll((slot, v) -> seen(slot, v, rng));
            case SEEN_UNITS -> f.replaceAll((slot, v) -> slot.equals("who") || slot.equals("with") || slot.equals("where")
                    ? commonUnitsOnly(v, rng) : v);
            case ID_ONLY -> {
                if (e.split().equals("ood3")) f.keySet().retainAll(List.of("who", "event"));  // news templates unread
                else if (f.containsKey("with")) f.remove("reason");                            // one extra fact, as ID posts carry
            }
        }
        String best = null;
        for (int form = 0; form < (f.containsKey("feeling") ? 4 : 2); form++) {
            String s = summary(f, form);
            if (best == null || World.words(s).length < World.words(best).length) best = s;
        }
        return best;
    }

    @Override
    public Set<Scripted> defeats(String split) {
        return switch (split) {
            case "ood1" -> EnumSet.of(Scripted.NO_COPY);
            case "ood2" -> EnumSet.of(Scripted.NO_COPY, Scripted.SEEN_UNITS);
            case "ood3" -> EnumSet.of(Scripted.ID_ONLY);
            default -> EnumSet.noneOf(Scripted.class);
        };
    }

    @Override
    public Set<String> lexicon() {
        Set<String> w = fixedWords();
        for (String k : SLOT_OF.keySet()) w.addAll(List.of(k.split(" ")));
        return w;
    }

    /** The entity with each syllable SFT never wrote replaced by one it did (what a policy that copies only those writes). */
    private static String commonUnitsOnly(String entity, SplittableRandom rng) {
        List<String> units = new ArrayList<>();
        for (String u : entity.split(" ")) units.add(RARE_UNITS.contains(u) ? World.pick(COMMON_UNITS, rng) : u);
        return String.join(" ", units);
    }

    /** The value itself when SFT's data can contain it, else a seen value of the slot (what a policy that cannot copy writes). */
    private static String seen(String slot, String value, SplittableRandom rng) {
        List<String> pool = switch (slot) {
            case "who", "with" -> NAMES;
            case "where" -> PLACES;
            case "when" -> DAYS;
            case "feeling" -> FEELINGS;
            case "reason" -> REASONS;
            default -> EVENTS.stream().map(x -> x.split(" ")[1]).toList();
        };
        return pool.contains(value) ? value : World.pick(pool, rng);
    }

    @Override
    public NliDiversity.Probabilities nli(Example e, String premise, String hypothesis) {
        Map<String, List<String>> p = parse(premise), h = parse(hypothesis);
        for (String slot : SLOTS)
            if (!slot.equals("with") && p.containsKey(slot) && h.containsKey(slot) && !p.get(slot).equals(h.get(slot)))
                return CONTRADICTS;
        for (var s : h.entrySet())
            if (!p.containsKey(s.getKey()) || !p.get(s.getKey()).containsAll(s.getValue())) return NEUTRAL;
        return h.isEmpty() ? NEUTRAL : ENTAILS;
    }
}
