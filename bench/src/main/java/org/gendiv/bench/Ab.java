package org.gendiv.bench;

import java.util.Arrays;
import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;

/**
 * A against B in one process: alternately, round after round (after two warm-up rounds), so the
 * machine's drift falls on both; prints each round's times and ratio A / B, then their median.
 */
final class Ab {
    private Ab() {}

    static void compare(String what, String nameA, Runnable a, String nameB, Runnable b) {
        int rounds = 8, steps = 4;
        for (int w = 0; w < 2; w++) {
            time(a, steps);
            time(b, steps);
        }
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double ta = time(a, steps), tb = time(b, steps);
            ratio[r] = ta / tb;
            System.out.printf(Locale.ROOT, "%s: round %d  %s %.1f ms  %s %.1f ms  ratio %.2f%n", what, r, nameA, ta, nameB, tb, ratio[r]);
        }
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "%s: median ratio %.2f (%s / %s, %d rounds)%n", what, (ratio[rounds / 2 - 1] + ratio[rounds / 2]) / 2,
                nameA, nameB, rounds);
    }

    /** Mean milliseconds of one run over steps runs, each in its own PointerScope. */
    static double time(Runnable step, int steps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++)
            try (PointerScope scope = new PointerScope()) {
                step.run();
            }
        return (System.nanoTime() - t0) / 1e6 / steps;
    }
}
