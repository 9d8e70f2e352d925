// Generated in the shape jextract generates from native/include/gendiv.h; see gendiv_h.
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * struct gd_kl_reward_params {
 *     float beta;
 *     int32_t estimator;
 *     float score_clip;
 * }
 * }
 */
public class gd_kl_reward_params {

    gd_kl_reward_params() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        gendiv_h.C_FLOAT.withName("beta"),
        gendiv_h.C_INT.withName("estimator"),
        gendiv_h.C_FLOAT.withName("score_clip")
    ).withName("gd_kl_reward_params");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final ValueLayout.OfFloat beta$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("beta"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float beta
     * }
     */
    public static final ValueLayout.OfFloat beta$layout() {
        return beta$LAYOUT;
    }

    private static final long beta$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float beta
     * }
     */
    public static final long beta$offset() {
        return beta$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float beta
     * }
     */
    public static float beta(MemorySegment struct) {
        return struct.get(beta$LAYOUT, beta$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float beta
     * }
     */
    public static void beta(MemorySegment struct, float fieldValue) {
        struct.set(beta$LAYOUT, beta$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt estimator$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("estimator"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t estimator
     * }
     */
    public static final ValueLayout.OfInt estimator$layout() {
        return estimator$LAYOUT;
    }

    private static final long estimator$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t estimator
     * }
     */
    public static final long estimator$offset() {
        return estimator$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t estimator
     * }
     */
    public static int estimator(MemorySegment struct) {
        return struct.get(estimator$LAYOUT, estimator$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t estimator
     * }
     */
    public static void estimator(MemorySegment struct, int fieldValue) {
        struct.set(estimator$LAYOUT, estimator$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat score_clip$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(MemoryLayout.PathElement.groupElement("score_clip"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float score_clip
     * }
     */
    public static final ValueLayout.OfFloat score_clip$layout() {
        return score_clip$LAYOUT;
    }

    private static final long score_clip$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float score_clip
     * }
     */
    public static final long score_clip$offset() {
        return score_clip$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float score_clip
     * }
     */
    public static float score_clip(MemorySegment struct) {
        return struct.get(score_clip$LAYOUT, score_clip$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float score_clip
     * }
     */
    public static void score_clip(MemorySegment struct, float fieldValue) {
        struct.set(score_clip$LAYOUT, score_clip$OFFSET, fieldValue);
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
