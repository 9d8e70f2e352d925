package org.gendiv.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One prompt's pairs: its distinct responses once, and each pair as indices into them. */
record Comparisons(String prompt, List<String> responses, int[] chosen, int[] rejected) {
    int pairs() {
        return chosen.length;
    }

    /**
     * Pairs grouped as the data lays them out: a run of consecutive pairs with the same prompt is
     * one group (a prompt's K responses compared, as InstructGPT writes them); the same prompt
     * again later starts a new group.
     */
    static List<Comparisons> of(List<RewardTraining.Pair> pairs) {
        List<Map.Entry<String, List<RewardTraining.Pair>>> runs = new ArrayList<>();
        for (RewardTraining.Pair p : pairs) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).getKey().equals(p.prompt()))
                runs.add(Map.entry(p.prompt(), new ArrayList<>()));
            runs.get(runs.size() - 1).getValue().add(p);
        }
        List<Comparisons> out = new ArrayList<>();
        for (var e : runs) {
            List<String> responses = new ArrayList<>();
            Map<String, Integer> index = new HashMap<>();
            int n = e.getValue().size();
            int[] chosen = new int[n], rejected = new int[n];
            for (int i = 0; i < n; i++) {
                RewardTraining.Pair p = e.getValue().get(i);
                chosen[i] = index.computeIfAbsent(p.chosen(), r -> { responses.add(r); return responses.size() - 1; });
                rejected[i] = index.computeIfAbsent(p.rejected(), r -> { responses.add(r); return responses.size() - 1; });
            }
            out.add(new Comparisons(e.getKey(), responses, chosen, rejected));
        }
        return out;
    }
}
