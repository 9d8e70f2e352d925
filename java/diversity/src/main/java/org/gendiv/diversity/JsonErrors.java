package org.gendiv.diversity;

/**
 * Gson's parse errors in words for a user who wrote a JSONL line: the root cause's message
 * without Gson's advice to set a lenient mode or its troubleshooting link, and with the column
 * only (a JSONL line is parsed alone, so Gson's "line 1" says nothing).
 */
public final class JsonErrors {
    private JsonErrors() {}

    public static String reason(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        String m = String.valueOf(e.getMessage());
        int see = m.indexOf("\nSee https://");
        if (see >= 0) m = m.substring(0, see);
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "syntax error")
                .replace(" at line 1 column ", " at column ")
                .strip();
    }
}
