package org.gendiv.core.judge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gendiv.core.world.World;

/**
 * The embedded world's judge: it knows what each output means, so the output wins when its gold
 * quality beats the reference's (1, a tie 0.5, else 0), and each verdict carries the output's gold
 * quality and meaning. Comparisons are matched to their world inputs by prompt; inputs that share a
 * prompt must be the same input.
 */
public final class GoldJudge implements Judge {
    private final World world;
    private final Map<String, World.Example> byPrompt = new HashMap<>();
    /** Each reference's gold quality, by prompt and reference (an input's K comparisons share one). */
    private final Map<List<String>, Double> referenceGold = new HashMap<>();

    public GoldJudge(World world, List<World.Example> inputs) {
        this.world = world;
        for (World.Example e : inputs) {
            World.Example before = byPrompt.putIfAbsent(e.prompt(), e);
            if (before != null && !before.equals(e))
                throw new IllegalArgumentException("two inputs share the prompt '" + e.prompt() + "' but differ");
        }
    }

    @Override
    public List<Verdict> verdicts(List<Comparison> comparisons) {
        List<Verdict> out = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            World.Example e = byPrompt.get(c.prompt());
            if (e == null) throw new IllegalArgumentException("comparison " + i + ": the prompt is not one of this judge's inputs");
            World.Judgement j = world.judge(e, c.output());
            double ref = referenceGold.computeIfAbsent(List.of(c.prompt(), c.reference()), k -> world.judge(e, c.reference()).quality());
            out.add(new Verdict(Judge.win(j.quality(), ref), j.quality(), j.meaning()));
        }
        return out;
    }

    @Override
    public double[] preferences(List<Comparison> comparisons) {
        return verdicts(comparisons).stream().mapToDouble(Verdict::preference).toArray();
    }

    @Override
    public String describe() {
        return "gold (" + world.name() + " world)";
    }
}
