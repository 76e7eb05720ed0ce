package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.observe.RequestOutcome;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.Pipeline;
import dev.pier.pipeline.RequestContext;
import dev.pier.routing.Paths;
import dev.pier.web.PierRuntime;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy keeps of one client request, under one request attribute: its context, the pipeline of its
 * configuration, its outcome for the logs and metrics, and, once a backend is chosen, its exchange. The
 * container and Jetty's client hand the request from thread to thread with a happens-before edge; the fields set
 * later are volatile all the same.
 */
final class ProxiedRequest {

    private static final Logger logger = LoggerFactory.getLogger(ProxiedRequest.class);
    private static final String ATTRIBUTE = "dev.pier.proxy.request";
    private static final String TRACEPARENT = "traceparent";
    /** Ends the outcome of every request that went asynchronous; stateless, so one serves all. */
    static final AsyncListener ENDED = new Ended();

    final RequestContext context;
    final Pipeline pipeline;
    final RequestOutcome outcome;
    /** Set once a backend is chosen. */
    volatile @Nullable Exchange exchange;
    /** Set by the first chunk of the backend's answer. */
    volatile PierProxyServlet.@Nullable ClientWriter writer;

    private ProxiedRequest(RequestContext context, Pipeline pipeline, RequestOutcome outcome) {
        this.context = context;
        this.pipeline = pipeline;
        this.outcome = outcome;
    }

    /**
     * Starts what the proxy keeps of {@code request}, which has just arrived, in the configuration of {@code routing},
     * and keeps it on the request.
     *
     * @param path its path as {@link #pathOf} gives it, or null when that refused it
     */
    static ProxiedRequest begin(HttpServletRequest request, PierRuntime.Routing routing, @Nullable String path) {
        RequestContext context = new RequestContext(
                ServletHeads.request(request, path == null ? request.getRequestURI() : path), System.nanoTime());
        RequestOutcome outcome = routing.observer().begin(context, request.getMethod(), request.getQueryString(),
                request.getHeader(TRACEPARENT));
        return attach(request, context, routing.pipeline(), outcome);
    }

    /** The request's path without the context path, normalised by {@link Paths#normalize}; null when refused. */
    static @Nullable String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return Paths.normalize(context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length()));
    }

    /** Keeps a new one on {@code request}. */
    static ProxiedRequest attach(ServletRequest request, RequestContext context, Pipeline pipeline,
                                 RequestOutcome outcome) {
        ProxiedRequest proxied = new ProxiedRequest(context, pipeline, outcome);
        request.setAttribute(ATTRIBUTE, proxied);
        return proxied;
    }

    /** The one {@link #attach} kept on {@code request}, or null for a request the proxy never saw. */
    static @Nullable ProxiedRequest of(ServletRequest request) {
        return (ProxiedRequest) request.getAttribute(ATTRIBUTE);
    }

    /** Marks the exchange as failed by its client (never retried, never blamed on the backend); returns {@code fault}. */
    ClientFault clientFault(ClientFault fault) {
        Exchange current = exchange;
        if (current != null) {
            current.clientFailed = true;
        }
        return fault;
    }

    /**
     * Answers a failed exchange with {@code reply}, or, once the answer has started, cuts it off with {@code cutOff}
     * (Jetty's way: the container aborts the connection, so the client sees a cut-off answer). Either way the request
     * ends here: a container that aborts the connection need not tell the async listeners.
     */
    void fail(HttpServletRequest clientRequest, HttpServletResponse answer, LocalReply reply, Runnable cutOff) {
        if (answer.isCommitted()) {
            outcome.flag(reply.flag());
            end(answer);
            cutOff.run();
            return;
        }
        try {
            answer.reset();
            answer.setHeader(HttpHeader.CONNECTION.asString(), "close");
            Answers.write(answer, reply, outcome, pipeline);
        } catch (RuntimeException e) {
            logger.debug("Cannot answer {}", reply.status(), e);
        } finally {
            end(answer);
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    /** The request is over: its outcome, with the backends of its exchange, goes to the log and the metrics. */
    void end(ServletResponse response) {
        Exchange current = exchange;
        Attempt attempt = current == null ? null : current.current();
        List<Backend> tried = attempt == null ? List.of() : current.tried();
        outcome.end(((HttpServletResponse) response).getStatus(), attempt == null ? null : attempt.backend, tried,
                System.nanoTime());
    }

    /**
     * Ends a request's outcome when its asynchronous cycle completes, however it ended: with the backend's answer,
     * one of Pier's, or a client that went away.
     */
    private static final class Ended implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            ProxiedRequest proxied = of(event.getSuppliedRequest());
            if (proxied != null) {
                proxied.end(event.getSuppliedResponse());
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            // The container saw the connection fail: the client went away (unless a reason was recorded first).
            ProxiedRequest proxied = of(event.getSuppliedRequest());
            if (proxied != null) {
                proxied.outcome.flag(RequestOutcome.CLIENT_GONE);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
