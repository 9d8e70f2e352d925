package org.gendiv.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        String md = TimeReport.markdown(timings);
        // base: 40 s of 100 = 40%; 2000 GFLOP / 40 s = 50 GFLOP/s = 50% of 100. eval: 300 / 60 = 5 GFLOP/s = 5%.
        assertTrue(md.contains("| seed-2/base | 40 | 40% | 2000 | 50.0 | 50% |"), md);
        assertTrue(md.contains("| summarisation/eval | 60 | 60% | 300 | 5.0 | 5% |"), md);
        assertTrue(md.contains("| total | 100 | 100% |"), md);
        assertTrue(md.contains("100 GFLOP/s"), md);
        assertEquals("", TimeReport.markdown(new JsonObject()), "no timings, no table");
    }
}
