package org.gendiv.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.checkpoint.TextFiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.gendiv.diversity.JsonErrors;

/** Training data as JSON lines of string fields; a bad line stops with an error naming file and line. */
public final class Jsonl {
    private Jsonl() {}

    /** A non-blank line of a JSONL file, parsed, and where it stands ("FILE:LINE") for errors. */
    public record Line(JsonObject json, String where) {}

    /** Every non-blank line of text (file's content) as a JSON object; one that is not stops with FILE:LINE. */
    public static List<Line> objects(Path file, String text) {
        List<Line> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String where = file + ":" + (i + 1);
            JsonElement e;
            try {
                e = JsonParser.parseString(lines[i]);
            } catch (JsonParseException x) {  // a broken object, or no JSON at all
                throw new Configs.BadConfig(where + (lines[i].strip().startsWith("{") ? ": malformed JSON (" : ": not JSON (")
                        + JsonErrors.reason(x) + ")");
            }
            if (!e.isJsonObject()) throw new Configs.BadConfig(where + ": not a JSON object");
            out.add(new Line(e.getAsJsonObject(), where));
        }
        return out;
    }

    /** The named string fields of every non-blank line, in order; the file must hold at least one line. */
    public static List<String[]> read(Path file, String... fields) throws IOException {
        String text;
        try {
            text = TextFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new Configs.BadConfig(file + ": no such data file");
        }
        List<String[]> rows = new ArrayList<>();
        for (Line line : objects(file, text)) {
            String[] row = new String[fields.length];
            for (int i = 0; i < fields.length; i++) {
                JsonElement v = line.json().get(fields[i]);
                if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString())
                    throw new Configs.BadConfig(line.where() + ": needs a string field '" + fields[i] + "'");
                row[i] = v.getAsString();
            }
            rows.add(row);
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
