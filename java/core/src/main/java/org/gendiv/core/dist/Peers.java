package org.gendiv.core.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each rank's host and process id ("host pid"), exchanged at the rendezvous, so that a rank whose
 * collective failed can name the peer that died when it runs on the same host.
 */
record Peers(List<String> hosts) {
    /** Which peer is gone, where this rank can see it (a rank on this host whose process ended); else what may have happened. */
    String suspect(int self, Duration timeout) {
        String me = hostname();
        List<String> dead = new ArrayList<>();
        // A peer killed a moment ago may still be ending (its sockets close first): look for up to 2 s.
        for (long until = System.nanoTime() + 2_000_000_000L; dead.isEmpty() && System.nanoTime() < until; ) {
            for (int r = 0; r < hosts.size(); r++) {
                if (r == self) continue;
                String[] hp = hosts.get(r).split(" ");
                if (hp.length == 2 && hp[0].equals(me) && exited(Long.parseLong(hp[1])))
                    dead.add("rank " + r + " (pid " + hp[1] + ") has exited");
            }
            if (dead.isEmpty()) sleep(100);
        }
        return dead.isEmpty() ? "a peer died or did not answer within " + timeout.toSeconds() + " s" : String.join(", ", dead);
    }

    /** Gone, or a zombie (killed, its parent has not yet collected it). */
    private static boolean exited(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) return true;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false;  // no /proc (not Linux): alive as far as we can tell
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String self() {
        return hostname() + " " + ProcessHandle.current().pid();
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
