package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.Tensors;

/**
 * Named float32 LibTorch tensors to and from one safetensors file. Writes are atomic; reads check
 * every tensor's presence and shape and name the file and tensor when one is wrong. {@code
 * transposed} names the 2-D tensors stored as [in, out] (GPT-2's Conv1D) while held as [out, in].
 */
public final class TensorFiles {
    private TensorFiles() {}

    public static void write(Path file, Map<String, Tensor> tensors, Predicate<String> transposed,
            Map<String, String> metadata) throws IOException {
        List<Safetensors.Tensor32> out = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = transposed.test(e.getKey()) ? e.getValue().t() : e.getValue();
            out.add(new Safetensors.Tensor32(e.getKey(), shape(t), Tensors.floats(t)));
        }
        Safetensors.write(file, out, metadata);
    }

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, name -> false, Map.of("format", "pt", "writer", "gendiv"));
    }

    /** Copies each named tensor of the file into the given tensor, in place. */
    public static void readInto(Path file, Map<String, Tensor> into, Predicate<String> transposed)
            throws IOException {
        if (!Files.exists(file)) throw new Safetensors.BadCheckpoint(file + ": missing");
        try (Safetensors st = Safetensors.open(file); var noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> p : into.entrySet()) {
                String name = p.getKey();
                Safetensors.Entry e = st.entry(name);
                long[] want = shape(p.getValue());
                boolean flip = transposed.test(name);
                long[] stored = flip ? new long[] {want[1], want[0]} : want;
                if (!Arrays.equals(stored, e.shape()))
                    throw new Safetensors.BadCheckpoint(file + ": tensor " + name + " has shape "
                            + Arrays.toString(e.shape()) + ", expected " + Arrays.toString(stored));
                Tensor t = torch.empty(stored);  // filled from the mapped file, never through the heap
                st.copyFloats(name, Tensors.segment(t));
                p.getValue().copy_(flip ? t.t() : t);
            }
        }
    }

    public static void readInto(Path file, Map<String, Tensor> into) throws IOException {
        readInto(file, into, name -> false);
    }

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }
}
