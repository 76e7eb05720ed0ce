package dev.pier.observe;

import static dev.pier.observe.Outcomes.backend;
import static dev.pier.observe.Outcomes.log;
import static dev.pier.observe.Outcomes.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import dev.pier.config.AccessLogSettings.Format;
import dev.pier.logging.LineBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final long MS = 1_000_000;

    /** A request that arrived at 1 s, was sent at 1.2 ms, answered at 3.5 ms and ended at 10.25 ms. */
    private static RequestOutcome retried(String path, String query, String traceparent) {
        long start = 1_000 * MS;
        RequestOutcome outcome = outcome(path, query, traceparent, start);
        outcome.sent(start + 1_200_000);
        outcome.sent(start + 2 * MS);
        outcome.answered(200, start + 3_500_000);
        outcome.read(12);
        outcome.wrote(345);
        Backend first = backend(9001);
        Backend second = backend(9002);
        outcome.end(200, second, List.of(first, second), start + 10_250_000);
        return outcome;
    }

    @Test
    void logfmtLineHasEveryFieldInOrder() {
        String line = log(Format.LOGFMT, false).line(retried("/api/x", "token=secret", TRACEPARENT));

        assertThat(line).isEqualTo("time=2025-06-01T10:00:00.042Z id=req-1 client=10.0.0.1 method=GET path=/api/x "
                + "status=200 route=- backend=127.0.0.1:9002 upstream_status=200 attempts=2 tried=127.0.0.1:9001 "
                + "bytes_in=12 bytes_out=345 ms=10.250 upstream_ms=1.500 pier_ms=1.200 flag=- "
                + "trace=4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void queryIsLoggedOnlyWhenIncluded() {
        assertThat(log(Format.LOGFMT, true).line(retried("/api/x", "a=1&b=2", null)))
                .contains(" path=\"/api/x?a=1&b=2\" ");
        assertThat(log(Format.LOGFMT, false).line(retried("/api/x", "a=1&b=2", null))).doesNotContain("a=1");
    }

    @Test
    void pierOwnAnswerHasNoBackendAndItsWholeTimeIsPiers() {
        RequestOutcome outcome = outcome("/nothing", null, null, 0);
        outcome.flag("NR");
        outcome.wrote(68);
        outcome.end(404, null, List.of(), 2_500_000);

        assertThat(log(Format.LOGFMT, false).line(outcome)).isEqualTo("time=2025-06-01T10:00:00.042Z id=req-1 "
                + "client=10.0.0.1 method=GET path=/nothing status=404 route=- backend=- upstream_status=- attempts=0 "
                + "tried=- bytes_in=0 bytes_out=68 ms=2.500 upstream_ms=- pier_ms=2.500 flag=NR trace=-");
    }

    @Test
    void theFirstReasonRecordedStays() {
        RequestOutcome outcome = outcome("/x", null, null, 0);
        outcome.flag(RequestOutcome.CLIENT_GONE);
        outcome.flag("CF");

        assertThat(outcome.flag()).isEqualTo("DC");
    }

    @Test
    void logfmtQuotesAndEscapesValuesThatNeedIt() {
        RequestOutcome outcome = outcome("/a b\"c=\\\n", null, null, 0);
        outcome.end(400, null, List.of(), 0);

        assertThat(log(Format.LOGFMT, false).line(outcome)).contains(" path=\"/a b\\\"c=\\\\\\n\" ");
    }

    @Test
    void logfmtLeavesLettersBeyondAsciiBareAndQuotesDeleteAndEmptyValues() {
        RequestOutcome bare = outcome("/caf\u00e9/\u65e5\u672c", null, null, 0);
        bare.end(200, null, List.of(), 0);
        RequestOutcome delete = outcome("/a\u007fb", null, null, 0);
        delete.end(200, null, List.of(), 0);

        assertThat(log(Format.LOGFMT, false).line(bare)).contains(" path=/caf\u00e9/\u65e5\u672c ");
        assertThat(log(Format.LOGFMT, false).line(delete)).contains(" path=\"/a\\u007fb\" ");
    }

    @Test
    void jsonLineIsOneObjectWithNullsForAbsentValues() {
        String line = log(Format.JSON, true).line(retried("/api/x", "q=\"1\"", TRACEPARENT));

        assertThat(line).isEqualTo("{\"time\":\"2025-06-01T10:00:00.042Z\",\"id\":\"req-1\",\"client\":\"10.0.0.1\","
                + "\"method\":\"GET\",\"path\":\"/api/x?q=\\\"1\\\"\",\"status\":200,\"route\":null,"
                + "\"backend\":\"127.0.0.1:9002\",\"upstream_status\":200,\"attempts\":2,\"tried\":[\"127.0.0.1:9001\"],"
                + "\"bytes_in\":12,\"bytes_out\":345,\"ms\":10.250,\"upstream_ms\":1.500,\"pier_ms\":1.200,"
                + "\"flag\":null,\"trace\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}");
    }

    @Test
    void jsonEscapesControlCharacters() {
        RequestOutcome outcome = outcome("/\u0001\t", null, null, 0);
        outcome.end(400, null, List.of(), 0);

        assertThat(log(Format.JSON, false).line(outcome)).contains("\"path\":\"/\\u0001\\t\"");
    }

    @Test
    void onlyAWellFormedTraceparentGivesATraceId() {
        assertThat(AccessLog.validTraceparent(TRACEPARENT)).isTrue();
        assertThat(AccessLog.validTraceparent(TRACEPARENT + "-future-fields")).isTrue();
        assertThat(AccessLog.validTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(AccessLog.validTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isFalse();
        assertThat(AccessLog.validTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isFalse();
        assertThat(AccessLog.validTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")).isFalse();
        assertThat(AccessLog.validTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")).isFalse();
        assertThat(AccessLog.validTraceparent(null)).isFalse();

        RequestOutcome outcome = outcome("/x", null, "garbage with spaces", 0);
        outcome.end(200, null, List.of(), 0);
        assertThat(log(Format.LOGFMT, false).line(outcome)).endsWith(" trace=-");
    }

    @Test
    void millisecondsHaveThreeDecimals() {
        LineBuffer out = new LineBuffer(8);
        AccessLog.appendMillis(out, 7_000);
        out.append(' ');
        AccessLog.appendMillis(out, 12_345_678_901L);
        out.append(' ');
        AccessLog.appendMillis(out, 50_000);

        assertThat(out).hasToString("0.007 12345.678 0.050");
    }
}
