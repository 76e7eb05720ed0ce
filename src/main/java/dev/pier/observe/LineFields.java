package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.logging.LineBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How each kind of field is written into one line; an absent value is {@code -} in logfmt, null in JSON. Not
 * thread-safe: one per line.
 */
abstract class LineFields {
    private static final Key TIME = new Key("time");
    private static final Key TRACE = new Key("trace");

    final LineBuffer out;
    private boolean first = true;

    LineFields(LineBuffer out) {
        this.out = out;
    }

    /** A field's name, with its separator before it, encoded once for each format. Immutable. */
    static final class Key {
        private final byte[] logfmt;
        private final byte[] json;

        Key(String name) {
            this.logfmt = (" " + name + "=").getBytes(StandardCharsets.UTF_8);
            this.json = (",\"" + name + "\":").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Starts a field: the separator (none before the first), then the key. */
    final void key(Key key) {
        byte[] bytes = bytes(key);
        int skip = first ? 1 : 0;
        first = false;
        out.append(bytes, skip, bytes.length - skip);
    }

    /** {@code key}'s separator and name in this format. */
    abstract byte[] bytes(Key key);

    abstract void absent();

    abstract void string(CharSequence value, int from, int to);

    final void text(Key key, @Nullable String value) {
        key(key);
        if (value == null) {
            absent();
        } else {
            string(value, 0, value.length());
        }
    }

    final void number(Key key, long value) {
        key(key);
        if (value < 0) {
            absent();
        } else {
            out.append(value);
        }
    }

    final void millis(Key key, long nanos) {
        key(key);
        if (nanos < 0) {
            absent();
        } else {
            AccessLog.appendMillis(out, nanos);
        }
    }

    final void time(long epochMillis) {
        key(TIME);
        quote();
        AccessLog.appendTime(out, epochMillis);
        quote();
    }

    /** JSON quotes the time; logfmt needs no quotes for it. */
    abstract void quote();

    final void trace(@Nullable String traceparent) {
        key(TRACE);
        if (AccessLog.validTraceparent(traceparent)) {
            string(traceparent, 3, 35);
        } else {
            absent();
        }
    }

    abstract void list(Key key, List<Backend> tried);

    /** {@code key=value}, values quoted when they hold a space, a quote, {@code =} or a control character. */
    static final class Logfmt extends LineFields {

        /** The ASCII characters of a value written as it is: printable ones but {@code "}, {@code =}, backslash. */
        private static final long BARE_LOW;
        private static final long BARE_HIGH;

        static {
            long low = 0;
            long high = 0;
            for (char c = '!'; c <= '~'; c++) {
                if (c != '"' && c != '=' && c != '\\') {
                    if (c < 64) {
                        low |= 1L << c;
                    } else {
                        high |= 1L << (c - 64);
                    }
                }
            }
            BARE_LOW = low;
            BARE_HIGH = high;
        }

        Logfmt(LineBuffer out) {
            super(out);
        }

        @Override
        byte[] bytes(Key key) {
            return key.logfmt;
        }

        @Override
        void absent() {
            out.append('-');
        }

        @Override
        void quote() {
        }

        @Override
        void string(CharSequence value, int from, int to) {
            if (to == from) {
                quoted(out, value, from, to);
            } else if (!out.appendAscii(value, from, to, BARE_LOW, BARE_HIGH)) {
                // Beyond ASCII: one more look decides (a letter beyond ASCII needs no quotes either).
                if (bare(value, from, to)) {
                    out.append(value, from, to);
                } else {
                    quoted(out, value, from, to);
                }
            }
        }

        private static boolean bare(CharSequence value, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = value.charAt(i);
                if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void list(Key key, List<Backend> tried) {
            key(key);
            if (tried.size() < 2) {
                absent();
                return;
            }
            for (int i = 0; i < tried.size() - 1; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(tried.get(i).authority());
            }
        }
    }

    /** One JSON object; {@code tried} is an array. */
    static final class Json extends LineFields {

        Json(LineBuffer out) {
            super(out);
        }

        @Override
        byte[] bytes(Key key) {
            return key.json;
        }

        @Override
        void absent() {
            out.append("null");
        }

        @Override
        void quote() {
            out.append('"');
        }

        @Override
        void string(CharSequence value, int from, int to) {
            quoted(out, value, from, to);
        }

        @Override
        void list(Key key, List<Backend> tried) {
            key(key);
            out.append('[');
            for (int i = 0; i < tried.size() - 1; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append('"').append(tried.get(i).authority()).append('"');
            }
            out.append(']');
        }
    }

    /**
     * Appends the characters from {@code from} to {@code to} in double quotes, escaped as they may stand there in
     * logfmt and in JSON alike; runs that need no escape go in whole (a surrogate pair stays one code point).
     */
    private static void quoted(LineBuffer out, CharSequence value, int from, int to) {
        out.append('"');
        int run = from;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                out.append(value, run, i);
                escape(out, c);
                run = i + 1;
            }
        }
        out.append(value, run, to).append('"');
    }

    private static void escape(LineBuffer out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                    .append(Character.forDigit(c & 15, 16));
        }
    }
}
