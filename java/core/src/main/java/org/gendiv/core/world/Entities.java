package org.gendiv.core.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Entity inventories made from sub-word units: consonant-vowel syllables joined into made-up
 * words ("kalom", "tibur"), so that hundreds of entities exist. A policy cannot memorise them
 * one by one and must copy them from its input; the OOD inventories are words SFT never emits,
 * seen by the base model in pretraining only. The words are a fixed function of the kind's name.
 */
final class Entities {
    private Entities() {}

    private static final String CONSONANTS = "bdfgklmnprstvz", VOWELS = "aiou";

    /** n distinct made-up words of the pattern CVCVC, none in avoid, in a fixed order drawn from the salt. */
    static List<String> made(int n, String salt, Set<String> avoid) {
        SplittableRandom rng = new SplittableRandom(salt.hashCode() * 0x9E3779B97F4A7C15L);
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String units = i % 2 == 0 ? CONSONANTS : VOWELS;
                w.append(units.charAt(rng.nextInt(units.length())));
            }
            String s = w.toString();
            if (!avoid.contains(s)) out.add(s);
        }
        return List.copyOf(out);
    }

    /** The first `seen` words of a made inventory, and the `unseen` after them (disjoint). */
    record Split(List<String> seen, List<String> unseen) {
        static Split of(List<String> all, int seen) {
            return new Split(all.subList(0, seen), all.subList(seen, all.size()));
        }

        List<String> all() {
            List<String> a = new ArrayList<>(seen);
            a.addAll(unseen);
            return a;
        }
    }
}
