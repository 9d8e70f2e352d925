package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * People and places built from sub-word units: a unit is a made-up syllable ("kai", "miu"), an
 * entity two units as two words ("kai miu"). Hundreds of entities exist, so a summariser cannot
 * memorise them one by one and must copy them from its input, and the shifts are graded: an
 * entity SFT never saw made of units it did write (a new combination), and an entity with a unit
 * SFT never wrote (seen in pretraining only). Everything is a fixed function of the salt.
 */
final class Entities {
    private Entities() {}

    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String[] VOWEL_PAIRS = {"ai", "ao", "au", "ia", "io", "iu", "oa", "oi", "ua", "ui", "uo"};

    /** n distinct units (consonant + two vowels), none in avoid, in a fixed order drawn from the salt. */
    static List<String> units(int n, String salt, Set<String> avoid) {
        SplittableRandom rng = new SplittableRandom(salt.hashCode() * 0x9E3779B97F4A7C15L);
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            String u = CONSONANTS.charAt(rng.nextInt(CONSONANTS.length())) + VOWEL_PAIRS[rng.nextInt(VOWEL_PAIRS.length)];
            if (!avoid.contains(u)) out.add(u);
        }
        return List.copyOf(out);
    }

    /**
     * The entities of one kind (people, or places): seen ones for SFT's data, new combinations of
     * the same units, and ones with a rare unit (a unit only the rare entities use).
     */
    record Inventory(List<String> seen, List<String> newCombinations, List<String> rareUnit) {
        List<String> all() {
            List<String> a = new ArrayList<>(seen);
            a.addAll(newCombinations);
            a.addAll(rareUnit);
            return a;
        }
    }

    /**
     * Entities of two distinct units each, disjoint from taken: the first `seen` and the next
     * `newCombinations` from the common units, then `rare` with one rare unit (first or second).
     */
    static Inventory inventory(List<String> common, List<String> rare, int seen, int newCombinations, int rareUnit, String salt,
            Set<String> taken) {
        SplittableRandom rng = new SplittableRandom(salt.hashCode() * 0x9E3779B97F4A7C15L + 1);
        Set<String> fromCommon = new LinkedHashSet<>(), fromRare = new LinkedHashSet<>();
        while (fromCommon.size() < seen + newCombinations) {
            String a = common.get(rng.nextInt(common.size())), b = common.get(rng.nextInt(common.size()));
            String e = a + " " + b;
            if (!a.equals(b) && !taken.contains(e)) fromCommon.add(e);
        }
        while (fromRare.size() < rareUnit) {
            String a = rare.get(rng.nextInt(rare.size())), b = common.get(rng.nextInt(common.size()));
            String e = rng.nextBoolean() ? a + " " + b : b + " " + a;
            if (!taken.contains(e)) fromRare.add(e);
        }
        List<String> c = List.copyOf(fromCommon);
        return new Inventory(c.subList(0, seen), c.subList(seen, c.size()), List.copyOf(fromRare));
    }
}
