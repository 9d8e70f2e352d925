package org.gendiv.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.gendiv.kernels.Backend;
import org.gendiv.kernels.Device;
import org.gendiv.kernels.Kernels;
import org.gendiv.kernels.SelfTest;
import picocli.CommandLine.Command;

/** Loads libgendiv through both bindings and checks every kernel against its float64 reference. */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Run every kernel on a small random case through JNI and FFM (and CUDA when a device is"
                + " visible) against its float64 reference; exit 1 when any fails.")
final class SelftestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Kernels k = Kernels.of(Backend.FFM, Device.cpu());
        System.out.printf("libgendiv %s, CUDA kernels %s, CUDA devices visible: %d%n%n", k.libraryVersion(),
                k.cudaCompiled() ? "compiled" : "not compiled", k.cudaDeviceCount());
        long start = System.nanoTime();
        List<SelfTest.Row> rows = SelfTest.runAll();
        String fmt = "%-42s %-4s %-6s %12s %9s  %-4s %s%n";
        System.out.printf(fmt, "kernel", "via", "device", "max error", "tol", "pass", "");
        System.out.printf(fmt, "-".repeat(42), "----", "------", "-".repeat(12), "-".repeat(9), "----", "");
        int failed = 0;
        for (SelfTest.Row r : rows) {
            if (!r.pass()) failed++;
            String err = Double.isNaN(r.maxError()) ? "-" : String.format("%.3e", r.maxError());
            String tol = Double.isNaN(r.tolerance()) ? "-" : String.format("%.0e", r.tolerance());
            System.out.printf(fmt, r.kernel(), r.backend(), r.device(), err, tol,
                    Double.isNaN(r.maxError()) ? "skip" : r.pass() ? "ok" : "FAIL", r.note());
        }
        long ran = rows.stream().filter(r -> !Double.isNaN(r.maxError())).count();
        System.out.printf("%n%d passed, %d failed (%.1f s)%n", ran - failed, failed, (System.nanoTime() - start) / 1e9);
        return failed == 0 ? 0 : 1;
    }
}
