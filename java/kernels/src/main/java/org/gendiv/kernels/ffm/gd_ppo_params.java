// Generated in the shape jextract generates from native/include/gendiv.h; see gendiv_h.
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * struct gd_ppo_params {
 *     float temperature;
 *     float eps_low;
 *     float eps_high;
 *     float dual_clip;
 *     float entropy_coef;
 *     float log_ratio_clamp;
 * }
 * }
 */
public class gd_ppo_params {

    gd_ppo_params() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        gendiv_h.C_FLOAT.withName("temperature"),
        gendiv_h.C_FLOAT.withName("eps_low"),
        gendiv_h.C_FLOAT.withName("eps_high"),
        gendiv_h.C_FLOAT.withName("dual_clip"),
        gendiv_h.C_FLOAT.withName("entropy_coef"),
        gendiv_h.C_FLOAT.withName("log_ratio_clamp")
    ).withName("gd_ppo_params");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final ValueLayout.OfFloat temperature$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("temperature"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float temperature
     * }
     */
    public static final ValueLayout.OfFloat temperature$layout() {
        return temperature$LAYOUT;
    }

    private static final long temperature$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float temperature
     * }
     */
    public static final long temperature$offset() {
        return temperature$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float temperature
     * }
     */
    public static float temperature(MemorySegment struct) {
        return struct.get(temperature$LAYOUT, temperature$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float temperature
     * }
     */
    public static void temperature(MemorySegment struct, float fieldValue) {
        struct.set(temperature$LAYOUT, temperature$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat eps_low$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("eps_low"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float eps_low
     * }
     */
    public static final ValueLayout.OfFloat eps_low$layout() {
        return eps_low$LAYOUT;
    }

    private static final long eps_low$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float eps_low
     * }
     */
    public static final long eps_low$offset() {
        return eps_low$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float eps_low
     * }
     */
    public static float eps_low(MemorySegment struct) {
        return struct.get(eps_low$LAYOUT, eps_low$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float eps_low
     * }
     */
    public static void eps_low(MemorySegment struct, float fieldValue) {
        struct.set(eps_low$LAYOUT, eps_low$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat eps_high$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("eps_high"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float eps_high
     * }
     */
    public static final ValueLayout.OfFloat eps_high$layout() {
        return eps_high$LAYOUT;
    }

    private static final long eps_high$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float eps_high
     * }
     */
    public static final long eps_high$offset() {
        return eps_high$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float eps_high
     * }
     */
    public static float eps_high(MemorySegment struct) {
        return struct.get(eps_high$LAYOUT, eps_high$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float eps_high
     * }
     */
    public static void eps_high(MemorySegment struct, float fieldValue) {
        struct.set(eps_high$LAYOUT, eps_high$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat dual_clip$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("dual_clip"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float dual_clip
     * }
     */
    public static final ValueLayout.OfFloat dual_clip$layout() {
        return dual_clip$LAYOUT;
    }

    private static final long dual_clip$OFFSET = 12;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float dual_clip
     * }
     */
    public static final long dual_clip$offset() {
        return dual_clip$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float dual_clip
     * }
     */
    public static float dual_clip(MemorySegment struct) {
        return struct.get(dual_clip$LAYOUT, dual_clip$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float dual_clip
     * }
     */
    public static void dual_clip(MemorySegment struct, float fieldValue) {
        struct.set(dual_clip$LAYOUT, dual_clip$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat entropy_coef$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("entropy_coef"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float entropy_coef
     * }
     */
    public static final ValueLayout.OfFloat entropy_coef$layout() {
        return entropy_coef$LAYOUT;
    }

    private static final long entropy_coef$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float entropy_coef
     * }
     */
    public static final long entropy_coef$offset() {
        return entropy_coef$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float entropy_coef
     * }
     */
    public static float entropy_coef(MemorySegment struct) {
        return struct.get(entropy_coef$LAYOUT, entropy_coef$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float entropy_coef
     * }
     */
    public static void entropy_coef(MemorySegment struct, float fieldValue) {
        struct.set(entropy_coef$LAYOUT, entropy_coef$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat log_ratio_clamp$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("log_ratio_clamp"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float log_ratio_clamp
     * }
     */
    public static final ValueLayout.OfFloat log_ratio_clamp$layout() {
        return log_ratio_clamp$LAYOUT;
    }

    private static final long log_ratio_clamp$OFFSET = 20;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float log_ratio_clamp
     * }
     */
    public static final long log_ratio_clamp$offset() {
        return log_ratio_clamp$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float log_ratio_clamp
     * }
     */
    public static float log_ratio_clamp(MemorySegment struct) {
        return struct.get(log_ratio_clamp$LAYOUT, log_ratio_clamp$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float log_ratio_clamp
     * }
     */
    public static void log_ratio_clamp(MemorySegment struct, float fieldValue) {
        struct.set(log_ratio_clamp$LAYOUT, log_ratio_clamp$OFFSET, fieldValue);
    }

    /**
     * Obtains a slice of {@code arrayParam} which selects the array element at {@code index}.
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() { return layout().byteSize(); }

    /**
     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize(), arena, cleanup);
    }
}
