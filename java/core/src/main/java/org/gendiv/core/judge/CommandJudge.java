package org.gendiv.core.judge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Any judge the user has, local or remote, behind a program: gendiv starts the command, writes
 * one JSON object per comparison to its standard input, {"id": i, "prompt", "output",
 * "reference"}, closes it, and reads one line per comparison from its standard output,
 * {"id": i, "preference": p} with p in [0, 1] the probability that the output beats the reference
 * (1 = output, 0 = reference, 0.5 = tie), in any order. A non-zero exit, a malformed line, an id
 * out of range or missing, or a preference outside [0, 1] is an error naming the command and line.
 */
public final class CommandJudge implements Judge {
    private final List<String> command;

    public CommandJudge(List<String> command) {
        if (command == null || command.isEmpty()) throw new IllegalArgumentException("the judge command is empty");
        this.command = List.copyOf(command);
    }

    @Override
    public double[] preferences(List<Comparison> comparisons) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("judge command " + command + " could not start: " + e.getMessage(), e);
        }
        // Own threads, not the common pool: on a small machine its one worker would sit on stderr and never feed stdin.
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("judge-stderr").start(() -> stderr.complete(drain(p.getErrorStream())));
        Thread feed = Thread.ofPlatform().daemon().name("judge-stdin").start(() -> {
            try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                for (int i = 0; i < comparisons.size(); i++) {
                    Comparison c = comparisons.get(i);
                    JsonObject o = new JsonObject();
                    o.addProperty("id", i);
                    o.addProperty("prompt", c.prompt());
                    o.addProperty("output", c.output());
                    o.addProperty("reference", c.reference());
                    w.write(o + "\n");
                }
            } catch (IOException e) {
                // the judge closed its input early; its exit status and output say why
            }
        });
        double[] out = new double[comparisons.size()];
        Arrays.fill(out, Double.NaN);
        String who = "judge command " + command;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                String where = who + ", output line " + n;
                JsonObject o;
                try {
                    JsonElement e = JsonParser.parseString(line);
                    o = e.getAsJsonObject();
                } catch (RuntimeException e) {
                    throw new IOException(where + ": not a JSON object: " + line);
                }
                int id;
                double pref;
                try {
                    id = o.get("id").getAsInt();
                    pref = o.get("preference").getAsDouble();
                } catch (RuntimeException e) {
                    throw new IOException(where + ": needs a numeric \"id\" and \"preference\": " + line);
                }
                if (id < 0 || id >= out.length) throw new IOException(where + ": id " + id + " is not one of 0.." + (out.length - 1));
                if (!(pref >= 0 && pref <= 1)) throw new IOException(where + ": preference " + pref + " is outside [0, 1]");
                out[id] = pref;
            }
        }
        int code;
        try {
            feed.join();
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(who + " was interrupted");
        }
        if (code != 0) throw new IOException(who + " exited with status " + code + ": " + tail(stderr.join()));
        for (int i = 0; i < out.length; i++)
            if (Double.isNaN(out[i])) throw new IOException(who + ": no preference for id " + i);
        return out;
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String s) {
        s = s.strip();
        return s.length() <= 500 ? s : "..." + s.substring(s.length() - 500);
    }

    @Override
    public String describe() {
        return "command " + String.join(" ", command);
    }
}
