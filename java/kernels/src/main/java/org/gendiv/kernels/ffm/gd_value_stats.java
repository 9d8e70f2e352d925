// Generated in the shape jextract generates from native/include/gendiv.h; see gendiv_h.
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * struct gd_value_stats {
 *     float loss;
 *     float clip_fraction;
 *     float mask_sum;
 * }
 * }
 */
public class gd_value_stats {

    gd_value_stats() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        gendiv_h.C_FLOAT.withName("loss"),
        gendiv_h.C_FLOAT.withName("clip_fraction"),
        gendiv_h.C_FLOAT.withName("mask_sum")
    ).withName("gd_value_stats");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final ValueLayout.OfFloat loss$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("loss"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float loss
     * }
     */
    public static final ValueLayout.OfFloat loss$layout() {
        return loss$LAYOUT;
    }

    private static final long loss$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float loss
     * }
     */
    public static final long loss$offset() {
        return loss$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float loss
     * }
     */
    public static float loss(MemorySegment struct) {
        return struct.get(loss$LAYOUT, loss$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float loss
     * }
     */
    public static void loss(MemorySegment struct, float fieldValue) {
        struct.set(loss$LAYOUT, loss$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat clip_fraction$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_fraction"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float clip_fraction
     * }
     */
    public static final ValueLayout.OfFloat clip_fraction$layout() {
        return clip_fraction$LAYOUT;
    }

    private static final long clip_fraction$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float clip_fraction
     * }
     */
    public static final long clip_fraction$offset() {
        return clip_fraction$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float clip_fraction
     * }
     */
    public static float clip_fraction(MemorySegment struct) {
        return struct.get(clip_fraction$LAYOUT, clip_fraction$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float clip_fraction
     * }
     */
    public static void clip_fraction(MemorySegment struct, float fieldValue) {
        struct.set(clip_fraction$LAYOUT, clip_fraction$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat mask_sum$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("mask_sum"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float mask_sum
     * }
     */
    public static final ValueLayout.OfFloat mask_sum$layout() {
        return mask_sum$LAYOUT;
    }

    private static final long mask_sum$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float mask_sum
     * }
     */
    public static final long mask_sum$offset() {
        return mask_sum$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float mask_sum
     * }
     */
    public static float mask_sum(MemorySegment struct) {
        return struct.get(mask_sum$LAYOUT, mask_sum$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float mask_sum
     * }
     */
    public static void mask_sum(MemorySegment struct, float fieldValue) {
        struct.set(mask_sum$LAYOUT, mask_sum$OFFSET, fieldValue);
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
