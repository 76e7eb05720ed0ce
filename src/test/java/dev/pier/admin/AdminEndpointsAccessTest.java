package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.testing.PierHarness;
import dev.pier.testing.PretendClient;
import dev.pier.testing.TestBackend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every steering endpoint keeps the admin access rules: loopback (all of 127.0.0.0/8), {@code pier.admin.allow},
 * or the bearer token; anyone else gets 403 and changes nothing. Non-loopback clients are pretended by a test
 * filter ({@link PretendClient}), since tests talk over loopback only.
 */
class AdminEndpointsAccessTest {

    private static final String TOKEN = "0123456789abcdef-steering";
    private static final String OUTSIDER = "192.0.2.10";
    private static final String ALLOWED = "198.51.100.7";

    @TempDir
    Path directory;

    private final TestBackend alpha = TestBackend.start("alpha");
    private PierHarness pier;

    @BeforeEach
    void start() {
        pier = PierHarness.start(directory, """
                admin { allow = ["198.51.100.0/24"], token = "%s" }
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(TOKEN, alpha.url()), PretendClient::install);
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        alpha.close();
    }

    private Backend backend() {
        return pier.route("/").pool().backends().get(0);
    }

    /** Each new endpoint, as a request that would succeed from loopback. */
    private List<Request> endpoints(HttpClient client) {
        String backend = "backend=127.0.0.1:" + alpha.port();
        String base = "http://127.0.0.1:" + pier.port();
        return List.of(
                client.newRequest(base + "/_pier/backends/state?" + backend + "&state=maint").method(HttpMethod.POST),
                client.newRequest(base + "/_pier/backends/weight?" + backend + "&weight=9").method(HttpMethod.POST),
                client.newRequest(base + "/_pier/backends/drain?" + backend + "&wait=1s"),
                client.newRequest(base + "/_pier/explain?path=/x"));
    }

    private static ContentResponse send(Request request, @Nullable String from, @Nullable String authorization)
            throws Exception {
        if (from != null) {
            request.headers(h -> h.put(PretendClient.HEADER, from));
        }
        if (authorization != null) {
            request.headers(h -> h.put("Authorization", authorization));
        }
        return request.timeout(20, TimeUnit.SECONDS).send();
    }

    @Test
    void aClientFromElsewhereIsRefusedOnEveryEndpointAndChangesNothing() throws Exception {
        for (Request request : endpoints(pier.client())) {
            ContentResponse answer = send(request, OUTSIDER, null);
            assertThat(answer.getStatus()).as("%s %s", request.getMethod(), request.getPath()).isEqualTo(403);
            assertThat(answer.getContentAsString()).startsWith("Forbidden: this endpoint answers loopback clients");
        }
        assertThat(backend().adminState()).isEqualTo(AdminState.READY);
        assertThat(backend().weight()).isEqualTo(1);
    }

    @Test
    void aWrongOrMalformedTokenIsRefused() throws Exception {
        for (String authorization : new String[] {"Bearer " + TOKEN + "x", "Bearer", "Basic " + TOKEN, TOKEN}) {
            for (Request request : endpoints(pier.client())) {
                assertThat(send(request, OUTSIDER, authorization).getStatus())
                        .as("%s %s with %s", request.getMethod(), request.getPath(), authorization).isEqualTo(403);
            }
        }
        assertThat(backend().adminState()).isEqualTo(AdminState.READY);
    }

    @Test
    void theTokenOpensEveryEndpointToAClientFromElsewhere() throws Exception {
        for (Request request : endpoints(pier.client())) {
            assertThat(send(request, OUTSIDER, "Bearer " + TOKEN).getStatus())
                    .as("%s %s", request.getMethod(), request.getPath()).isEqualTo(200);
        }
        assertThat(backend().adminState()).isEqualTo(AdminState.MAINT);
        assertThat(backend().weight()).isEqualTo(9);
    }

    @Test
    void anAddressInTheAllowListIsLetIn() throws Exception {
        for (Request request : endpoints(pier.client())) {
            assertThat(send(request, ALLOWED, null).getStatus())
                    .as("%s %s", request.getMethod(), request.getPath()).isEqualTo(200);
        }
        assertThat(backend().adminState()).isEqualTo(AdminState.MAINT);
    }

    @Test
    void anyLoopbackAddressIsLetInThoughTheAllowListDoesNotNameIt() throws Exception {
        HttpClient fromSecondLoopback = new HttpClient();
        fromSecondLoopback.setBindAddress(new InetSocketAddress("127.0.0.2", 0));
        fromSecondLoopback.start();
        try {
            for (Request request : endpoints(fromSecondLoopback)) {
                assertThat(send(request, null, null).getStatus())
                        .as("%s %s", request.getMethod(), request.getPath()).isEqualTo(200);
            }
        } finally {
            fromSecondLoopback.stop();
        }
        assertThat(backend().adminState()).isEqualTo(AdminState.MAINT);
    }

    @Test
    void statusStaysOpenToEveryone() throws Exception {
        ContentResponse status = send(pier.request("/_pier/status"), OUTSIDER, null);

        assertThat(status.getStatus()).isEqualTo(200);
        assertThat(status.getContentAsString()).contains("\"adminState\":\"ready\"");
    }
}
