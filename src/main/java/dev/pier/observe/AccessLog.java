package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.config.AccessLogSettings;
import dev.pier.logging.LineBuffer;
import dev.pier.routing.Route;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request to the {@code pier.access} logger, in logfmt or JSON. The request's thread hands the
 * logging system the line's values ({@link AccessLine}); the appender (Pier's batching one in
 * {@code etc/logback.xml}) decides where it goes, when, and on which thread it is formatted; nothing here waits for
 * a disk or a pipe. Immutable; thread-safe.
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

    /**
     * Hands {@code outcome}'s line to the logger when it is enabled for INFO: its values only, as an
     * {@link AccessLine}; where it is written, and on which thread it is formatted, is the appender's.
     */
    void write(RequestOutcome outcome) {
        if (logger.isInfoEnabled()) {
            logger.info("{}", snapshot(outcome));
        }
    }

    /** The line of {@code outcome}, without a line end. */
    String line(RequestOutcome outcome) {
        return snapshot(outcome).toString();
    }

    /** The values of {@code outcome}'s line, now. */
    AccessLine snapshot(RequestOutcome outcome) {
        var context = outcome.context();
        Route route = context.route();
        Backend backend = outcome.backend();
        String query = includeQuery ? outcome.query() : null;
        String path = context.head().path();
        return new AccessLine(json, clock.getAsLong(), context.requestId(), context.clientAddress(), outcome.method(),
                query == null ? path : path + '?' + query, outcome.status(), route == null ? null : route.name(),
                backend == null ? null : backend.authority(), outcome.upstreamStatus(), outcome.tried(),
                outcome.bytesIn(), outcome.bytesOut(), outcome.totalNanos(), outcome.upstreamNanos(),
                outcome.pierNanos(), outcome.flag(), outcome.traceparent());
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

    /** {@code nanos} as milliseconds with three decimals, as the line writes them. */
    static String millis(long nanos) {
        LineBuffer out = new LineBuffer(16);
        appendMillis(out, nanos);
        return out.toString();
    }

    /** {@code nanos} as milliseconds with three decimals. */
    static void appendMillis(LineBuffer out, long nanos) {
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

    static void appendTime(LineBuffer out, long epochMillis) {
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
