package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.gendiv.diversity.JsonErrors;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header of
 * name -> {dtype, shape, data_offsets}, then the data), read memory-mapped so a file larger than
 * the heap still opens, and written atomically (temp file, then rename). F32, F16 and BF16 read
 * as float32. Every inconsistency (truncated file, offsets or shapes that lie, unknown dtype,
 * missing tensor) is a {@link BadCheckpoint} naming the file and the tensor.
 */
public final class Safetensors implements AutoCloseable {
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    public static final class BadCheckpoint extends IllegalArgumentException {
        public BadCheckpoint(String message) {
            super(message);
        }
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;

    private Safetensors(Path path, Arena arena, MemorySegment data, Map<String, Entry> entries) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
    }

    public static Safetensors open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new BadCheckpoint(path + ": truncated (" + size + " bytes, no header)");
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > size - 8)
                throw new BadCheckpoint(path + ": header length " + headerLen + " does not fit in the file (" + size + " bytes)");
            String json = new String(file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            JsonObject header;
            try {
                header = JsonParser.parseString(json).getAsJsonObject();
            } catch (RuntimeException e) {
                String why = JsonErrors.reason(e);
                throw new BadCheckpoint(path + ": the header is not a JSON object (" + (why.length() > 200 ? why.substring(0, 200) + "..." : why) + ")");
            }
            MemorySegment data = file.asSlice(8 + headerLen);
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (var e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                entries.put(e.getKey(), entry(path, e.getKey(), e.getValue(), data.byteSize()));
            }
            requireDisjoint(path, entries.values());
            return new Safetensors(path, arena, data, entries);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** No two tensors share bytes: overlapping offsets would load one tensor's values into another. */
    private static void requireDisjoint(Path path, Collection<Entry> entries) {
        Entry[] byStart = entries.stream().filter(e -> e.end() > e.begin())
                .sorted(Comparator.comparingLong(Entry::begin)).toArray(Entry[]::new);
        for (int i = 1; i < byStart.length; i++)
            if (byStart[i].begin() < byStart[i - 1].end())
                throw new BadCheckpoint(path + ": tensors " + JsonErrors.printable(byStart[i - 1].name()) + " [" + byStart[i - 1].begin() + ", "
                        + byStart[i - 1].end() + ") and " + JsonErrors.printable(byStart[i].name()) + " [" + byStart[i].begin() + ", " + byStart[i].end()
                        + ") overlap in the data");
    }

    private static int bytesOf(Path path, String name, String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64", "I64" -> 8;
            default -> throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has unknown dtype " + JsonErrors.printable(dtype)
                    + " (supported: F32, F16, BF16)");
        };
    }

    private static Entry entry(Path path, String name, JsonElement v, long dataSize) {
        try {
            JsonObject o = v.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            int bytes = bytesOf(path, name, dtype);
            var shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has a negative dimension");
            }
            var off = o.getAsJsonArray("data_offsets");
            long begin = off.get(0).getAsLong(), end = off.get(1).getAsLong();
            Entry e = new Entry(name, dtype, shape, begin, end);
            if (begin < 0 || end < begin || end > dataSize)
                throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has data_offsets [" + begin + ", " + end
                        + "] outside the data (" + dataSize + " bytes; truncated file?)");
            if (end - begin != e.numel() * bytes)
                throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has shape " + Arrays.toString(shape) + " of "
                        + dtype + " (" + e.numel() * bytes + " bytes) but its offsets span " + (end - begin) + " bytes");
            return e;
        } catch (BadCheckpoint b) {
            throw b;
        } catch (RuntimeException ex) {
            throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has a malformed header entry (" + JsonErrors.reason(ex) + ")");
        }
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new BadCheckpoint(path + ": missing tensor " + JsonErrors.printable(name));
        return e;
    }

    /** The tensor's values as float32 (upcast from F16/BF16). */
    public float[] floats(String name) {
        Entry e = entry(name);
        if (e.numel() > Integer.MAX_VALUE) throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " is too large for one array");
        float[] out = new float[(int) e.numel()];
        copyFloats(name, MemorySegment.ofArray(out));
        return out;
    }

    private static final ValueLayout.OfFloat NATIVE_F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Writes the tensor's values as float32 (upcast from F16/BF16) into dst, native memory or an
     * array, straight from the mapped file: no heap copy, so a tensor larger than the heap loads.
     */
    public void copyFloats(String name, MemorySegment dst) {
        Entry e = entry(name);
        long n = e.numel();
        if (dst.byteSize() != 4 * n)
            throw new IllegalArgumentException(path + ": tensor " + JsonErrors.printable(name) + " has " + n + " values, the destination " + dst.byteSize() / 4);
        MemorySegment s = data.asSlice(e.begin(), e.end() - e.begin());
        switch (e.dtype()) {
            case "F32" -> MemorySegment.copy(s, F32, 0, dst, NATIVE_F32, 0, n);
            case "BF16" -> {
                for (long i = 0; i < n; i++) dst.setAtIndex(NATIVE_F32, i, Float.intBitsToFloat((s.getAtIndex(U16, i) & 0xffff) << 16));
            }
            case "F16" -> {
                for (long i = 0; i < n; i++) dst.setAtIndex(NATIVE_F32, i, Float.float16ToFloat(s.getAtIndex(U16, i)));
            }
            default -> throw new BadCheckpoint(path + ": tensor " + JsonErrors.printable(name) + " has dtype " + e.dtype() + ", not a float type");
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A float32 tensor to write: its name, shape and values (row-major). */
    public record Tensor32(String name, long[] shape, float[] values) {}

    /** Writes tensors (sorted by name) to path atomically: a crash never leaves a partial file. */
    public static void write(Path path, List<Tensor32> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor32> sorted = new TreeMap<>();
        for (Tensor32 t : tensors) sorted.put(t.name(), t);
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);  // sorted: the same model gives the same bytes
            header.add("__metadata__", meta);
        }
        long offset = 0;
        List<Tensor32> order = new ArrayList<>(sorted.values());
        for (Tensor32 t : order) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            var shape = new com.google.gson.JsonArray();
            for (long d : t.shape()) shape.add(d);
            o.add("shape", shape);
            var off = new com.google.gson.JsonArray();
            off.add(offset);
            off.add(offset + 4L * t.values().length);
            o.add("data_offsets", off);
            header.add(t.name(), o);
            offset += 4L * t.values().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;  // the data starts 8-byte aligned
        byte[] padded = Arrays.copyOf(json, json.length + pad);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                Arena a = Arena.ofConfined()) {
            long total = 8 + padded.length + offset;
            MemorySegment out = a.allocate(Math.min(total, 1 << 24));
            // header
            var head = ByteBuffer.allocate(8 + padded.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded.length).put(padded).flip();
            while (head.hasRemaining()) ch.write(head);
            for (Tensor32 t : order) {
                float[] v = t.values();
                for (int i = 0; i < v.length;) {
                    int n = (int) Math.min(v.length - i, out.byteSize() / 4);
                    MemorySegment.copy(v, i, out, F32, 0, n);
                    var buf = out.asSlice(0, 4L * n).asByteBuffer();
                    while (buf.hasRemaining()) ch.write(buf);
                    i += n;
                }
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
