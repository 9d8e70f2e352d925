package org.gendiv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on an output path before anything is computed or written. */
final class Outputs {
    private Outputs() {}

    /** An output file that is also an input would destroy the input: refused. */
    static void requireDistinct(Path out, Path in, String outOption, String inOption) throws IOException {
        if (out != null && Files.exists(out) && Files.exists(in) && Files.isSameFile(out, in))
            throw new IllegalArgumentException(outOption + " " + out + " is the " + inOption + " file; writing it would destroy the input");
    }
}
