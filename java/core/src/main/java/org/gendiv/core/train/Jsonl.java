package org.gendiv.core.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gendiv.core.checkpoint.AtomicFiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Training data as JSON lines of string fields; a bad line stops with an error naming file and line. */
public final class Jsonl {
    private Jsonl() {}

    /** The named string fields of every non-blank line, in order; the file must hold at least one line. */
    public static List<String[]> read(Path file, String... fields) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int no = 1; (line = r.readLine()) != null; no++) {
                if (line.isBlank()) continue;
                JsonObject o;
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (!e.isJsonObject()) throw new IllegalArgumentException("not a JSON object");
                    o = e.getAsJsonObject();
                } catch (RuntimeException e) {
                    throw new Configs.BadConfig(file + ":" + no + ": not a JSON object (" + e.getMessage() + ")");
                }
                String[] row = new String[fields.length];
                for (int i = 0; i < fields.length; i++) {
                    JsonElement v = o.get(fields[i]);
                    if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString())
                        throw new Configs.BadConfig(file + ":" + no + ": needs a string field '" + fields[i] + "'");
                    row[i] = v.getAsString();
                }
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new Configs.BadConfig(file + ": no such data file");
        }
        if (rows.isEmpty()) throw new Configs.BadConfig(file + ": no examples (the file is empty)");
        return rows;
    }

    public static void write(Path file, List<JsonObject> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonObject o : rows) b.append(o).append('\n');
        AtomicFiles.writeString(file, b.toString());
    }
}
