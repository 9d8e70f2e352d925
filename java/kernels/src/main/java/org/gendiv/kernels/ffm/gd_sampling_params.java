// Generated in the shape jextract generates from native/include/gendiv.h; see gendiv_h.
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * struct gd_sampling_params {
 *     float temperature;
 *     int32_t top_k;
 *     float top_p;
 *     float min_p;
 *     uint64_t seed;
 *     int64_t step;
 * }
 * }
 */
public class gd_sampling_params {

    gd_sampling_params() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        gendiv_h.C_FLOAT.withName("temperature"),
        gendiv_h.C_INT.withName("top_k"),
        gendiv_h.C_FLOAT.withName("top_p"),
        gendiv_h.C_FLOAT.withName("min_p"),
        gendiv_h.C_LONG_LONG.withName("seed"),
        gendiv_h.C_LONG_LONG.withName("step")
    ).withName("gd_sampling_params");

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

    private static final ValueLayout.OfInt top_k$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_k"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t top_k
     * }
     */
    public static final ValueLayout.OfInt top_k$layout() {
        return top_k$LAYOUT;
    }

    private static final long top_k$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t top_k
     * }
     */
    public static final long top_k$offset() {
        return top_k$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t top_k
     * }
     */
    public static int top_k(MemorySegment struct) {
        return struct.get(top_k$LAYOUT, top_k$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t top_k
     * }
     */
    public static void top_k(MemorySegment struct, int fieldValue) {
        struct.set(top_k$LAYOUT, top_k$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat top_p$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_p"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float top_p
     * }
     */
    public static final ValueLayout.OfFloat top_p$layout() {
        return top_p$LAYOUT;
    }

    private static final long top_p$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float top_p
     * }
     */
    public static final long top_p$offset() {
        return top_p$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float top_p
     * }
     */
    public static float top_p(MemorySegment struct) {
        return struct.get(top_p$LAYOUT, top_p$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float top_p
     * }
     */
    public static void top_p(MemorySegment struct, float fieldValue) {
        struct.set(top_p$LAYOUT, top_p$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat min_p$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("min_p"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float min_p
     * }
     */
    public static final ValueLayout.OfFloat min_p$layout() {
        return min_p$LAYOUT;
    }

    private static final long min_p$OFFSET = 12;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float min_p
     * }
     */
    public static final long min_p$offset() {
        return min_p$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float min_p
     * }
     */
    public static float min_p(MemorySegment struct) {
        return struct.get(min_p$LAYOUT, min_p$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float min_p
     * }
     */
    public static void min_p(MemorySegment struct, float fieldValue) {
        struct.set(min_p$LAYOUT, min_p$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfLong seed$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("seed"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * uint64_t seed
     * }
     */
    public static final ValueLayout.OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint64_t seed
     * }
     */
    public static final long seed$offset() {
        return seed$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * uint64_t seed
     * }
     */
    public static long seed(MemorySegment struct) {
        return struct.get(seed$LAYOUT, seed$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * uint64_t seed
     * }
     */
    public static void seed(MemorySegment struct, long fieldValue) {
        struct.set(seed$LAYOUT, seed$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfLong step$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("step"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static final ValueLayout.OfLong step$layout() {
        return step$LAYOUT;
    }

    private static final long step$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static final long step$offset() {
        return step$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static long step(MemorySegment struct) {
        return struct.get(step$LAYOUT, step$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static void step(MemorySegment struct, long fieldValue) {
        struct.set(step$LAYOUT, step$OFFSET, fieldValue);
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
