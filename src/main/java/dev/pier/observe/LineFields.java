package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.logging.LineBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How each kind of field is written into one line; an absent value is {@code -} in logfmt, null in JSON. Not
 * thread-safe: one per line.
 */
abstract class LineFields {
    final LineBuffer out;
    private boolean first = true;

    LineFields(LineBuffer out) {
        this.out = out;
    }

    /** Starts a field: the separator, then the key. */
    abstract void key(String key);

    abstract void absent();

    abstract void string(CharSequence value, int from, int to);

    final void separate() {
        if (!first) {
            out.append(separator());
        }
        first = false;
    }

    abstract char separator();

    final void text(String key, @Nullable String value) {
        key(key);
        if (value == null) {
            absent();
        } else {
            string(value, 0, value.length());
        }
    }

    final void number(String key, long value) {
        key(key);
        if (value < 0) {
            absent();
        } else {
            out.append(value);
        }
    }

    final void millis(String key, long nanos) {
        key(key);
        if (nanos < 0) {
            absent();
        } else {
            AccessLog.appendMillis(out, nanos);
        }
    }

    final void time(long epochMillis) {
        key("time");
        quote();
        AccessLog.appendTime(out, epochMillis);
        quote();
    }

    /** JSON quotes the time; logfmt needs no quotes for it. */
    abstract void quote();

    final void trace(@Nullable String traceparent) {
        key("trace");
        if (AccessLog.validTraceparent(traceparent)) {
            string(traceparent, 3, 35);
        } else {
            absent();
        }
    }

    abstract void list(String key, List<Backend> tried);

    /** {@code key=value}, values quoted when they hold a space, a quote, {@code =} or a control character. */
    static final class Logfmt extends LineFields {

        Logfmt(LineBuffer out) {
            super(out);
        }

        @Override
        char separator() {
            return ' ';
        }

        @Override
        void key(String key) {
            separate();
            out.append(key).append('=');
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
            boolean plain = to > from;
            for (int i = from; i < to && plain; i++) {
                char c = value.charAt(i);
                plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
            }
            if (plain) {
                out.append(value, from, to);
                return;
            }
            quoted(out, value, from, to);
        }

        @Override
        void list(String key, List<Backend> tried) {
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
        char separator() {
            return ',';
        }

        @Override
        void key(String key) {
            separate();
            out.append('"').append(key).append("\":");
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
        void list(String key, List<Backend> tried) {
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
