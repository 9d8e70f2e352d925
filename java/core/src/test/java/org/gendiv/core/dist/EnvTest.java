package org.gendiv.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.gendiv.core.io.Configs;
import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void torchrunsVariables() {
        Env e = Env.of(Map.of("RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "MASTER_ADDR", "10.0.0.2", "MASTER_PORT", "29500"));
        assertEquals(new Env(3, 4, 1, "10.0.0.2", 29500), e);
        assertTrue(e.distributed());
        assertEquals(Env.SINGLE, Env.of(Map.of()));
        assertEquals(Env.SINGLE, Env.of(Map.of("WORLD_SIZE", "1")));
        assertFalse(Env.of(Map.of("WORLD_SIZE", "1", "RANK", "0")).distributed());
        // LOCAL_RANK defaults to RANK (one machine)
        assertEquals(1, Env.of(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1")).localRank());
    }

    @Test
    void badValuesNameTheVariable() {
        var e = assertThrows(Configs.BadConfig.class,
                () -> Env.of(Map.of("RANK", "2", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1")));
        assertEquals("environment: RANK=2 must be an integer in [0, 1]", e.getMessage());
        e = assertThrows(Configs.BadConfig.class, () -> Env.of(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "1")));
        assertTrue(e.getMessage().startsWith("environment: MASTER_ADDR is not set"), e.getMessage());
        e = assertThrows(Configs.BadConfig.class,
                () -> Env.of(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "70000")));
        assertEquals("environment: MASTER_PORT=70000 must be an integer in [1, 65535]", e.getMessage());
        e = assertThrows(Configs.BadConfig.class, () -> Env.of(Map.of("WORLD_SIZE", "two")));
        assertEquals("environment: WORLD_SIZE=two must be an integer in [1, 1048576]", e.getMessage());
    }

    @Test
    void aRanksShareOfAGlobalBatch() {
        Group alone = Group.single();
        assertEquals(0, alone.rank());
        assertEquals(1, alone.size());
        assertEquals(3.5, alone.sum(3.5));
        assertEquals(java.util.List.of(5, 6, 7), java.util.Arrays.stream(alone.shard(new int[] {5, 6, 7})).boxed().toList());
    }
}
