package org.gendiv.core.model;

import java.util.Locale;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The device gendiv's models run on, chosen once per process by the system property
 * {@code gendiv.device} ({@code GENDIV_JAVA_OPTS="-Dgendiv.device=cuda"}): {@code cpu},
 * {@code cuda}, or {@code auto} (the default: CUDA when LibTorch sees a device, which needs the
 * {@code -Pgpu} build's CUDA jar; else the CPU). Models move their parameters there when built;
 * inputs made on the host move at the model's door ({@link #to}); what gendiv's CPU kernels read
 * comes back to the host ({@link #cpu}). On the CPU every move is a no-op, so CPU results are
 * bit for bit what they were. In a data-parallel run each rank takes the CUDA device of its
 * LOCAL_RANK.
 */
public final class Devices {
    private Devices() {}

    private static volatile Device device;
    private static volatile boolean cuda;

    public static Device current() {
        if (device == null) choose(System.getProperty("gendiv.device", "auto"));
        return device;
    }

    /** Is the current device a CUDA device? */
    public static boolean cuda() {
        current();
        return cuda;
    }

    static synchronized void choose(String name) {
        if (device != null) return;
        cuda = wantsCuda(name, torch.cuda_is_available());
        device = new Device(cuda ? cudaDevice(System.getenv("WORLD_SIZE"), System.getenv("LOCAL_RANK")) : "cpu");
    }

    /** One CUDA device per local rank in a data-parallel run (gendiv launch, torchrun), as NCCL expects; else the current one. */
    public static String cudaDevice(String worldSize, String localRank) {
        boolean ranks = worldSize != null && !worldSize.strip().equals("1") && localRank != null && localRank.strip().matches("\\d+");
        return ranks ? "cuda:" + localRank.strip() : "cuda";
    }

    /** Does the setting, with or without a visible CUDA device, mean CUDA? A setting that cannot be met is an error. */
    public static boolean wantsCuda(String name, boolean visible) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> false;
            case "cuda" -> {
                if (!visible)
                    throw new IllegalArgumentException("gendiv.device=cuda: LibTorch sees no CUDA device (build with -Pgpu for the CUDA jar, "
                            + "and check the driver); use gendiv.device=cpu or auto");
                yield true;
            }
            case "auto" -> visible;
            default -> throw new IllegalArgumentException("gendiv.device must be cpu, cuda or auto, got '" + name + "'");
        };
    }

    /** The tensor on the current device (itself when it is there already, as always on the CPU). */
    public static Tensor to(Tensor t) {
        return cuda() && !t.is_cuda() ? t.to(current(), t.scalar_type()) : t;
    }

    /** The tensor in host memory, for gendiv's CPU kernels and for copying out (itself when it is there). */
    public static Tensor cpu(Tensor t) {
        return t.is_cuda() ? t.to(new Device("cpu"), t.scalar_type()) : t;
    }

    /** Moves a freshly built module's parameters to the current device (nothing on the CPU). */
    public static void place(org.bytedeco.pytorch.Module m) {
        if (cuda()) m.to(current(), false);
    }
}
