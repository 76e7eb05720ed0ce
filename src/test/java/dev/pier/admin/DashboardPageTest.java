package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server-rendered page, from a status text: escaping and drain progress, without a browser. */
class DashboardPageTest {

    private static final String STATUS = """
            {"ready":true,"routes":[{"prefix":"/<p>","policy":"round-robin","retries":0,"backends":[
            {"url":"http://127.0.0.1:9001","weight":1,"inFlight":2,"health":"DOWN",
            "reason":"503 <script>alert(\\"x\\")</script> & 'more'","since":"t",
            "latency":{"p50":1.5,"p99":12.25},"counts":{"2xx":3,"3xx":0,"4xx":1,"5xx":2},
            "adminState":"drain","drain":{"inFlight":2,"drained":false,"drainedAt":null},
            "probes":[{"time":"t","durationMs":3,"healthy":false,"reason":"<b>"}],"transitions":[]}]}]}
            """;

    @Test
    void escapesWhatItRendersAndShowsDrainProgress() {
        String html = Dashboard.page(STATUS);

        assertThat(html).doesNotContain("<script>alert").doesNotContain("<p>").doesNotContain("<b>")
                .contains("503 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;")
                .contains("<h2>/&lt;p&gt; <small>round-robin</small></h2>")
                .contains("class=\"backend h-down a-drain\"")
                .contains("<td class=\"num rate\" data-total=\"6\">6 total</td>")
                .contains("<td class=\"num errors\">2</td>")
                .contains("<td class=\"drain\">draining, 2 in flight</td>")
                .contains("<i class=\"bad\"")
                .contains("<button name=\"state\" value=\"drain\" class=\"do-drain\" disabled>Drain</button>");
    }
}
