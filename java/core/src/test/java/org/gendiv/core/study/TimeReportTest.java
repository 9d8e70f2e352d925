package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** report.md's time table from results.json's timings, checked against numbers worked by hand. */
class TimeReportTest {
    @Test
    void eachStageGetsItsShareAndItsRateAgainstTheMatmulYardstick() {
        JsonObject timings = JsonParser.parseString("""
                {"matmul_gflops": 100.0, "seed-2/base_s": 40.0, "seed-2/base_gflop": 2000.0,
                 "summarisation/eval_s": 60.0, "summarisation/eval_gflop": 300.0, "total_s": 100.0}""").getAsJsonObject();
        String md = TimeReport.markdown(timings, null);
        // base: 40 s of 100 = 40%; 2000 GFLOP / 40 s = 50 GFLOP/s = 50% of 100. eval: 300 / 60 = 5 GFLOP/s = 5%.
        assertTrue(md.contains("| seed-2/base | 40 | 40% | 2000 | 50.0 | 50% |"), md);
        assertTrue(md.contains("| summarisation/eval | 60 | 60% | 300 | 5.0 | 5% |"), md);
        assertTrue(md.contains("| total | 100 | 100% |"), md);
        assertTrue(md.contains("100 GFLOP/s"), md);
        assertEquals("", TimeReport.markdown(new JsonObject(), null), "no timings, no table");
    }

    /** With two seeds, each seed's own seconds sit beside the summed ones; a stage a seed did not run stays blank. */
    @Test
    void severalSeedsShowEachSeedsSeconds() {
        JsonObject timings = JsonParser.parseString("""
                {"matmul_gflops": 100.0, "seed-2/base_s": 40.0, "seed-3/base_s": 50.0, "summarisation/eval_s": 70.0, "total_s": 160.0}""")
                .getAsJsonObject();
        JsonArray perSeed = JsonParser.parseString("""
                [{"seed": 2, "timings": {"seed-2/base_s": 40.0, "summarisation/eval_s": 30.0, "total_s": 70.0}},
                 {"seed": 3, "timings": {"seed-3/base_s": 50.0, "summarisation/eval_s": 40.0, "total_s": 90.0}}]""").getAsJsonArray();
        String md = TimeReport.markdown(timings, perSeed);
        // shares of 160 s: 40 -> 25%, 70 -> 44%; no GFLOP recorded, so no rate
        assertTrue(md.contains("| of the matmul rate | seconds, seed 2 | seconds, seed 3 |"), md);
        assertTrue(md.contains("| seed-2/base | 40 | 25% | NaN | NaN | NaN% | 40 | |"), md);
        assertTrue(md.contains("| summarisation/eval | 70 | 44% | NaN | NaN | NaN% | 30 | 40 |"), md);
        assertTrue(md.contains("| total | 160 | 100% | | | | 70 | 90 |"), md);
    }
}
