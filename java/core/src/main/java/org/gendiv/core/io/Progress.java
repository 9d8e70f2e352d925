package org.gendiv.core.io;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with ETA and the work's key metric, on stderr. On a terminal it
 * redraws in place; otherwise (CI logs, pipes) it prints a line at each tenth of the work.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean tty;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastTenth = -1;
    private boolean quiet;

    public Progress(String label, long total) {
        this(label, total, System.err, System.console() != null);
    }

    Progress(String label, long total, PrintStream out, boolean tty) {
        this.label = label;
        this.total = Math.max(1, total);
        this.out = out;
        this.tty = tty;
    }

    /** Nothing is printed (tests, nested work). */
    public Progress quiet() {
        quiet = true;
        return this;
    }

    /** done of total finished since this bar was made (or since `from` when resuming). */
    public void update(long done, long from, String metric) {
        if (quiet) return;
        long now = System.nanoTime();
        int tenth = (int) (10 * done / total);
        boolean end = done >= total;
        if (tty ? now - lastDraw < 200_000_000L && !end : tenth == lastTenth && !end) return;
        lastDraw = now;
        lastTenth = tenth;
        double elapsed = (now - start) / 1e9, rate = (done - from) / Math.max(elapsed, 1e-9);
        double eta = done > from ? (total - done) / rate : Double.NaN;
        int width = 24, filled = (int) (width * done / total);
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        String line = String.format(Locale.ROOT, "%-8s [%s] %d/%d %s  %s, eta %s", label, bar, done, total,
                metric == null ? "" : metric, clock(elapsed), Double.isNaN(eta) ? "?" : clock(eta));
        if (tty) out.print("\r" + line + (end ? "\n" : ""));
        else out.println(line);
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
