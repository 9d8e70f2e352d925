package org.gendiv.diversity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.io.StringReader;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * Generations read from JSONL, one object per line: "input_id" (string), "text" (string); optional
 * "sample_index" (integer >= 0; absent = order within the input), "embedding" (array of numbers),
 * "method" (string; absent = "all"). Read line by line into compact per-output records (the text as
 * UTF-8), grouped by method and input; words are split later, per set, on the thread that computes
 * its metrics.
 */
public final class Generations {
    /** One output: its text (UTF-8), its embedding (null when absent) and the line it came from. */
    public record Output(int sampleIndex, byte[] utf8, float[] embedding, int line) {
        public String text() {
            return new String(utf8, StandardCharsets.UTF_8);
        }
    }

    /** An input's outputs, sorted by sample index once reading is done. */
    public static final class Input {
        public final String id;
        public final List<Output> outputs = new ArrayList<>(4);

        Input(String id) {
            this.id = id;
        }
    }

    /** Inputs of each method in order of first appearance. */
    public final Map<String, List<Input>> methods = new LinkedHashMap<>();
    public long lines;

    /** Thrown for bad input, with the file and line in the message. */
    public static final class BadInput extends RuntimeException {
        public BadInput(String message) {
            super(message);
        }
    }

    /**
     * Reads path (embeddings are kept when present), streaming its lines as bytes: a well-formed
     * line takes {@link FastLine}; any other line is parsed by Gson, whose checks name the problem.
     */
    public static Generations read(Path path) throws IOException {
        return read(path, true);
    }

    /** As {@link #read(Path)}; without the fast path every line is parsed by Gson (the tests' reference). */
    static Generations read(Path path, boolean fastPath) throws IOException {
        var r = new Reader(path.toString(), fastPath);
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[1 << 20];
            int filled = 0, no = 0;
            boolean eof = false;
            while (true) {
                int start = 0;
                if (!eof) {
                    int n = in.read(buf, filled, buf.length - filled);
                    if (n < 0) eof = true;
                    else filled += n;
                }
                for (int nl; (nl = indexOf(buf, (byte) '\n', start, filled)) >= 0 || (eof && start < filled); start = nl + 1) {
                    if (nl < 0) nl = filled;  // the last line, without a newline
                    r.line(buf, start, nl, ++no);
                }
                if (eof) break;
                System.arraycopy(buf, start, buf, 0, filled - start);  // a partial line moves to the front
                filled -= start;
                if (filled == buf.length) buf = Arrays.copyOf(buf, 2 * buf.length);  // a line longer than the buffer
            }
        }
        return r.finish();
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    /** The generations of one file as its lines come: grouped by method and input, checked line by line. */
    private static final class Reader {
        final Generations g = new Generations();
        final Map<String, Map<String, Input>> byId = new HashMap<>();
        final Map<String, Integer> dims = new HashMap<>();  // embedding size per method
        final FastLine fast = new FastLine();
        final String name;
        final boolean fastPath;

        Reader(String name, boolean fastPath) {
            this.name = name;
            this.fastPath = fastPath;
        }

        /** Line `no`, bytes[from, to). */
        void line(byte[] bytes, int from, int to, int no) {
            if (fastPath && fast.parse(bytes, from, to)) {
                add(fast.method != null ? fast.method : "all", fast.inputId, fast.text,
                        fast.sampleIndex >= 0 ? fast.sampleIndex : null, fast.embedding, no);
                return;
            }
            if (!fast.validUtf8(bytes, from, to)) throw new BadInput(name + ":" + no + ": not valid UTF-8");
            String line = new String(bytes, from, to - from, StandardCharsets.UTF_8);
            if (!line.isBlank()) addSlow(line, no);
        }

        /** A line the fast path did not take: parsed by Gson, each field checked with a message. */
        private void addSlow(String line, int no) {
            JsonObject o = parseObject(line, name, no);
            String inputId = string(o, "input_id", true, name, no);
            String text = string(o, "text", true, name, no);
            String method = string(o, "method", false, name, no);
            Integer sampleIndex = null;
            if (o.has("sample_index")) {
                JsonElement s = o.get("sample_index");
                if (!isNumber(s) || s.getAsDouble() != Math.rint(s.getAsDouble()) || s.getAsDouble() < 0
                        || s.getAsDouble() > Integer.MAX_VALUE)
                    throw new BadInput(name + ":" + no + ": \"sample_index\" must be an integer >= 0, got " + s);
                sampleIndex = s.getAsInt();
            }
            float[] embedding = o.has("embedding") ? floats(o.get("embedding"), name, no) : null;
            add(method != null ? method : "all", inputId, text.getBytes(StandardCharsets.UTF_8), sampleIndex, embedding, no);
        }

        private void add(String method, String inputId, byte[] text, Integer sampleIndex, float[] embedding, int no) {
            if (embedding != null) {
                double norm = 0;
                for (int i = 0; i < embedding.length; i++) {
                    if (!Float.isFinite(embedding[i]))
                        throw new BadInput(name + ":" + no + ": \"embedding\"[" + i + "] is " + embedding[i] + " (out of float range)");
                    norm += (double) embedding[i] * embedding[i];
                }
                if (norm == 0) throw new BadInput(name + ":" + no + ": \"embedding\" is the zero vector (it has no direction to compare)");
                Integer d = dims.putIfAbsent(method, embedding.length);
                if (d != null && d != embedding.length)
                    throw new BadInput(name + ":" + no + ": \"embedding\" has " + embedding.length
                            + " values but earlier lines of method " + method + " have " + d);
            }
            Input in = byId.computeIfAbsent(method, k -> new HashMap<>()).computeIfAbsent(inputId, k -> {
                Input fresh = new Input(k);
                g.methods.computeIfAbsent(method, x -> new ArrayList<>()).add(fresh);
                return fresh;
            });
            int idx = sampleIndex != null ? sampleIndex : in.outputs.size();
            in.outputs.add(new Output(idx, text, embedding, no));
            g.lines++;
        }

        /** After the last line: at least one generation, each input's outputs by sample index, none repeated. */
        Generations finish() {
            if (g.lines == 0) throw new BadInput(name + ": no generations (the file is empty)");
            for (List<Input> inputs : g.methods.values())
                for (Input in : inputs) {
                    in.outputs.sort((a, b) -> Integer.compare(a.sampleIndex(), b.sampleIndex()));
                    for (int i = 1; i < in.outputs.size(); i++)
                        if (in.outputs.get(i).sampleIndex() == in.outputs.get(i - 1).sampleIndex())
                            throw new BadInput(name + ":" + in.outputs.get(i).line() + ": sample_index "
                                    + in.outputs.get(i).sampleIndex() + " repeats for input_id " + in.id);
                }
            return g;
        }
    }

    private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

    /** Strict JSON (no unquoted strings, no trailing data), one object. */
    private static JsonObject parseObject(String line, String file, int no) {
        JsonElement e;
        try {
            JsonReader r = new JsonReader(new StringReader(line));
            r.setStrictness(Strictness.STRICT);
            e = JSON.read(r);
            if (r.peek() != JsonToken.END_DOCUMENT) throw new BadInput(file + ":" + no + ": data after the JSON object");
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException ex) {
            throw new BadInput(file + ":" + no + ": malformed JSON (" + JsonErrors.reason(ex) + ")");
        }
        if (e == null || !e.isJsonObject()) throw new BadInput(file + ":" + no + ": not a JSON object");
        return e.getAsJsonObject();
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber();
    }

    private static String string(JsonObject o, String key, boolean required, String file, int line) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (required) throw new BadInput(file + ":" + line + ": missing \"" + key + "\"");
            return null;
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString())
            throw new BadInput(file + ":" + line + ": \"" + key + "\" must be a string, got " + e);
        return e.getAsString();
    }

    private static float[] floats(JsonElement e, String file, int line) {
        if (!e.isJsonArray()) throw new BadInput(file + ":" + line + ": \"embedding\" must be an array of numbers");
        JsonArray a = e.getAsJsonArray();
        if (a.isEmpty()) throw new BadInput(file + ":" + line + ": \"embedding\" is empty");
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            if (!isNumber(a.get(i)))
                throw new BadInput(file + ":" + line + ": \"embedding\"[" + i + "] is not a number: " + a.get(i));
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }
}
