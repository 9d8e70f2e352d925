package org.gendiv.kernels.ffm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.javacpp.Loader;
import org.gendiv.kernels.jni.GendivLibrary;

/**
 * Where the FFM binding finds libgendiv: the system property {@code gendiv.library} when set,
 * else the copy packaged in the gendiv-kernels jar (extracted to JavaCPP's cache, the same
 * file the JNI binding loads).
 */
public final class GendivLibraryPath {
    private GendivLibraryPath() {}

    public static Path resolve() {
        String override = System.getProperty("gendiv.library");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p))
                throw new IllegalStateException("gendiv.library = " + override + " is not a file");
            return p;
        }
        String resource = Loader.getPlatform() + "/" + System.mapLibraryName("gendiv");
        try {
            var file = Loader.cacheResource(GendivLibrary.class, resource);
            if (file == null)
                throw new IllegalStateException("libgendiv is not packaged for platform " + Loader.getPlatform()
                        + " (looked for resource " + resource + " beside " + GendivLibrary.class.getName() + ")");
            return file.toPath();
        } catch (IOException e) {
            throw new IllegalStateException("could not extract " + resource + ": " + e.getMessage(), e);
        }
    }
}
