package org.gendiv.core.study;

import java.util.List;

import org.gendiv.core.train.OptimConfig;
import org.gendiv.core.train.Ppo;
import org.gendiv.core.train.Pretrain;
import org.gendiv.core.train.RewardTraining;
import org.gendiv.core.train.Sft;
import org.gendiv.core.train.Trainer;
import org.gendiv.kernels.Params;

/**
 * Every setting of `gendiv study`, with defaults sized so both tasks run in minutes on a 2-core
 * CPU. A --config file overrides any key (nested objects for the stages; unknown keys are errors).
 * The stage records are the same ones `gendiv train` reads; their file fields (data, init, ...) are
 * unused here because the study makes its data from the world.
 */
public record StudyConfig(String task, int seeds, long seed, WorldData world, Pretrain.Config pretrain, Sft.Config sft,
        RewardTraining.Config rm, Ppo.Config ppo, Eval eval) {

    /**
     * How much data the world writes, and how its simulated people behave: demonstrators err at
     * demoError, the evaluation references (a data set's reference outputs, often mediocre) at
     * referenceError; the preference pairs' two candidates are two samples of the SFT policy
     * (rmCandidates "policy", as AlpacaFarm and the study do) or two demonstrations erring at
     * candidateError ("demonstrator"); annotators prefer by
     * sigmoid(gold difference / annotatorTau) and flip a labelNoise fraction of labels.
     */
    public record WorldData(int corpusDocs, int sftExamples, int sftEval, int rmPairs, int rmEval, int ppoPrompts,
            double demoError, double referenceError, String rmCandidates, double candidateError, double annotatorTau,
            double labelNoise) {
        public WorldData {
            if (corpusDocs < 1 || sftExamples < 1 || rmPairs < 1 || ppoPrompts < 1 || sftEval < 0 || rmEval < 0)
                throw new IllegalArgumentException("corpus_docs, sft_examples, rm_pairs and ppo_prompts must be >= 1");
            for (double p : new double[] {demoError, referenceError, candidateError, labelNoise})
                if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("error and noise rates must be in [0, 1], got " + p);
            if (!(annotatorTau > 0)) throw new IllegalArgumentException("annotator_tau must be > 0, got " + annotatorTau);
            if (!List.of("policy", "demonstrator").contains(rmCandidates))
                throw new IllegalArgumentException("rm_candidates must be policy or demonstrator, got '" + rmCandidates + "'");
        }
    }

    /** Evaluation: inputs per split, K samples per input at temperature, BoN's N drawn from a pool of SFT samples. */
    public record Eval(int inputs, int samples, float temperature, int bonN, int bonPool, int maxNewTokens, int bootstrap,
            int batch) {
        public Eval {
            if (inputs < 2) throw new IllegalArgumentException("inputs must be >= 2, got " + inputs);
            if (samples < 2) throw new IllegalArgumentException("samples must be >= 2 (per-input diversity needs a set), got " + samples);
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            if (bonN < 1) throw new IllegalArgumentException("bon_n must be >= 1, got " + bonN);
            if (bonPool < Math.max(bonN, samples))
                throw new IllegalArgumentException("bon_pool must be >= max(bon_n, samples) = " + Math.max(bonN, samples) + ", got " + bonPool);
            if (maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
            if (bootstrap < 0) throw new IllegalArgumentException("bootstrap must be >= 0, got " + bootstrap);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
    }

    public StudyConfig {
        if (!List.of("both", "summarisation", "instructions").contains(task))
            throw new IllegalArgumentException("task must be both, summarisation or instructions, got '" + task + "'");
        if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
    }

    public List<String> tasks() {
        return task.equals("both") ? List.of("summarisation", "instructions") : List.of(task);
    }

    public static StudyConfig defaults() {
        var schedule = new Trainer.Schedule(10, 0, 50, 1);
        var pretrain = new Pretrain.Config(null, null, null, 1024, 4, 4, 128, 112, 0.0,
                OptimConfig.of(2e-3).withWarmup(30), 800, 32, schedule);
        var sft = new Sft.Config(null, null, null, OptimConfig.of(1e-3).withWarmup(20), 600, 32, schedule);
        var rm = new RewardTraining.Config(null, null, null, OptimConfig.of(5e-4).withWarmup(20), 500, 32, 256, schedule);
        var ppo = new Ppo.Config(null, null, null, false, OptimConfig.of(1e-5).withWarmup(0), 60, 32, 16, 4, 24, 1.0f,
                0.2f, 0.2f, 0.1f, 1.0f, 0.95f, 0.05f, Params.KlEstimator.K2, 0f, 10000, 0f, 0f,
                new Trainer.Schedule(1, 0, 10, 1));
        return new StudyConfig("both", 1, 1, new WorldData(8000, 4000, 200, 4000, 200, 1000, 0.1, 0.5, "policy", 0.6, 0.03, 0.05),
                pretrain, sft, rm, ppo, new Eval(40, 16, 1.0f, 16, 64, 24, 1000, 128));
    }

    public StudyConfig withSeed(long s) {
        return new StudyConfig(task, seeds, s, world, pretrain, sft, rm, ppo, eval);
    }

    public StudyConfig withTask(String t) {
        return new StudyConfig(t, seeds, seed, world, pretrain, sft, rm, ppo, eval);
    }

    public StudyConfig withSeeds(int n) {
        return new StudyConfig(task, n, seed, world, pretrain, sft, rm, ppo, eval);
    }

    public StudyConfig withPpo(Ppo.Config p) {
        return new StudyConfig(task, seeds, seed, world, pretrain, sft, rm, p, eval);
    }

    public StudyConfig withEval(Eval e) {
        return new StudyConfig(task, seeds, seed, world, pretrain, sft, rm, ppo, e);
    }
}
