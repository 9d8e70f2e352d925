package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The summarisation world's words and phrasings: the lists its facts are drawn from, the made-up
 * people and places ({@link Entities}), and the templates of posts, news items and summaries.
 * {@link Summarisation} draws facts from these and judges outputs against them.
 */
final class SummarisationText {
    private SummarisationText() {}

    static final List<String> DAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday"),
            NEW_DAYS = List.of("saturday", "sunday");
    /** Events as "verb object": the object names the event. */
    static final List<String> EVENTS = List.of("lost wallet", "found puppy", "broke phone", "missed train", "won prize",
            "crashed bike", "dropped laptop", "forgot umbrella"),
            NEW_EVENTS = List.of("sold piano", "painted fence", "burned toast", "fixed radio");
    static final List<String> FEELINGS = List.of("happy", "sad", "angry", "worried", "tired", "excited"),
            NEW_FEELINGS = List.of("nervous", "proud", "calm");
    static final List<String> REASONS = List.of("rain", "noise", "traffic", "storm");
    static final List<String> INTROS = List.of("this is my first post here", "sorry for the long post",
            "throwaway account for obvious reasons", "long time reader first time poster", "not sure where else to ask");
    static final List<String> MIDDLES = List.of("we have been friends for years", "it has been a long week",
            "i was not there myself", "the weather was awful", "this happens more than you would think");
    static final List<String> OUTROS = List.of("what should i do ?", "any advice is welcome .", "thanks for reading .",
            "am i overreacting ?", "how do i help ?");
    /** Syllables: the common ones make SFT's entities and the new combinations; the rare ones appear in ood2's only. */
    static final List<String> UNITS = Entities.units(30, "units", fixedWords());
    static final List<String> COMMON_UNITS = UNITS.subList(0, 24), RARE_UNITS = UNITS.subList(24, 30);
    static final Entities.Inventory PEOPLE = Entities.inventory(COMMON_UNITS, RARE_UNITS, 200, 40, 40, "people", Set.of()),
            PLACE = Entities.inventory(COMMON_UNITS, RARE_UNITS, 100, 20, 20, "places", new HashSet<>(PEOPLE.all()));
    static final List<String> NAMES = PEOPLE.seen(), PLACES = PLACE.seen();
    static String verb(String object) {
        for (var l : List.of(EVENTS, NEW_EVENTS)) for (String e : l) if (e.endsWith(" " + object)) return e.split(" ")[0];
        throw new IllegalArgumentException(object);
    }

    static String participle(String verb) {
        return switch (verb) {
            case "broke" -> "broken";
            case "forgot" -> "forgotten";
            default -> verb;
        };
    }

    static String post(Map<String, String> f, SplittableRandom rng) {
        String who = f.get("who"), v = verb(f.get("event")), o = f.get("event"), where = f.get("where"), when = f.get("when");
        String core = switch (rng.nextInt(3)) {
            case 0 -> "my friend " + who + " " + v + " a " + o + " at the " + where + " on " + when;
            case 1 -> "on " + when + " my friend " + who + " " + v + " a " + o + " at the " + where;
            default -> "my friend " + who + " was at the " + where + " on " + when + " and " + v + " a " + o;
        };
        if (f.containsKey("with")) core += " with " + f.get("with");
        String feeling = switch (rng.nextInt(3)) {
            case 0 -> who + " felt " + f.get("feeling") + " about it";
            case 1 -> "now " + who + " is really " + f.get("feeling");
            default -> "since then " + who + " has been " + f.get("feeling");
        };
        // Zero to two opening sentences, and the filler before or after the feeling: a fact stands at
        // no fixed place in a post, so a summariser copies it by what it is, not by where it is.
        List<String> s = new ArrayList<>(), intros = new ArrayList<>(INTROS);
        for (int n = rng.nextInt(3); n > 0; n--) s.add(intros.remove(rng.nextInt(intros.size())) + " .");
        s.add(core + " .");
        if (f.containsKey("reason")) s.add("it all happened because of the " + f.get("reason") + " .");
        String middle = World.pick(MIDDLES, rng) + " .";
        boolean middleFirst = rng.nextBoolean();
        if (middleFirst) s.add(middle);
        s.add(feeling + " .");
        if (!middleFirst) s.add(middle);
        s.add(World.pick(OUTROS, rng));
        return String.join(" ", s);
    }

    static String news(Map<String, String> f, SplittableRandom rng) {
        String who = f.get("who"), v = verb(f.get("event")), o = f.get("event"), where = f.get("where"), when = f.get("when");
        String feel = f.get("feeling");
        return switch (rng.nextInt(3)) {
            case 0 -> "report : on " + when + " , " + who + " " + v + " a " + o + " at the " + where + " , officials said . "
                    + who + " was " + feel + " afterwards . more details are expected .";
            case 1 -> "local news : " + who + " " + v + " a " + o + " at the " + where + " on " + when + " , witnesses said . "
                    + who + " was described as " + feel + " . the story is developing .";
            default -> "breaking : a " + o + " was " + participle(v) + " by " + who + " at the " + where + " . the incident on " + when
                    + " left " + who + " " + feel + " , according to reports .";
        };
    }

    /** One of several phrasings of the same facts (a fact missing from f is left out). */
    static String summary(Map<String, String> f, SplittableRandom rng) {
        int form = rng.nextInt(4);
        if (f.get("feeling") == null) form = Math.min(form, 1);
        return summary(f, form);
    }

    /** Summary form 0-3 of the facts (forms 2 and 3 need the feeling). */
    static String summary(Map<String, String> f, int form) {
        String who = f.get("who"), o = f.get("event"), v = verb(o);
        String act = who + " " + v + " a " + o + (f.containsKey("with") ? " with " + f.get("with") : "");
        String place = f.containsKey("where") ? " at the " + f.get("where") : "";
        String time = f.containsKey("when") ? " on " + f.get("when") : "";
        String reason = f.containsKey("reason") ? " because of the " + f.get("reason") : "";
        String feel = f.get("feeling");
        String s = switch (form) {
            case 0 -> act + place + time + reason + (feel == null ? "" : " and felt " + feel);
            case 1 -> (time.isEmpty() ? "" : time.substring(1) + " , ") + act + place + reason
                    + (feel == null ? "" : " and is now " + feel);
            case 2 -> who + " is " + feel + " after they " + v + " a " + o + (f.containsKey("with") ? " with " + f.get("with") : "")
                    + place + time + reason;
            default -> (place.isEmpty() ? act + time : place.strip() + time + " , " + act) + reason + " , leaving " + who
                    + " " + feel;
        };
        return s.strip();
    }

    /** Every word of the fixed lists and templates: the made-up entities avoid them. */
    static Set<String> fixedWords() {
        Set<String> w = new HashSet<>();
        for (var l : List.of(DAYS, NEW_DAYS, EVENTS, NEW_EVENTS, FEELINGS, NEW_FEELINGS, REASONS, INTROS, MIDDLES, OUTROS))
            for (String x : l) w.addAll(List.of(World.words(x)));
        w.addAll(List.of(World.words(TEMPLATE_WORDS)));
        w.addAll(Instructions.vocabulary());
        return w;
    }

    private static final String TEMPLATE_WORDS = "summarize my friend a at the on was and with felt about it now is really since then has"
            + " been all happened because of report officials said that resident named near more details are expected local news"
            + " witnesses described as story developing breaking by incident left according to reports after they leaving afterwards";
}
