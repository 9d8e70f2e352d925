package org.gendiv.diversity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading JSONL: grouping, ordering, and an error naming the line for each kind of bad input. */
class GenerationsTest {
    @TempDir
    Path dir;

    Path write(String content) throws IOException {
        Path p = dir.resolve("gens.jsonl");
        Files.writeString(p, content);
        return p;
    }

    void bad(String content, String... words) throws IOException {
        Path p = write(content);
        var e = assertThrows(Generations.BadInput.class, () -> Generations.read(p));
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' should contain " + w);
    }

    @Test
    void groupsByMethodAndInputAndOrdersBySampleIndex() throws IOException {
        Path p = write("""
                {"input_id": "q1", "text": "second", "sample_index": 1, "method": "ppo"}
                {"input_id": "q1", "text": "first", "sample_index": 0, "method": "ppo"}

                {"input_id": "q1", "text": "x y", "method": "sft"}
                {"input_id": "q2", "text": "z", "method": "sft"}
                {"input_id": "q1", "text": "x z", "method": "sft"}
                """);
        Generations g = Generations.read(p);
        assertEquals(5, g.lines);
        assertEquals(java.util.List.of("ppo", "sft"), java.util.List.copyOf(g.methods.keySet()));
        var ppo = g.methods.get("ppo").get(0);
        assertEquals("first", ppo.outputs.get(0).text());
        var sft = g.methods.get("sft");
        assertEquals(2, sft.size());
        assertEquals("x z", sft.get(0).outputs.get(1).text());  // file order within the input
    }

    @Test
    void malformedLine() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\"}\n{\"input_id\": \"q\", \"text\": }\n", "gens.jsonl:2", "malformed JSON");
        bad("{input_id: \"q\", \"text\": \"a\"}\n", "gens.jsonl:1", "malformed");
        bad("[1, 2]\n", "gens.jsonl:1", "not a JSON object");
        bad("{\"input_id\": \"q\", \"text\": \"a\"} trailing\n", "gens.jsonl:1");
        // Gson's own advice (a lenient mode, a link) and its "line 1" stay out of the message
        Path p = write("{\"input_id\": \"q\", \"text\": \"a\", \"x\": 1.}\n");
        var e = assertThrows(Generations.BadInput.class, () -> Generations.read(p));
        assertTrue(e.getMessage().endsWith("gens.jsonl:1: malformed JSON (syntax error at column 37 path $.x)"), e.getMessage());
    }

    @Test
    void missingField() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\"}\n{\"text\": \"b\"}\n", "gens.jsonl:2", "missing \"input_id\"");
        bad("{\"input_id\": \"q\"}\n", "gens.jsonl:1", "missing \"text\"");
    }

    @Test
    void wronglyTypedField() throws IOException {
        bad("{\"input_id\": 7, \"text\": \"a\"}\n", "gens.jsonl:1", "\"input_id\" must be a string");
        bad("{\"input_id\": \"q\", \"text\": [\"a\"]}\n", "\"text\" must be a string");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": 1.5}\n", "\"sample_index\" must be an integer");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": -1}\n", "\"sample_index\"");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [1, \"x\"]}\n", "\"embedding\"[1] is not a number");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [1, 1e400]}\n", "\"embedding\"[1] is Infinity");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [0, -0.0]}\n", "\"embedding\" is the zero vector");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"method\": 3}\n", "\"method\" must be a string");
    }

    @Test
    void emptyFile() throws IOException {
        bad("", "gens.jsonl", "empty");
        bad("\n  \n", "empty");
    }

    @Test
    void repeatedSampleIndexAndEmbeddingSizes() throws IOException {
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"sample_index\": 0}\n{\"input_id\": \"q\", \"text\": \"b\", \"sample_index\": 0}\n",
                "gens.jsonl:2", "repeats");
        bad("{\"input_id\": \"q\", \"text\": \"a\", \"embedding\": [1, 2]}\n{\"input_id\": \"q\", \"text\": \"b\", \"embedding\": [1]}\n",
                "gens.jsonl:2", "has 1 values");
    }

    /** A random well-formed line: escapes, raw UTF-8, surrogates, numbers in every form, extra keys, odd spacing. */
    static String randomLine(java.util.SplittableRandom rng, int no) {
        String[] pieces = {"a", "b c", " ", ".", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE00",
                "\\uD800", "\\udc00x", "é", "中文", "😀", "w12", "x.y", "\\u0041"};
        java.util.function.Supplier<String> str = () -> {
            StringBuilder b = new StringBuilder("\"");
            for (int i = rng.nextInt(8); i > 0; i--) b.append(pieces[rng.nextInt(pieces.length)]);
            return b.append('"').toString();
        };
        String[] numbers = {"0", "-1.5", "2e3", "1E-2", "0.25", "-0", "3.5e+1"};
        String ws = rng.nextInt(3) == 0 ? " \t " : rng.nextBoolean() ? " " : "";
        java.util.List<String> members = new java.util.ArrayList<>();
        members.add("\"input_id\":" + ws + "\"q" + rng.nextInt(5) + "\"");
        members.add("\"text\":" + ws + str.get());
        int index = 1000 + no;  // above any index from file order, so the two never meet
        if (rng.nextBoolean()) members.add("\"sample_index\": " + (rng.nextInt(4) == 0 ? index + ".0" : String.valueOf(index)));
        String method = rng.nextBoolean() ? "m" + rng.nextInt(2) : null;
        if (method != null) members.add("\"method\": \"" + method + "\"");
        if (rng.nextInt(3) == 0) {  // the same size within a method
            StringBuilder e = new StringBuilder("[1");  // never the zero vector, which is refused
            for (int i = 1, d = method == null ? 2 : 3; i < d; i++) e.append("," + ws).append(numbers[rng.nextInt(numbers.length)]);
            members.add("\"embedding\": " + e + "]");
        }
        if (rng.nextBoolean()) members.add("\"meta\": {\"k\": [1, true, null, {\"z\": " + str.get() + "}], \"e\": {}, \"a\": []}");
        if (rng.nextBoolean()) members.add("\"score\":" + numbers[rng.nextInt(numbers.length)]);
        java.util.Collections.shuffle(members, new java.util.Random(rng.nextLong()));
        return ws + "{" + ws + String.join("," + ws, members) + ws + "}" + ws + (rng.nextInt(5) == 0 ? "\r" : "");
    }

    static void assertSameGenerations(Generations expected, Generations actual) {
        assertEquals(expected.lines, actual.lines);
        assertEquals(java.util.List.copyOf(expected.methods.keySet()), java.util.List.copyOf(actual.methods.keySet()));
        for (String m : expected.methods.keySet()) {
            var e = expected.methods.get(m);
            var a = actual.methods.get(m);
            assertEquals(e.size(), a.size());
            for (int i = 0; i < e.size(); i++) {
                assertEquals(e.get(i).id, a.get(i).id);
                assertEquals(e.get(i).outputs.size(), a.get(i).outputs.size());
                for (int j = 0; j < e.get(i).outputs.size(); j++) {
                    var x = e.get(i).outputs.get(j);
                    var y = a.get(i).outputs.get(j);
                    assertEquals(x.sampleIndex(), y.sampleIndex());
                    assertEquals(x.line(), y.line());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(x.utf8(), y.utf8(), x.text() + " vs " + y.text());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(x.embedding(), y.embedding());
                }
            }
        }
    }

    /** Read with and without the fast path: the same error message, or the same generations. */
    static void assertBothPathsAgree(Path p, String what) throws IOException {
        Generations slow = null, fast = null;
        String slowError = null, fastError = null;
        try {
            slow = Generations.read(p, false);
        } catch (Generations.BadInput e) {
            slowError = e.getMessage();
        }
        try {
            fast = Generations.read(p, true);
        } catch (Generations.BadInput e) {
            fastError = e.getMessage();
        }
        assertEquals(slowError, fastError, what);
        if (slow != null) assertSameGenerations(slow, fast);
    }

    /** The fast byte parser against Gson on random well-formed files: the same generations, byte for byte. */
    @Test
    void fastPathMatchesGsonOnWellFormedLines() throws IOException {
        var rng = new java.util.SplittableRandom(7);
        for (int file = 0; file < 20; file++) {
            StringBuilder b = new StringBuilder();
            for (int no = 1; no <= 300; no++) b.append(randomLine(rng, no)).append(rng.nextInt(50) == 0 ? "\n\n" : "\n");
            if (file % 2 == 0) b.setLength(b.length() - 1);  // no newline at the end
            Path p = write(b.toString());
            assertSameGenerations(Generations.read(p, false), Generations.read(p, true));
        }
    }

    /**
     * Random damage to well-formed lines (a character deleted, or one of {}[]":,\ 0-.e t n inserted,
     * a byte that is no UTF-8): the fast path either takes the line as Gson does or leaves it to
     * Gson, so both reads fail with the same message or give the same generations.
     */
    @Test
    void fastPathNeverAcceptsWhatGsonRefuses() throws IOException {
        var rng = new java.util.SplittableRandom(9);
        String inserts = "{}[]\":,\\ 0-.etn\u0001";
        for (int trial = 0; trial < 1500; trial++) {
            byte[] line = randomLine(rng, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream damaged = new java.io.ByteArrayOutputStream();
            int at = rng.nextInt(line.length + 1), kind = rng.nextInt(3);
            damaged.write(line, 0, at);
            if (kind == 1) damaged.write(inserts.charAt(rng.nextInt(inserts.length())));
            if (kind == 2) damaged.write(0x80 | rng.nextInt(0x80));
            if (kind == 0 && at < line.length) at++;  // deleted
            damaged.write(line, at, line.length - at);
            Path p = dir.resolve("gens.jsonl");
            Files.write(p, damaged.toByteArray());
            assertBothPathsAgree(p, damaged.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** JSON's corner cases, each as the value of an unknown key, of "sample_index" and inside "embedding": both paths agree. */
    @Test
    void fastPathAgreesOnJsonCornerCases() throws IOException {
        String[] values = {"1.", "1.e5", "01", "-", "+1", ".5", "1e", "1e+", "-0", "0e0", "1E+2", "tru", "nul", "true", "null",
                "\"\\x\"", "\"a\tb\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\uD800\\u0041\"", "[1,]", "[,1]", "[1 2]", "[]",
                "{\"a\":1,}", "{\"a\" 1}", "{,}", "{}", "\"open", "[[[[1]]]]", "2147483648", "999999999", "1000000000",
                "3.0", "-1", "1e2", "\"s\""};
        for (String v : values) {
            for (String line : new String[] {
                    "{\"input_id\": \"q\", \"text\": \"t\", \"x\": " + v + "}",
                    "{\"input_id\": \"q\", \"text\": \"t\", \"sample_index\": " + v + "}",
                    "{\"input_id\": \"q\", \"text\": \"t\", \"embedding\": [0.5, " + v + "]}",
                    "{\"input_id\": \"q\", \"text\": " + v + "}"}) {
                assertBothPathsAgree(write(line + "\n"), line);
            }
        }
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path p = dir.resolve("gens.jsonl");
        Files.write(p, new byte[] {'{', '"', 'i', 'n', 'p', 'u', 't', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
        var e = assertThrows(Generations.BadInput.class, () -> Generations.read(p));
        assertTrue(e.getMessage().contains("gens.jsonl:1") && e.getMessage().contains("UTF-8"), e.getMessage());
    }
}
