package org.gendiv.cli;

import java.util.Locale;

/** Up-front checks that an option's size fits this JVM's heap, so a huge value is one line, not an OutOfMemoryError. */
final class Sizes {
    private Sizes() {}

    /** The share of the maximum heap one request may take. */
    static final double SHARE = 0.5;

    /** null when bytes fit in half the heap, else the one-line reason naming what. */
    static String tooBig(long bytes, String what) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes >= 0 && bytes <= SHARE * max) return null;
        return String.format(Locale.ROOT, "%s needs about %s of memory; this JVM has %s (lower it, or raise -Xmx in GENDIV_JAVA_OPTS)",
                what, gib(bytes < 0 ? Long.MAX_VALUE : bytes), gib(max));
    }

    /** As {@link #tooBig}, thrown. */
    static void require(long bytes, String what) {
        String why = tooBig(bytes, what);
        if (why != null) throw new IllegalArgumentException(why);
    }

    /** a * b, saturating at Long.MAX_VALUE (sizes are never negative here). */
    static long times(long a, long b) {
        return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
