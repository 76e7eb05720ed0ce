package dev.pier.websocket;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a text message that arrives in fragments, whose boundaries may fall inside a character: the bytes of a
 * character cut off at the end of one fragment are kept for the next. Not thread-safe: one per direction of a
 * tunnel, confined to its delivery.
 */
final class Utf8Parts {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private @Nullable ByteBuffer held;

    /** The text of {@code bytes}, after what the previous fragment left; on {@code last}, all of it. */
    String next(ByteBuffer bytes, boolean last) throws CharacterCodingException {
        ByteBuffer in = bytes;
        ByteBuffer before = held;
        if (before != null) {
            in = ByteBuffer.allocate(before.remaining() + bytes.remaining()).put(before).put(bytes.slice()).flip();
            held = null;
        }
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        CoderResult result = decoder.decode(in, out, last);
        if (result.isError()) {
            decoder.reset();
            result.throwException();
        }
        if (last) {
            decoder.flush(out);
            decoder.reset();
        } else if (in.hasRemaining()) {
            held = Tunnel.copy(in);
        }
        return out.flip().toString();
    }
}
