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
        LineFields fields = json ? new LineFields.Json(line) : new LineFields.Logfmt(line);
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
        fields.text("route", route == null ? null : route.name());
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

    static void appendTime(StringBuilder out, long epochMillis) {
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
}
