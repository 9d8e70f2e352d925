// Generated in the shape jextract generates from native/include/gendiv.h; see gendiv_h.
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * struct gd_context {
 *     int32_t device;
 *     int32_t num_threads;
 *     void* stream;
 * }
 * }
 */
public class gd_context {

    gd_context() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        gendiv_h.C_INT.withName("device"),
        gendiv_h.C_INT.withName("num_threads"),
        gendiv_h.C_POINTER.withName("stream")
    ).withName("gd_context");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final ValueLayout.OfInt device$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("device"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t device
     * }
     */
    public static final ValueLayout.OfInt device$layout() {
        return device$LAYOUT;
    }

    private static final long device$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t device
     * }
     */
    public static final long device$offset() {
        return device$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t device
     * }
     */
    public static int device(MemorySegment struct) {
        return struct.get(device$LAYOUT, device$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t device
     * }
     */
    public static void device(MemorySegment struct, int fieldValue) {
        struct.set(device$LAYOUT, device$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt num_threads$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("num_threads"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static final ValueLayout.OfInt num_threads$layout() {
        return num_threads$LAYOUT;
    }

    private static final long num_threads$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static final long num_threads$offset() {
        return num_threads$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static int num_threads(MemorySegment struct) {
        return struct.get(num_threads$LAYOUT, num_threads$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static void num_threads(MemorySegment struct, int fieldValue) {
        struct.set(num_threads$LAYOUT, num_threads$OFFSET, fieldValue);
    }

    private static final AddressLayout stream$LAYOUT = (AddressLayout) $LAYOUT.select(MemoryLayout.PathElement.groupElement("stream"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * void* stream
     * }
     */
    public static final AddressLayout stream$layout() {
        return stream$LAYOUT;
    }

    private static final long stream$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * void* stream
     * }
     */
    public static final long stream$offset() {
        return stream$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * void* stream
     * }
     */
    public static MemorySegment stream(MemorySegment struct) {
        return struct.get(stream$LAYOUT, stream$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * void* stream
     * }
     */
    public static void stream(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(stream$LAYOUT, stream$OFFSET, fieldValue);
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
