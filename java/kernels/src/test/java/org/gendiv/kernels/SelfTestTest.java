package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What `gendiv selftest` prints must pass here too: every kernel, both bindings. */
class SelfTestTest {
    @Test
    void everyKernelPassesThroughBothBindings() {
        var rows = SelfTest.runAll();
        assertTrue(rows.size() >= 26, "rows: " + rows.size());
        for (var r : rows) assertTrue(r.pass(), r.toString());
        for (Backend b : Backend.values())
            assertTrue(rows.stream().anyMatch(r -> r.backend() == b && r.kernel().startsWith("ppo_loss")), b.name());
    }
}
