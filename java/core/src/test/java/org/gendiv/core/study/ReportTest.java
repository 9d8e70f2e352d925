package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The report's note on Self-BLEU for short outputs: named methods and lengths, and none when every output is long enough. */
class ReportTest {
    private static JsonObject methods(double sftWords, double ppoWords) {
        String block = """
                {"splits": {"id": {"length": {"mean": %s}, "per_input": {"self_bleu": {"mean": 0.5}}}}}""";
        return JsonParser.parseString("{\"sft\": " + block.formatted(sftWords) + ", \"ppo\": " + block.formatted(ppoWords) + "}")
                .getAsJsonObject();
    }

    @Test
    void shortOutputsGetANoteOnSelfBleu() {
        String note = Report.shortOutputsNote(methods(4.34, 2.76));
        assertTrue(note.contains("SFT 4.3, RLHF (PPO) 2.8"), note);
        assertTrue(note.contains("Self-BLEU is BLEU-4"), note);
        assertEquals("", Report.shortOutputsNote(methods(12, 9)));
        assertTrue(Report.shortOutputsNote(methods(12, 4.9)).contains("RLHF (PPO) 4.9"));
    }
}
