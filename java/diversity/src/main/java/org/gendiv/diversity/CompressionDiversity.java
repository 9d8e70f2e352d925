package org.gendiv.diversity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Compression-ratio diversity: gzip size of the set's texts concatenated (joined by "\n") over the
 * sum of their separate gzip sizes (gzip's default level 6). Near 1/K for K identical texts, near 1
 * when the texts share nothing; higher = more diverse.
 */
public final class CompressionDiversity {
    private CompressionDiversity() {}

    public static double of(List<String> texts) {
        return ofUtf8(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** As {@link #of} for texts in UTF-8. */
    public static double ofUtf8(List<byte[]> texts) {
        if (texts.isEmpty()) return Double.NaN;
        long separate = 0;
        int joined = texts.size() - 1;
        for (byte[] t : texts) {
            separate += gzipSize(t);
            joined += t.length;
        }
        byte[] all = new byte[joined];
        for (int i = 0, at = 0; i < texts.size(); i++) {
            if (i > 0) all[at++] = '\n';
            System.arraycopy(texts.get(i), 0, all, at, texts.get(i).length);
            at += texts.get(i).length;
        }
        return (double) gzipSize(all) / separate;
    }

    static long gzipSize(byte[] data) {
        var counter = new CountingStream();
        try (var gz = new GZIPOutputStream(counter)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

}
