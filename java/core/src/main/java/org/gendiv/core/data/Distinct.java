package org.gendiv.core.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The distinct items of a list, in first-seen order, and for each item of the list the index of
 * its equal among them: work done once per distinct item (an encoder pass over repeated texts,
 * a prefill over repeated prompts) and copied to its repeats.
 *
 * @param items the distinct items
 * @param of    for each item of the original list, the index of its equal in items
 */
public record Distinct<T>(List<T> items, int[] of) {
    /** Items equal by key (a text itself; an int[] prompt by its content, e.g. IntBuffer.wrap). */
    public static <T, K> Distinct<T> of(List<T> all, Function<T, K> key) {
        Map<K, Integer> index = new HashMap<>();
        List<T> items = new ArrayList<>();
        int[] of = new int[all.size()];
        for (int i = 0; i < of.length; i++) {
            T t = all.get(i);
            of[i] = index.computeIfAbsent(key.apply(t), k -> {
                items.add(t);
                return items.size() - 1;
            });
        }
        return new Distinct<>(items, of);
    }

    /** Whether some item repeats. */
    public boolean repeats() {
        return items.size() < of.length;
    }
}
