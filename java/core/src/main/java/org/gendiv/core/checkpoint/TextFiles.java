package org.gendiv.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text files read as strict UTF-8: a malformed byte is an error naming the file, line and column,
 * not "Input length = 1". It is an IOException, as the read's other failures are, so the parse
 * errors that callers catch around their reads never swallow it.
 */
public final class TextFiles {
    private TextFiles() {}

    /** Not valid UTF-8, where. */
    public static final class NotUtf8 extends IOException {
        NotUtf8(String message) {
            super(message);
        }
    }

    public static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotUtf8(where(file, bytes) + ": not valid UTF-8");
        }
    }

    /** file:line:column of the first byte that does not decode. */
    private static String where(Path file, byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
        decoder.decode(in, out, true);  // stops at the first malformed byte
        int bad = in.position(), line = 1, column = 1;
        for (int i = 0; i < bad; i++) {
            if (bytes[i] == '\n') {
                line++;
                column = 1;
            } else if ((bytes[i] & 0xC0) != 0x80) column++;
        }
        return file + ":" + line + ":" + column + String.format(" (byte 0x%02X)", bytes[bad] & 0xFF);
    }
}
