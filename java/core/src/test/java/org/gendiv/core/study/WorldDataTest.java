package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.gendiv.core.world.World;
import org.junit.jupiter.api.Test;

/** The reward model's preference data as the world writes it (no model involved: demonstrator candidates). */
class WorldDataTest {
    private static WorldData data(int demonstratorPrompts) {
        return data(demonstratorPrompts, 0);
    }

    private static WorldData data(int demonstratorPrompts, double slips) {
        var d = StudyConfig.defaults();
        var w = d.world();
        var world = new StudyConfig.WorldData(w.corpusDocs(), w.sftExamples(), w.sftEval(), 60, 20, w.rmSamples(), w.ppoPrompts(),
                w.demoError(), w.referenceError(), w.rmCandidates(), w.candidateError(), demonstratorPrompts, slips,
                w.annotatorTau(), w.labelNoise(), w.tieThreshold());
        var c = new StudyConfig(d.task(), d.seeds(), d.seed(), world, d.pretrain(), d.sft(), d.rm(), d.ppo(), d.eval(), d.perTask());
        return new WorldData(c, null);
    }

    /**
     * rm_demonstrator_prompts adds the pairs of demonstrations on prompts of their own after the
     * policy's: the policy's training pairs and every held-out pair stay exactly what they were.
     */
    @Test
    void demonstratorPromptsOnlyAddTrainingPairs() throws Exception {
        for (String task : List.of("summarisation", "instructions")) {
            World w = World.of(task);
            var plain = data(0).rmData(w, 3, null);
            var more = data(40).rmData(w, 3, null);
            assertEquals(plain.validation(), more.validation(), task + ": validation pairs unchanged");
            assertEquals(plain.test(), more.test(), task + ": test pairs unchanged");
            assertEquals(plain.train(), more.train().subList(0, plain.train().size()), task + ": the policy's pairs come first, unchanged");
            int added = more.train().size() - plain.train().size();
            assertTrue(added > 40 && added <= 40 * 6, task + ": 40 prompts of 4 candidates add up to 6 untied pairs each, got " + added);
        }
    }

    /** The held-out prompts split in two: the checkpoint is chosen on the first half's pairs, the instrument reads the second's. */
    @Test
    void validationAndTestPairsComeFromPromptsOfTheirOwn() throws Exception {
        var d = data(0).rmData(World.of("instructions"), 5, null);
        var validation = d.validation().stream().map(l -> l.pair().prompt()).distinct().toList();
        var test = d.test().stream().map(l -> l.pair().prompt()).distinct().toList();
        assertTrue(validation.size() > 5 && validation.size() <= 10, "10 validation prompts, got " + validation.size());
        assertTrue(test.size() > 5 && test.size() <= 10, "10 test prompts, got " + test.size());
        assertTrue(test.stream().noneMatch(validation::contains), "validation and test prompts are distinct");
    }

    /** candidate_slips changes only the demonstrator prompts' candidates: the policy's and the held-out pairs stay as they were. */
    @Test
    void slipsOnlyChangeTheDemonstratorPairs() throws Exception {
        for (String task : List.of("summarisation", "instructions")) {
            World w = World.of(task);
            var plain = data(40).rmData(w, 3, null);
            var slipped = data(40, 0.5).rmData(w, 3, null);
            assertEquals(plain.validation(), slipped.validation(), task);
            assertEquals(plain.test(), slipped.test(), task);
            int policy = data(0).rmData(w, 3, null).train().size();
            assertEquals(plain.train().subList(0, policy), slipped.train().subList(0, policy), task);
            assertTrue(!plain.train().equals(slipped.train()), task + ": the demonstrator pairs change");
        }
    }
}
