package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.config.AccessLogSettings;
import dev.pier.routing.Route;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request to the {@code pier.access} logger, in logfmt or JSON. The line is built on the
 * request's thread and handed to the logging system, whose appender (asynchronous in {@code etc/logback.xml})
 * decides where it goes and when; nothing here waits for a disk or a pipe. Immutable; thread-safe.
 *
 * <p>Fields, in order: {@code time} (when the request ended, UTC), {@code id}, {@code client}, {@code method},
 * {@code path}, {@code status}, {@code route}, {@code backend}, {@code upstream_status}, {@code attempts},
 * {@code tried} (the backends tried before {@code backend}), {@code bytes_in}, {@code bytes_out} (bodies),
 * {@code ms}, {@code upstream_ms} (the last try, to the backend's response line), {@code pier_ms} (before the
 * first try was sent), {@code flag} (why Pier answered itself), {@code trace} (the W3C trace id).
 */
final class AccessLog {

    /** The logger of access-log lines. */
    static final String LOGGER = "pier.access";

    private static final Logger logger = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** The last second written, with its text: a line reuses it rather than formatting a date. */
    private static volatile Second second = new Second(Long.MIN_VALUE, "");

    private final boolean json;
    private final boolean includeQuery;
    private final LongSupplier clock;

    AccessLog(AccessLogSettings settings) {
        this(settings, System::currentTimeMillis);
    }

    AccessLog(AccessLogSettings settings, LongSupplier clock) {
        requireNonNull(settings, "settings");
        this.json = settings.format() == AccessLogSettings.Format.JSON;
        this.includeQuery = settings.includeQuery();
        this.clock = requireNonNull(clock, "clock");
    }

    /** Writes {@code outcome}'s line when the logger is enabled for INFO. */
    void write(RequestOutcome outcome) {
        if (logger.isInfoEnabled()) {
            logger.info(line(outcome));
        }
    }

    /** The line of {@code outcome}, without a line end. */
    String line(RequestOutcome outcome) {
        StringBuilder line = new StringBuilder(320);
        Fields fields = json ? new Json(line) : new Logfmt(line);
        var context = outcome.context();
        Route route = context.route();
        Backend backend = outcome.backend();
        List<Backend> tried = outcome.tried();
        line.append(json ? "{" : "");
        fields.time(clock.getAsLong());
        fields.text("id", context.requestId());
        fields.text("client", context.clientAddress());
        fields.text("method", outcome.method());
        String query = includeQuery ? outcome.query() : null;
        fields.text("path", query == null ? context.head().path() : context.head().path() + '?' + query);
        fields.number("status", outcome.status());
        fields.text("route", route == null ? null : route.prefix());
        fields.text("backend", backend == null ? null : backend.authority());
        fields.number("upstream_status", outcome.upstreamStatus() == 0 ? -1 : outcome.upstreamStatus());
        fields.number("attempts", tried.size());
        fields.list("tried", tried);
        fields.number("bytes_in", outcome.bytesIn());
        fields.number("bytes_out", outcome.bytesOut());
        fields.millis("ms", outcome.totalNanos());
        fields.millis("upstream_ms", outcome.upstreamNanos());
        fields.millis("pier_ms", outcome.pierNanos());
        fields.text("flag", outcome.flag());
        fields.trace(outcome.traceparent());
        line.append(json ? "}" : "");
        return line.toString();
    }

    /**
     * Whether {@code header} is a W3C {@code traceparent} (version, 32 hex digits of trace id that are not all zero,
     * 16 of parent id, flags; lower-case) whose trace id is at 3-35.
     */
    static boolean validTraceparent(@Nullable String header) {
        if (header == null || header.length() < 55 || header.charAt(2) != '-' || header.charAt(35) != '-'
                || header.charAt(52) != '-' || (header.length() > 55 && header.charAt(55) != '-')
                || header.startsWith("ff")) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < 55; i++) {
            if (i == 2 || i == 35 || i == 52) {
                continue;
            }
            char c = header.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
            if (i >= 3 && i < 35 && c != '0') {
                nonZero = true;
            }
        }
        return nonZero;
    }

    /** {@code nanos} as milliseconds with three decimals. */
    static void appendMillis(StringBuilder out, long nanos) {
        long micros = nanos / 1000;
        out.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            out.append('0');
        }
        if (fraction < 10) {
            out.append('0');
        }
        out.append(fraction);
    }

    private static void appendTime(StringBuilder out, long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        Second last = second;
        if (last.epochSecond != seconds) {
            last = new Second(seconds, SECONDS.format(Instant.ofEpochSecond(seconds)));
            second = last;
        }
        out.append(last.text).append('.');
        long millis = Math.floorMod(epochMillis, 1000);
        if (millis < 100) {
            out.append('0');
        }
        if (millis < 10) {
            out.append('0');
        }
        out.append(millis).append('Z');
    }

    /** One second's text, {@code 2025-06-01T10:00:00}. Immutable. */
    private record Second(long epochSecond, String text) {
    }

    /**
     * How each kind of field is written into one line; an absent value is {@code -} in logfmt, null in JSON. Not
     * thread-safe: one per line.
     */
    private abstract static class Fields {
        final StringBuilder out;
        private boolean first = true;

        Fields(StringBuilder out) {
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
                appendMillis(out, nanos);
            }
        }

        final void time(long epochMillis) {
            key("time");
            int start = out.length();
            appendTime(out, epochMillis);
            quoteTime(start);
        }

        /** JSON quotes the time written at {@code start}; logfmt needs no quotes for it. */
        abstract void quoteTime(int start);

        final void trace(@Nullable String traceparent) {
            key("trace");
            if (validTraceparent(traceparent)) {
                string(traceparent, 3, 35);
            } else {
                absent();
            }
        }

        abstract void list(String key, List<Backend> tried);
    }

    /** {@code key=value}, values quoted when they hold a space, a quote, {@code =} or a control character. */
    private static final class Logfmt extends Fields {

        Logfmt(StringBuilder out) {
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
        void quoteTime(int start) {
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
            out.append('"');
            for (int i = from; i < to; i++) {
                escape(out, value.charAt(i));
            }
            out.append('"');
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
    private static final class Json extends Fields {

        Json(StringBuilder out) {
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
        void quoteTime(int start) {
            out.insert(start, '"').append('"');
        }

        @Override
        void string(CharSequence value, int from, int to) {
            out.append('"');
            for (int i = from; i < to; i++) {
                escape(out, value.charAt(i));
            }
            out.append('"');
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

    /** Appends {@code c} as it may stand inside double quotes, in logfmt and in JSON alike. */
    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    out.append(c);
                }
            }
        }
    }
}
