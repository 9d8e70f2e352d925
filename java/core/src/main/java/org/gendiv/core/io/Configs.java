package org.gendiv.core.io;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.JsonPrimitive;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.diversity.JsonErrors;

/**
 * Config records to and from JSON, strictly: keys are the record's components in snake_case
 * (nested records are nested objects), a key the record does not have or a value of the wrong
 * type stops with an error naming the file and the key, and keys left out keep their defaults.
 */
public final class Configs {
    private Configs() {}

    /** A config error: the message names the file (or "config") and the key. */
    public static final class BadConfig extends IllegalArgumentException {
        public BadConfig(String message) {
            super(message);
        }
    }

    /**
     * A config whose defaults yield to what a settings object wrote, not only to the values it
     * resolved to: {@link #merge} hands it the object it applied (StudyConfig drops a default
     * per-task setting that the settings write for every task).
     */
    public interface Layered<R extends Record> {
        R written(JsonObject settings);
    }

    public static <R extends Record> R read(Path file, R defaults) throws IOException {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(TextFiles.read(file));
            if (!e.isJsonObject()) throw new BadConfig(file + ": the config must be a JSON object");
            o = e.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new BadConfig(file + ": no such config file");
        } catch (com.google.gson.JsonParseException e) {
            throw new BadConfig(file + ": not valid JSON (" + JsonErrors.reason(e) + ")");
        }
        return merge(defaults, o, file.toString(), "");
    }

    /** The record with one setting changed, by its config key (e.g. "beta"): a wither for any config record. */
    public static <R extends Record> R with(R r, String key, Number value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return merge(r, o, r.getClass().getSimpleName(), "");
    }

    /**
     * The defaults with settings written as a config file writes them (JSON; `//` comments allowed,
     * one per setting saying why): how a config in code names every value rather than passing
     * them by position. source names the settings in errors.
     */
    public static <R extends Record> R with(R defaults, String source, String settings) {
        return merge(defaults, json(source, settings), source, "");
    }

    /** A JSON object written as {@link #with(Record, String, String)}'s settings are (`//` comments allowed). */
    public static JsonObject json(String source, String settings) {
        JsonReader reader = new JsonReader(new StringReader(settings));
        reader.setStrictness(com.google.gson.Strictness.LENIENT);  // for the comments
        JsonElement e = JsonParser.parseReader(reader);
        if (!e.isJsonObject()) throw new IllegalStateException(source + ": not a JSON object");
        return e.getAsJsonObject();
    }

    /** The defaults with the object's keys applied (source names the file in errors). */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R merge(R defaults, JsonObject o, String source, String path) {
        Class<R> type = (Class<R>) defaults.getClass();
        RecordComponent[] comps = type.getRecordComponents();
        List<String> known = new ArrayList<>();
        for (RecordComponent c : comps) known.add(snake(c.getName()));
        for (String key : o.keySet())
            if (!known.contains(key))
                throw new BadConfig(source + ": unknown key '" + JsonErrors.printable(path + key) + "' (known: "
                        + String.join(", ", known) + ")");
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            types[i] = c.getType();
            Object current = get(c, defaults);
            String key = snake(c.getName());
            values[i] = o.has(key) ? value(c.getType(), current, o.get(key), source, path + key) : current;
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            R made = ctor.newInstance(values);
            return made instanceof Layered<?> l ? (R) l.written(o) : made;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae)
                throw new BadConfig(source + ": " + (path.isEmpty() ? "" : "in '" + path.substring(0, path.length() - 1) + "': ")
                        + iae.getMessage());
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(Class<?> t, Object current, JsonElement v, String source, String key) {
        String where = source + ": key '" + key + "'";
        try {
            if (Record.class.isAssignableFrom(t)) {
                if (!v.isJsonObject()) throw new BadConfig(where + " must be an object");
                return merge((Record) current, v.getAsJsonObject(), source, key + ".");
            }
            if (t == JsonObject.class) {  // settings the record checks itself (its constructor), replacing the default whole
                if (!v.isJsonObject()) throw new BadConfig(where + " must be an object");
                return v.getAsJsonObject().deepCopy();
            }
            if (v.isJsonNull()) {
                if (t == String.class) return null;
                throw new BadConfig(where + " must not be null");
            }
            if (!v.isJsonPrimitive()) throw new BadConfig(where + " must be a " + kind(t));
            JsonPrimitive p = v.getAsJsonPrimitive();
            if (t == boolean.class) {
                if (!p.isBoolean()) throw new BadConfig(where + " must be true or false");
                return p.getAsBoolean();
            }
            if (t == String.class) {
                if (!p.isString()) throw new BadConfig(where + " must be a string");
                return p.getAsString();
            }
            if (t.isEnum()) {
                if (!p.isString()) throw new BadConfig(where + " must be a string");
                for (Object c : t.getEnumConstants())
                    if (((Enum) c).name().equalsIgnoreCase(p.getAsString())) return c;
                throw new BadConfig(where + " must be one of " + Arrays.toString(t.getEnumConstants())
                        .toLowerCase(Locale.ROOT) + ", got '" + p.getAsString() + "'");
            }
            if (!p.isNumber()) throw new BadConfig(where + " must be a " + kind(t));
            double d = p.getAsDouble();
            if (t == double.class) return d;
            if (t == float.class) return (float) d;
            if (d != Math.rint(d)) throw new BadConfig(where + " must be an integer, got " + p);
            if (t == int.class) {
                if (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) throw new BadConfig(where + " is out of range: " + p);
                return (int) d;
            }
            if (t == long.class) return p.getAsLong();
        } catch (NumberFormatException e) {
            throw new BadConfig(where + " must be a " + kind(t));
        }
        throw new IllegalStateException("unsupported config type " + t + " for " + key);
    }

    private static String kind(Class<?> t) {
        return t == int.class || t == long.class ? "integer" : t == float.class || t == double.class ? "number"
                : t.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            var m = c.getAccessor();
            m.setAccessible(true);
            return m.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record as a JSON object with snake_case keys (every setting, resolved). */
    public static JsonObject toJson(Record r) {
        JsonObject o = new JsonObject();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = get(c, r);
            String key = snake(c.getName());
            if (v == null) o.add(key, com.google.gson.JsonNull.INSTANCE);
            else if (v instanceof Record nested) o.add(key, toJson(nested));
            else if (v instanceof JsonObject free) o.add(key, free.deepCopy());
            else if (v instanceof Boolean b) o.addProperty(key, b);
            else if (v instanceof Number n) o.addProperty(key, n);
            else if (v instanceof Enum<?> e) o.addProperty(key, e.name().toLowerCase(Locale.ROOT));
            else o.addProperty(key, v.toString());
        }
        return o;
    }

    /**
     * A resumed run keeps the settings it started with: when file holds a config, it must equal
     * now, else a BadConfig names the first key that differs (what was stored, what is asked).
     */
    public static void requireSame(Path file, JsonObject now) throws IOException {
        if (!Files.exists(file)) return;
        JsonElement stored;
        try {
            stored = JsonParser.parseString(TextFiles.read(file));
        } catch (com.google.gson.JsonParseException e) {
            throw new BadConfig(file + ": not valid JSON, so the run cannot be resumed (" + JsonErrors.reason(e) + ")");
        }
        String diff = firstDifference(stored, now, "");
        if (diff != null)
            throw new BadConfig(file + ": --resume with a changed setting " + diff
                    + "; new settings mean a new run (choose another output directory)");
    }

    private static String firstDifference(JsonElement a, JsonElement b, String path) {
        if (a.isJsonObject() && b.isJsonObject()) {
            Set<String> keys = new TreeSet<>(a.getAsJsonObject().keySet());
            keys.addAll(b.getAsJsonObject().keySet());
            for (String k : keys) {
                // config.json leaves null settings out: a key missing is a null one
                JsonElement x = a.getAsJsonObject().has(k) ? a.getAsJsonObject().get(k) : com.google.gson.JsonNull.INSTANCE;
                JsonElement y = b.getAsJsonObject().has(k) ? b.getAsJsonObject().get(k) : com.google.gson.JsonNull.INSTANCE;
                String p = path.isEmpty() ? k : path + "." + k;
                String d = firstDifference(x, y, p);
                if (d != null) return d;
            }
            return null;
        }
        boolean same = a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber() && b.getAsJsonPrimitive().isNumber()
                ? a.getAsString().equals(b.getAsString()) || a.getAsDouble() == b.getAsDouble() : a.equals(b);
        return same ? null : "'" + path + "' (stored " + a + ", now " + b + ")";
    }

    public static String pretty(JsonElement e) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(e);
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) b.append('_').append(Character.toLowerCase(ch));
            else b.append(ch);
        }
        return b.toString();
    }
}
