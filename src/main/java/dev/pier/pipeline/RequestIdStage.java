package dev.pier.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Gives each request its id: the client's {@code X-Request-Id} when it is trusted and well-formed (1-200
 * characters of {@code A-Z a-z 0-9 . _ : -}), else a random 128-bit one in 32 lower-case hex digits. The id goes
 * to the backend on every try (the same each time) and back to the client on every answer. Never answers.
 * Immutable.
 */
final class RequestIdStage implements RequestStage, ResponseStage {

    static final String HEADER = "X-Request-Id";
    private static final int MAX_LENGTH = 200;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final boolean trustIncoming;

    RequestIdStage(boolean trustIncoming) {
        this.trustIncoming = trustIncoming;
    }

    @Override
    public @Nullable LocalReply onRequest(RequestContext context) {
        String incoming = trustIncoming ? context.head().header(HEADER) : null;
        context.requestId(incoming != null && wellFormed(incoming) ? incoming : newId());
        return null;
    }

    @Override
    public void onForward(RequestContext context, HeaderEditor backendRequest) {
        backendRequest.set(HEADER, context.requestId());
    }

    @Override
    public void onResponse(RequestContext context, int status, HeaderEditor clientResponse) {
        clientResponse.set(HEADER, context.requestId());
    }

    /** Whether {@code id} may be kept: 1-200 characters of {@code A-Z a-z 0-9 . _ : -}. */
    static boolean wellFormed(String id) {
        int length = id.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 lower-case hex digits: two longs, one array, one Latin-1 string. */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] digits = new byte[32];
        writeHex(random.nextLong(), digits, 0);
        writeHex(random.nextLong(), digits, 16);
        return new String(digits, StandardCharsets.ISO_8859_1);
    }

    private static void writeHex(long value, byte[] out, int offset) {
        for (int i = offset + 15; i >= offset; i--) {
            out[i] = HEX[(int) value & 0xf];
            value >>>= 4;
        }
    }
}
