package org.gendiv.core.judge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gendiv.core.world.World;

/**
 * The embedded world's judge: it knows what each output means, so the output wins when its gold
 * quality beats the reference's. Comparisons are matched to their world inputs by prompt.
 */
public final class GoldJudge implements Judge {
    private final World world;
    private final Map<String, World.Example> byPrompt = new HashMap<>();

    public GoldJudge(World world, List<World.Example> inputs) {
        this.world = world;
        for (World.Example e : inputs) byPrompt.put(e.prompt(), e);
    }

    @Override
    public double[] preferences(List<Comparison> comparisons) {
        double[] out = new double[comparisons.size()];
        for (int i = 0; i < out.length; i++) {
            Comparison c = comparisons.get(i);
            World.Example e = byPrompt.get(c.prompt());
            if (e == null) throw new IllegalArgumentException("comparison " + i + ": the prompt is not one of this judge's inputs");
            out[i] = Judge.win(world.judge(e, c.output()).quality(), world.judge(e, c.reference()).quality());
        }
        return out;
    }

    @Override
    public String describe() {
        return "gold (" + world.name() + " world)";
    }
}
