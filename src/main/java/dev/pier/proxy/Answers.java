package dev.pier.proxy;

import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.Pipeline;
import dev.pier.observe.RequestOutcome;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the answers Pier gives itself (400, 403, 404, 413, 429, 502, 503, 504, ...): status, the reply's own
 * headers, then the pipeline's response stages, as on a backend's answer, then the body, which names the request
 * id. Each answer's reason ({@link LocalReply#flag()}) and body length go to the request's outcome, for the access
 * log. Stateless.
 */
final class Answers {

    private static final Logger logger = LoggerFactory.getLogger(Answers.class);

    private Answers() {
    }

    /** Writes {@code reply} on the uncommitted {@code response}, with blocking writes: call it on a container thread. */
    static void write(HttpServletResponse response, LocalReply reply, RequestOutcome outcome, Pipeline pipeline) {
        outcome.flag(reply.flag());
        try {
            response.setStatus(reply.status());
            for (Map.Entry<String, String> header : reply.headers()) {
                response.setHeader(header.getKey(), header.getValue());
            }
            pipeline.respond(outcome.context(), reply.status(), ServletHeads.response(response));
            response.setContentType(reply.contentType());
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            outcome.wrote(body.length);
        } catch (IOException e) {
            logger.debug("Cannot send {} to the client", reply.status(), e);
        }
    }
}
