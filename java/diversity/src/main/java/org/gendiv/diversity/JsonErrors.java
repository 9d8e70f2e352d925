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
                .strip().replaceAll("\\s*\\R\\s*", " ");  // one line, whatever the library wrote
    }

    /** Text from a user's file as it may appear in a one-line message: control characters escaped, at most 200 characters. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)
                        b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.length() >= 200 && s.length() > 200 ? b + "..." : b.toString();
    }
}
