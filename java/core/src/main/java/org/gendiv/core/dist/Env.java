package org.gendiv.core.dist;

import java.util.Map;

import org.gendiv.core.io.Configs;

/**
 * Where this process stands in a data-parallel run, read from the variables torchrun sets (and
 * {@code gendiv launch} sets the same way): RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
 * Without WORLD_SIZE (or with WORLD_SIZE=1) the process trains alone.
 */
public record Env(int rank, int worldSize, int localRank, String masterAddr, int masterPort) {
    /** A process training alone. */
    public static final Env SINGLE = new Env(0, 1, 0, "127.0.0.1", 0);

    public static Env fromEnvironment() {
        return of(System.getenv());
    }

    /** The variables' values, checked: an error names the variable and what it held. */
    public static Env of(Map<String, String> env) {
        String ws = env.get("WORLD_SIZE");
        if (ws == null || ws.isBlank()) return SINGLE;
        int worldSize = integer(env, "WORLD_SIZE", 1, 1 << 20);
        if (worldSize == 1) return SINGLE;
        int rank = integer(env, "RANK", 0, worldSize - 1);
        int localRank = env.containsKey("LOCAL_RANK") ? integer(env, "LOCAL_RANK", 0, worldSize - 1) : rank;
        String addr = env.get("MASTER_ADDR");
        if (addr == null || addr.isBlank())
            throw new Configs.BadConfig("environment: MASTER_ADDR is not set (WORLD_SIZE=" + worldSize + " needs the address of rank 0)");
        return new Env(rank, worldSize, localRank, addr.strip(), integer(env, "MASTER_PORT", 1, 65535));
    }

    private static int integer(Map<String, String> env, String key, int min, int max) {
        String v = env.get(key);
        if (v == null) throw new Configs.BadConfig("environment: " + key + " is not set (WORLD_SIZE is)");
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Configs.BadConfig("environment: " + key + "=" + v + " must be an integer in [" + min + ", " + max + "]");
    }

    public boolean distributed() {
        return worldSize > 1;
    }
}
