package org.gendiv.diversity;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The fast path of {@link Generations#read}: one JSONL line, as UTF-8 bytes, parsed without a
 * String or a JSON tree. It accepts only what strict JSON accepts, and only the well-formed case:
 * "input_id" and "text" strings, "method" a string or absent, "sample_index" a plain non-negative
 * integer or absent, "embedding" a non-empty array of numbers or absent, no key twice, any other
 * key with any JSON value. Anything else (a malformed line, a missing or wrongly typed field,
 * "sample_index": 2.0, an escaped key, invalid UTF-8) returns false, and the caller parses the line
 * again with Gson, which gives the message; the two paths agree on every line this one accepts.
 */
final class FastLine {
    private static final int MAX_DEPTH = 64;
    private static final byte[] INPUT_ID = key("input_id"), TEXT = key("text"), METHOD = key("method"),
            SAMPLE_INDEX = key("sample_index"), EMBEDDING = key("embedding");

    /** The fields of the last line parsed; sampleIndex -1 and method, embedding null when absent. */
    String inputId, method;
    byte[] text;
    int sampleIndex;
    float[] embedding;

    private byte[] b;
    private int p, end;
    private byte[] out = new byte[256];  // a string's decoded bytes
    private int outLen;
    private float[] floats = new float[64];  // an embedding's values so far: floats[0, n)
    private int n;

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses bytes[from, to); true when the line is a well-formed generation (fields set). */
    boolean parse(byte[] bytes, int from, int to) {
        b = bytes;
        p = from;
        end = to;
        inputId = method = null;
        text = null;
        sampleIndex = -1;
        embedding = null;
        for (int i = from; i < to; i++)
            if (bytes[i] < 0) {  // non-ASCII: the whole line must be valid UTF-8 (the Gson path reports it)
                if (!validUtf8(bytes, from, to)) return false;
                break;
            }
        try {
            return object();
        } catch (IndexOutOfBoundsException e) {  // ran off the line's end: not this path's to explain
            return false;
        }
    }

    private boolean object() {
        ws();
        if (at() != '{') return false;
        p++;
        return items('}', this::field) && finish();
    }

    /** One member of the line's object: a field of ours, checked, or any other key with any value. */
    private boolean field() {
        if (at() != '"') return false;
        int keyFrom = p + 1;
        if (!string()) return false;
        int keyTo = p - 1;
        for (int i = keyFrom; i < keyTo; i++) if (b[i] == '\\') return false;  // an escaped key: Gson's to read
        ws();
        if (at() != ':') return false;
        p++;
        ws();
        if (is(keyFrom, keyTo, TEXT)) {
            if (text != null || at() != '"' || !string()) return false;
            text = Arrays.copyOf(out, outLen);
        } else if (is(keyFrom, keyTo, INPUT_ID)) {
            if (inputId != null || at() != '"' || !string()) return false;
            inputId = new String(out, 0, outLen, StandardCharsets.UTF_8);
        } else if (is(keyFrom, keyTo, METHOD)) {
            if (method != null || at() != '"' || !string()) return false;
            method = new String(out, 0, outLen, StandardCharsets.UTF_8);
        } else if (is(keyFrom, keyTo, SAMPLE_INDEX)) {
            return sampleIndex < 0 && sampleIndex();
        } else if (is(keyFrom, keyTo, EMBEDDING)) {
            return embedding == null && embedding();
        } else {
            return value(0);
        }
        return true;
    }

    /**
     * The items of an array or object up to `close`, p just past the opening bracket: none, or
     * item, then item again after each ",", whitespace around each; p ends past `close`.
     */
    private boolean items(char close, BooleanSupplier item) {
        ws();
        if (at() == close) {
            p++;
            return true;
        }
        while (true) {
            ws();
            if (!item.getAsBoolean()) return false;
            ws();
            byte c = at();
            p++;
            if (c == close) return true;
            if (c != ',') return false;
        }
    }

    /** Only whitespace may follow the object; the two required fields must be there. */
    private boolean finish() {
        ws();
        return p == end && inputId != null && text != null;
    }

    /** Whether the key bytes [from, to) (no escapes) equal k. */
    private boolean is(int from, int to, byte[] k) {
        return Arrays.equals(b, from, to, k, 0, k.length);
    }

    private byte at() {
        if (p >= end) throw new IndexOutOfBoundsException();
        return b[p];
    }

    private void ws() {
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) p++;
    }

    /** Any JSON value, checked and skipped. */
    private boolean value(int depth) {
        byte c = at();
        if (c == '"') return string();
        if (c == '-' || (c >= '0' && c <= '9')) return number() >= 0;
        if (c == 't') return literal("true");
        if (c == 'f') return literal("false");
        if (c == 'n') return literal("null");
        if (depth >= MAX_DEPTH) return false;
        if (c == '[') {
            p++;
            return items(']', () -> value(depth + 1));
        }
        if (c == '{') {
            p++;
            return items('}', () -> member(depth + 1));
        }
        return false;
    }

    /** A member of a nested object: "key": value. */
    private boolean member(int depth) {
        if (at() != '"' || !string()) return false;
        ws();
        if (at() != ':') return false;
        p++;
        ws();
        return value(depth);
    }

    private boolean literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at() != word.charAt(i)) return false;
            p++;
        }
        return true;
    }

    /**
     * A JSON number at p (-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?), p moved past it;
     * returns 0 for an integer, 1 with a fraction or an exponent, -1 when malformed.
     */
    private int number() {
        boolean integer = true;
        if (at() == '-') p++;
        if (at() == '0') p++;
        else if (!digits()) return -1;
        if (p < end && b[p] == '.') {
            p++;
            if (!digits()) return -1;
            integer = false;
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (at() == '+' || at() == '-') p++;
            if (!digits()) return -1;
            integer = false;
        }
        return integer ? 0 : 1;
    }

    private boolean digits() {
        int from = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') p++;
        return p > from;
    }

    /** A plain integer 0..999999999 (anything else goes to the Gson path and its checks). */
    private boolean sampleIndex() {
        int from = p;
        if (number() != 0 || b[from] == '-' || p - from > 9) return false;
        int v = 0;
        for (int i = from; i < p; i++) v = 10 * v + (b[i] - '0');
        sampleIndex = v;
        return true;
    }

    /** A non-empty array of numbers (an empty one is Gson's to report). */
    private boolean embedding() {
        if (at() != '[') return false;
        p++;
        n = 0;
        if (!items(']', this::embeddingValue) || n == 0) return false;
        embedding = Arrays.copyOf(floats, n);
        return true;
    }

    private boolean embeddingValue() {
        int from = p;
        if (number() < 0) return false;
        if (n == floats.length) floats = Arrays.copyOf(floats, 2 * n);
        floats[n++] = Float.parseFloat(new String(b, from, p - from, StandardCharsets.ISO_8859_1));
        return true;
    }

    /**
     * A JSON string at p (the opening quote), p moved past the closing one, its value decoded into
     * out[0, outLen) as UTF-8. Raw control characters are refused; a lone surrogate escape becomes
     * '?', as String.getBytes(UTF_8) writes it on the Gson path.
     */
    private boolean string() {
        p++;
        outLen = 0;
        while (true) {
            int from = p;
            while (p < end && b[p] != '"' && b[p] != '\\' && (b[p] & 0xFF) >= 0x20) p++;
            append(from, p);
            byte c = at();
            if (c == '"') {
                p++;
                return true;
            }
            if (c != '\\') return false;  // a raw control character
            p++;
            byte e = at();
            p++;
            switch (e) {
                case '"', '\\', '/' -> put(e);
                case 'b' -> put((byte) '\b');
                case 'f' -> put((byte) '\f');
                case 'n' -> put((byte) '\n');
                case 'r' -> put((byte) '\r');
                case 't' -> put((byte) '\t');
                case 'u' -> {
                    int u = hex4();
                    if (u < 0) return false;
                    if (Character.isHighSurrogate((char) u) && p + 6 <= end && b[p] == '\\' && b[p + 1] == 'u') {
                        int save = p;
                        p += 2;
                        int low = hex4();
                        if (low >= 0 && Character.isLowSurrogate((char) low)) {
                            codePoint(Character.toCodePoint((char) u, (char) low));
                            continue;
                        }
                        p = save;
                    }
                    codePoint(Character.isSurrogate((char) u) ? '?' : u);
                }
                default -> {
                    return false;
                }
            }
        }
    }

    private int hex4() {
        if (p + 4 > end) return -1;
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[p++], 16);
            if (d < 0) return -1;
            v = v << 4 | d;
        }
        return v;
    }

    private void codePoint(int c) {
        if (c < 0x80) {
            put((byte) c);
        } else if (c < 0x800) {
            put((byte) (0xC0 | c >> 6));
            put((byte) (0x80 | c & 0x3F));
        } else if (c < 0x10000) {
            put((byte) (0xE0 | c >> 12));
            put((byte) (0x80 | c >> 6 & 0x3F));
            put((byte) (0x80 | c & 0x3F));
        } else {
            put((byte) (0xF0 | c >> 18));
            put((byte) (0x80 | c >> 12 & 0x3F));
            put((byte) (0x80 | c >> 6 & 0x3F));
            put((byte) (0x80 | c & 0x3F));
        }
    }

    private void append(int from, int to) {
        int n = to - from;
        if (outLen + n > out.length) out = Arrays.copyOf(out, Math.max(2 * out.length, outLen + n));
        System.arraycopy(b, from, out, outLen, n);
        outLen += n;
    }

    private void put(byte c) {
        if (outLen == out.length) out = Arrays.copyOf(out, 2 * outLen);
        out[outLen++] = c;
    }

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(256);

    /** Whether bytes[from, to) is valid UTF-8 (the JDK's decoder, reused: no allocation per line). */
    boolean validUtf8(byte[] bytes, int from, int to) {
        if (chars.capacity() < to - from) chars = CharBuffer.allocate(Math.max(to - from, 2 * chars.capacity()));
        chars.clear();
        utf8.reset();
        return !utf8.decode(ByteBuffer.wrap(bytes, from, to - from), chars, true).isError()
                && !utf8.flush(chars).isError();
    }
}
