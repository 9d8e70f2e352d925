package org.gendiv.core;

import java.nio.file.Path;

import org.gendiv.core.checkpoint.GptCheckpoint;
import org.gendiv.core.model.Tensors;

/** Run by FamiliesTest in a JVM with a small heap: loads a checkpoint and prints a few of its values. */
public final class HeapCheck {
    public static void main(String[] args) throws Exception {
        var m = GptCheckpoint.load(Path.of(args[0]));
        var emb = m.namedParameters().get("model.embed_tokens.weight");
        float[] row = Tensors.floats(emb.select(0, Long.parseLong(args[1])));
        System.out.println(row[0] + " " + row[row.length - 1] + " " + Runtime.getRuntime().maxMemory());
    }
}
