package org.gendiv.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gendiv launch --nproc N [--nnodes M --node-rank R --master ADDR:PORT] COMMAND...}: starts
 * N worker JVMs on this machine running COMMAND, with RANK, WORLD_SIZE, LOCAL_RANK,
 * LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT in their environment as torchrun sets them. When
 * a worker fails the others are stopped and the launcher exits with its code, naming the rank.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Run a command data-parallel on N worker processes (torchrun's variables in their environment).",
            "e.g. gendiv launch --nproc 2 train sft --config sft.json",
            "Each worker uses max(1, cores / nproc) LibTorch threads unless OMP_NUM_THREADS is set."})
final class LaunchCommand implements Callable<Integer> {
    @Option(names = "--nproc", required = true, description = "worker processes on this machine")
    int nproc;

    @Option(names = "--nnodes", defaultValue = "1", description = "machines in the run (default 1)")
    int nnodes;

    @Option(names = "--node-rank", defaultValue = "0", description = "this machine's index, 0..nnodes-1 (default 0)")
    int nodeRank;

    @Option(names = "--master", description = "ADDR:PORT of the machine whose rank 0 serves the rendezvous "
            + "(default on one machine: 127.0.0.1 and a free port)")
    String master;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds a rank waits for the others in a collective "
            + "before failing (default 300)")
    int timeout;

    @Parameters(arity = "1..*", description = "the gendiv command the workers run, e.g. train sft --config FILE")
    List<String> command;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (nproc < 1) throw bad("--nproc must be >= 1, got " + nproc);
        if (nnodes < 1) throw bad("--nnodes must be >= 1, got " + nnodes);
        if (nodeRank < 0 || nodeRank >= nnodes) throw bad("--node-rank must be in [0, " + nnodes + "), got " + nodeRank);
        if (timeout < 1) throw bad("--timeout must be >= 1 second, got " + timeout);
        if (command.get(0).equals("launch")) throw bad("the workers' command cannot itself be launch");
        String addr = "127.0.0.1";
        int port;
        if (master != null) {
            int colon = master.lastIndexOf(':');
            if (colon <= 0) throw bad("--master must be ADDR:PORT, got '" + master + "'");
            addr = master.substring(0, colon);
            try {
                port = Integer.parseInt(master.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) throw bad("--master's port must be in [1, 65535], got '" + master.substring(colon + 1) + "'");
        } else if (nnodes > 1) {
            throw bad("--master ADDR:PORT is required with --nnodes > 1 (the address every machine reaches rank 0 at)");
        } else {
            port = freePort();
        }
        int world = nnodes * nproc, threads = Math.max(1, Runtime.getRuntime().availableProcessors() / nproc);
        List<Process> workers = new ArrayList<>();
        Thread stopper = new Thread(() -> workers.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopper);  // the launcher killed: its workers go too
        for (int local = 0; local < nproc; local++) {
            ProcessBuilder pb = new ProcessBuilder(workerCommand()).inheritIO();
            Map<String, String> env = pb.environment();
            env.put("RANK", String.valueOf(nodeRank * nproc + local));
            env.put("WORLD_SIZE", String.valueOf(world));
            env.put("LOCAL_RANK", String.valueOf(local));
            env.put("LOCAL_WORLD_SIZE", String.valueOf(nproc));
            env.put("MASTER_ADDR", addr);
            env.put("MASTER_PORT", String.valueOf(port));
            env.put("GENDIV_DIST_TIMEOUT", String.valueOf(timeout));
            env.putIfAbsent("OMP_NUM_THREADS", String.valueOf(threads));
            workers.add(pb.start());
        }
        int code = watch(workers);
        Runtime.getRuntime().removeShutdownHook(stopper);
        return code;
    }

    /** Waits for every worker; the first to fail stops the rest (SIGTERM, then SIGKILL after 10 s). Returns its exit code. */
    private int watch(List<Process> workers) throws InterruptedException {
        while (true) {
            boolean running = false;
            for (int local = 0; local < workers.size(); local++) {
                Process p = workers.get(local);
                if (p.isAlive()) {
                    running = true;
                    continue;
                }
                int code = p.exitValue();
                if (code == 0) continue;
                int rank = nodeRank * nproc + local;
                System.err.println("gendiv launch: rank " + rank + " (pid " + p.pid() + ") exited with code " + code
                        + "; stopping the other ranks");
                for (Process q : workers) q.destroy();
                for (Process q : workers) if (!q.waitFor(10, TimeUnit.SECONDS)) q.destroyForcibly().waitFor();
                return code;
            }
            if (!running) return 0;
            workers.stream().filter(Process::isAlive).findFirst().ifPresent(p -> {
                try {
                    p.waitFor(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private List<String> workerCommand() {
        List<String> cmd = thisJvm();
        cmd.addAll(command);
        return cmd;
    }

    /** This JVM again (its binary, flags and class path) running gendiv's Main: add a command's arguments. */
    static List<String> thisJvm() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return cmd;
    }

    /** A port free on this machine now (the kernel's pick), for a rendezvous on one machine. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private picocli.CommandLine.ParameterException bad(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
