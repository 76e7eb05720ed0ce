package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.backend.Failures;
import dev.pier.config.ProxySettings;
import dev.pier.observe.RequestOutcome;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.Pipeline;
import dev.pier.pipeline.RequestContext;
import dev.pier.routing.Paths;
import dev.pier.routing.Route;
import dev.pier.web.PierRuntime;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pier's proxy: Jetty's non-blocking {@link AsyncProxyServlet} whose target is a backend that the request's
 * route chooses. Bodies stream both ways. The target is always one of the configured backends, so Pier is never
 * an open proxy: a request's authority (even in absolute form) is ignored and only its path routes it.
 *
 * <p>Answers of its own: 400 for a path that escapes the root, 404 when no route matches, 503 with
 * {@code Retry-After} when every backend of the route is down, 504 when the backend is slower than the route's
 * request timeout, 502 for any other failure talking to the backend.
 *
 * <p>Failover: a try that failed before any byte of the response is sent again to another backend of the route
 * (up to the route's {@code retries}) when it never reached its backend (its headers were never written and
 * none of the client's body was read: see {@link DeferredRequestContent}), whatever its method, or when it is
 * an idempotent request without a body. A retry is a new proxy request built by Jetty's own steps (target,
 * headers, forwarded headers, body, route timeout); nothing is retried once the response has started.
 *
 * <p>Each try holds one unit of its backend's in-flight count ({@link Attempt}), given back exactly once when
 * the exchange completes or fails; each outcome feeds the route's passive health.
 *
 * <p>Every request ends in one of three places, where its {@link RequestOutcome} goes to the access log and the
 * metrics (once: the first place wins): at the end of {@link #service} when Pier answered it there, without going
 * asynchronous; when a failed exchange is answered or cut off ({@link #sendFailure}); else when its
 * {@link AsyncContext} completes ({@link Ended}, an {@link AsyncListener}: portable). Thread-safe, as servlets
 * are.
 */
public final class PierProxyServlet extends AsyncProxyServlet {

    private static final Logger logger = LoggerFactory.getLogger(PierProxyServlet.class);
    private static final String CONTEXT_ATTRIBUTE = "dev.pier.proxy.context";
    private static final String PIPELINE_ATTRIBUTE = "dev.pier.proxy.pipeline";
    private static final String EXCHANGE_ATTRIBUTE = "dev.pier.proxy.exchange";
    private static final String CONTENT_ATTRIBUTE = "dev.pier.proxy.content";
    private static final String WRITER_ATTRIBUTE = "dev.pier.proxy.writer";
    private static final String OUTCOME_ATTRIBUTE = "dev.pier.proxy.outcome";
    /** The largest response head Pier takes from a backend; containers write 8 KiB heads at least. */
    private static final int MAX_BACKEND_HEAD_SIZE = 8 * 1024;
    /** Methods that may be sent twice when they carry no body (RFC 9110, 9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private static final String CONNECTION = HttpHeader.CONNECTION.asString();
    private static final String TRACEPARENT = "traceparent";
    /** Ends the outcome of every request that went asynchronous; stateless, so one serves all. */
    private static final AsyncListener ENDED = new Ended();

    private @Nullable PierRuntime runtime;
    /** The HTTP clients of routes with TLS settings of their own; set by {@link #init}. */
    private @Nullable BackendClients clients;
    /** The {@code Via} element of an HTTP/1.1 request, built once in {@link #init}. */
    private String via11 = "1.1 pier";

    @Override
    public void init(ServletConfig config) throws ServletException {
        PierRuntime found = PierRuntime.from(config.getServletContext());
        if (found == null) {
            throw new UnavailableException("Pier's runtime is missing from the servlet context (attribute "
                    + PierRuntime.ATTRIBUTE + "): declare dev.pier.web.PierListener before this servlet; "
                    + "if it is declared, its start-up failed and logged why");
        }
        runtime = found;
        super.init(new ProxyServletConfig(config, found.settings().proxy()));
        clients = new BackendClients(getHttpClient(), this::newHttpClient);
        via11 = "1.1 " + getViaHost();
    }

    @Override
    public void destroy() {
        BackendClients current = clients;
        if (current != null) {
            current.close();
        }
        super.destroy();
    }

    /** A request to the backend on the HTTP client of the route's TLS settings. */
    @Override
    protected Request newProxyRequest(HttpServletRequest request, String target) {
        Exchange exchange = (Exchange) request.getAttribute(EXCHANGE_ATTRIBUTE);
        BackendClients current = clients;
        if (exchange == null || current == null || exchange.route.settings().tls().isDefault()) {
            return super.newProxyRequest(request, target);
        }
        return current.forProfile(exchange.route.settings().tls()).newRequest(target).method(request.getMethod())
                .attribute(CLIENT_REQUEST_ATTRIBUTE, request);
    }

    private PierRuntime runtime() {
        PierRuntime current = runtime;
        if (current == null) {
            throw new IllegalStateException("not initialized");
        }
        return current;
    }

    @Override
    protected HttpClient newHttpClient(ClientConnector clientConnector) {
        // Jetty's client would keep at most (its pool's threads / 2) buffers of a size: with Pier's few threads,
        // most responses then read into a new 16 KiB array, 60% of all allocation. This pool keeps as many as
        // are in use at once, within Jetty's cap on retained memory (an eighth of the heap).
        clientConnector.setByteBufferPool(new ArrayByteBufferPool(0, 2048, 65536, Integer.MAX_VALUE));
        // HTTP/1.1 only, as backends speak it: Jetty's default (dynamic) transport works out each request's
        // protocol list with a stream and new lists, for the same answer every time.
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(clientConnector));
        client.setScheduler(new ScheduledExecutorScheduler(getServletName() + "-scheduler", true));
        ProxySettings settings = runtime().settings().proxy();
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setMaxRequestsQueuedPerDestination(settings.maxQueuedPerBackend());
        // A backend's response head larger than this is the backend's fault: 502 (and passive health counts it),
        // never a 500 from a client response too large for the server to write.
        client.setMaxResponseHeadersSize(MAX_BACKEND_HEAD_SIZE);
        // Pass the client's User-Agent through unchanged; add none when it sent none.
        client.setUserAgentField(null);
        // Heap buffers for what backends send: Jetty's proxy copies every chunk of a direct buffer into a new
        // byte[] before writing it to the client; a heap buffer's array is written as it is.
        client.setUseInputDirectByteBuffers(false);
        // Pier's response listeners never block: the body goes out through the servlet's non-blocking output.
        // The client's selector thread runs them itself rather than handing every response to another thread.
        client.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        return client;
    }

    /**
     * Runs the pipeline up to the choice of a backend: the stages before routing, routing, the route's own
     * limits and stages. An answer of Pier's own is written here, before the body is read or a backend chosen.
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        PierRuntime.Routing routing = runtime().routing();
        String path = pathOf(request);
        RequestContext context = new RequestContext(
                ServletHeads.request(request, path == null ? request.getRequestURI() : path), System.nanoTime());
        RequestOutcome outcome = routing.observer().begin(context, request.getMethod(), request.getQueryString(),
                request.getHeader(TRACEPARENT));
        request.setAttribute(CONTEXT_ATTRIBUTE, context);
        request.setAttribute(PIPELINE_ATTRIBUTE, routing.pipeline());
        request.setAttribute(OUTCOME_ATTRIBUTE, outcome);
        LocalReply reply = admit(request, routing, context, path);
        if (reply != null) {
            Answers.write(response, reply, outcome, routing.pipeline());
            end(request, response);
            return;
        }
        super.service(request, response);
        if (!outcome.wasSent() && !request.isAsyncStarted()) {
            // Answered here, without a backend (no eligible one: 503); a request sent to one ends in Ended.
            end(request, response);
        }
    }

    private static @Nullable LocalReply admit(HttpServletRequest request, PierRuntime.Routing routing,
                                              RequestContext context, @Nullable String path) {
        LocalReply reply = routing.pipeline().beforeRouting(context);
        if (reply != null) {
            return reply;
        }
        if ("CONNECT".equals(request.getMethod())) {
            // A CONNECT connection would otherwise stay open waiting for a tunnel.
            return LocalReply.text(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "MN",
                    "Pier does not tunnel CONNECT requests", context).withHeader(CONNECTION, "close");
        }
        if (path == null) {
            return LocalReply.text(HttpServletResponse.SC_BAD_REQUEST, "BP", "Bad request path", context);
        }
        Route route = routing.router().match(path);
        if (route == null) {
            return LocalReply.text(HttpServletResponse.SC_NOT_FOUND, "NR", "No route for this path", context);
        }
        context.route(route);
        long maxBody = route.settings().maxBodySize();
        if (maxBody >= 0 && request.getContentLengthLong() > maxBody) {
            // The body is never read: the connection cannot carry another request.
            return LocalReply.text(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "TL",
                    "Request body larger than " + maxBody + " bytes, this route's limit", context)
                    .withHeader(CONNECTION, "close");
        }
        return routing.pipeline().afterRouting(context);
    }

    /** The backend that the route's policy chooses; null when none is eligible (then 503). */
    @Override
    protected @Nullable String rewriteTarget(HttpServletRequest request) {
        RequestContext context = contextOf(request);
        Route route = context.route();
        Backend backend = route == null ? null : route.select(context);
        if (route == null || backend == null) {
            return null;
        }
        String backendPath = route.backendPath(context.head().path());
        String query = request.getQueryString();
        String pathAndQuery = query == null ? backendPath : backendPath + '?' + query;
        request.setAttribute(EXCHANGE_ATTRIBUTE, new Exchange(route, backend, pathAndQuery, context));
        return backend.url() + pathAndQuery;
    }

    /** The request's path without the context path, normalised by {@link Paths#normalize}; null when refused. */
    static @Nullable String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return Paths.normalize(context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length()));
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        RequestContext context = contextOf(request);
        Route route = context.route();
        String prefix = route == null ? "" : route.prefix();
        long seconds = route == null ? 1 : Math.max(1, route.settings().healthCheck().interval().toSeconds());
        Answers.write(response, LocalReply.text(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UH",
                "No healthy backend for route " + prefix, context)
                .withHeader(HttpHeader.RETRY_AFTER.asString(), Long.toString(seconds)), outcomeOf(request),
                pipelineOf(request));
    }

    private static RequestContext contextOf(HttpServletRequest request) {
        return (RequestContext) request.getAttribute(CONTEXT_ATTRIBUTE);
    }

    private static RequestOutcome outcomeOf(ServletRequest request) {
        return (RequestOutcome) request.getAttribute(OUTCOME_ATTRIBUTE);
    }

    /** The request is over: its outcome, with the backends of its exchange, goes to the log and the metrics. */
    private static void end(ServletRequest request, ServletResponse response) {
        RequestOutcome outcome = outcomeOf(request);
        if (outcome == null) {
            return;
        }
        Exchange exchange = (Exchange) request.getAttribute(EXCHANGE_ATTRIBUTE);
        Attempt attempt = exchange == null ? null : exchange.current();
        List<Backend> tried = attempt == null ? List.of() : exchange.tried();
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
            end(event.getSuppliedRequest(), event.getSuppliedResponse());
        }

        @Override
        public void onError(AsyncEvent event) {
            // The container saw the connection fail: the client went away (unless a reason was recorded first).
            RequestOutcome outcome = outcomeOf(event.getSuppliedRequest());
            if (outcome != null) {
                outcome.flag(RequestOutcome.CLIENT_GONE);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    private static Pipeline pipelineOf(HttpServletRequest request) {
        return (Pipeline) request.getAttribute(PIPELINE_ATTRIBUTE);
    }

    /** The client's body is read only when the backend's connection asks for it, so that a refused try can move. */
    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
                                                  Request proxyRequest) {
        DeferredRequestContent content = new DeferredRequestContent(delegate ->
                request.getInputStream().setReadListener(newReadListener(request, response, proxyRequest, delegate)));
        proxyRequest.attribute(CONTENT_ATTRIBUTE, content);
        return content;
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                    Request proxyRequest) {
        Exchange exchange = (Exchange) clientRequest.getAttribute(EXCHANGE_ATTRIBUTE);
        if (exchange == null) {
            super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
            return;
        }
        proxyRequest.timeout(exchange.route.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        RequestOutcome outcome = outcomeOf(clientRequest);
        if (!outcome.wasSent()) {
            // The first try is sent in the container's dispatch, when a listener may still be added.
            clientRequest.getAsyncContext().addListener(ENDED);
        }
        outcome.sent(System.nanoTime());
        Attempt attempt = exchange.begin((DeferredRequestContent) proxyRequest.getAttributes().get(CONTENT_ATTRIBUTE));
        // The backend's own Host, given here rather than derived by Jetty from the request's URI, which it builds
        // and parses twice more for that.
        proxyRequest.headers(headers -> headers.put(HttpHeader.HOST, attempt.backend.authority()));
        proxyRequest.onRequestCommit(committed -> attempt.committed = true);
        try {
            super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
        } catch (RuntimeException | Error e) {
            attempt.release();
            throw e;
        }
    }

    @Override
    protected Response.Listener newProxyResponseListener(HttpServletRequest clientRequest,
                                                         HttpServletResponse proxyResponse) {
        Exchange exchange = (Exchange) clientRequest.getAttribute(EXCHANGE_ATTRIBUTE);
        Attempt attempt = exchange == null ? null : exchange.current();
        if (exchange == null || attempt == null) {
            return super.newProxyResponseListener(clientRequest, proxyResponse);
        }
        return new TryListener(clientRequest, proxyResponse, exchange, attempt);
    }

    /** Reads the client's body into the backend's request, telling a failure of the client's from others. */
    @Override
    protected ReadListener newReadListener(HttpServletRequest request, HttpServletResponse response,
                                           Request proxyRequest, AsyncRequestContent content) {
        return new BodyReader(request, response, proxyRequest, content);
    }

    /**
     * Writes a chunk of the backend's answer to the client (as Jetty's own method does, with a listener of
     * Pier's): a failure to write is the client's, not the backend's.
     */
    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response,
                                     Response proxyResponse, byte[] buffer, int offset, int length,
                                     Callback callback) {
        try {
            ClientWriter writer = (ClientWriter) request.getAttribute(WRITER_ATTRIBUTE);
            if (writer == null) {
                writer = new ClientWriter(request, proxyResponse);
                request.setAttribute(WRITER_ATTRIBUTE, writer);
                writer.outcome.wrote(length);
                // The data goes in before the listener: setting it may call onWritePossible on another thread.
                writer.chunk(buffer, offset, length, callback);
                response.getOutputStream().setWriteListener(writer);
            } else {
                writer.outcome.wrote(length);
                writer.chunk(buffer, offset, length, callback);
                writer.onWritePossible();
            }
        } catch (Throwable x) {
            ClientFault fault = clientFault(request, ClientFault.writing(x));
            callback.failed(fault);
            proxyResponse.abort(fault);
        }
    }

    /** Marks the request's exchange as failed by its client; returns {@code fault}. */
    private static ClientFault clientFault(HttpServletRequest request, ClientFault fault) {
        Exchange exchange = (Exchange) request.getAttribute(EXCHANGE_ATTRIBUTE);
        if (exchange != null) {
            exchange.clientFailed = true;
        }
        return fault;
    }

    /**
     * A failed exchange: the client's fault gets its 4xx, a full backend queue 503, the backend's failure 502 or
     * 504; each as an answer of Pier's own, which closes the connection.
     */
    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          @Nullable Response serverResponse, Throwable failure) {
        RequestContext context = contextOf(clientRequest);
        ClientFault fault = ClientFault.in(failure);
        LocalReply reply;
        if (fault != null && fault.clientGone()) {
            outcomeOf(clientRequest).flag(RequestOutcome.CLIENT_GONE);
        }
        if (fault != null) {
            reply = LocalReply.text(fault.status(), "CF", "Bad request: " + fault.getMessage(), context);
        } else if (isQueueFull(failure)) {
            // Every connection to the backend busy and its queue full: Pier's own back-pressure, not a failure.
            reply = LocalReply.text(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UQ",
                    "Every connection to the backend is busy", context).withHeader(HttpHeader.RETRY_AFTER.asString(), "1");
        } else {
            int status = proxyResponseStatus(failure);
            if (serverResponse != null && expects100Continue(clientRequest) && serverResponse.getStatus() >= 200) {
                status = serverResponse.getStatus();
            }
            reply = status == HttpServletResponse.SC_GATEWAY_TIMEOUT
                    ? LocalReply.text(status, "UT", "The backend did not answer in time", context)
                    : LocalReply.text(status, "UF", "The backend failed to answer", context);
        }
        sendFailure(clientRequest, proxyResponse, reply);
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        sendFailure(clientRequest, proxyResponse, LocalReply.text(status, "UF", "The request failed",
                contextOf(clientRequest)));
    }

    /**
     * Answers a failed exchange with {@code reply}, or, once the answer has started, cuts it off. Either way the
     * request ends here: a container that aborts the connection need not tell the async listeners.
     */
    private void sendFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, LocalReply reply) {
        if (proxyResponse.isCommitted()) {
            outcomeOf(clientRequest).flag(reply.flag());
            end(clientRequest, proxyResponse);
            // Jetty's way: the container aborts the connection, so the client sees a cut-off answer.
            super.sendProxyResponseError(clientRequest, proxyResponse, reply.status());
            return;
        }
        try {
            proxyResponse.reset();
            proxyResponse.setHeader(CONNECTION, "close");
            Answers.write(proxyResponse, reply, outcomeOf(clientRequest), pipelineOf(clientRequest));
        } catch (RuntimeException e) {
            logger.debug("Cannot answer {}", reply.status(), e);
        } finally {
            end(clientRequest, proxyResponse);
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    /** The backend's end-to-end headers, the policy's cookie, then the pipeline's response stages. */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        ProxyHeaders.copyResponseHeaders(serverResponse, proxyResponse);
        Exchange exchange = (Exchange) clientRequest.getAttribute(EXCHANGE_ATTRIBUTE);
        Attempt attempt = exchange == null ? null : exchange.current();
        if (exchange != null && attempt != null) {
            String cookie = exchange.route.policy().setCookie(attempt.backend, exchange.request);
            if (cookie != null) {
                proxyResponse.addHeader(HttpHeader.SET_COOKIE.asString(), cookie);
            }
        }
        pipelineOf(clientRequest).respond(contextOf(clientRequest), serverResponse.getStatus(),
                ServletHeads.response(proxyResponse));
    }

    /** The client's end-to-end headers, as {@link ProxyHeaders#copyRequestHeaders} says. */
    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ProxyHeaders.copyRequestHeaders(clientRequest, proxyRequest);
    }

    /**
     * Sends the request to another backend when the failed try allows it.
     *
     * @return whether another try was started (it then owns the response)
     */
    private boolean retry(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Exchange exchange,
                          Attempt failed, Throwable failure) {
        Route route = exchange.route;
        if (exchange.retries() >= route.retries() || exchange.clientFailed || failed.responseStarted
                || proxyResponse.isCommitted() || isTimeout(failure)) {
            return false;
        }
        boolean hasBody = hasContent(clientRequest);
        // With Expect: 100-continue Jetty feeds the body through its own continue action: never resend it.
        boolean bodyUntouched = !failed.bodyTouched() && !(hasBody && expects100Continue(clientRequest));
        boolean neverSent = !failed.committed && bodyUntouched;
        boolean idempotentWithoutBody = IDEMPOTENT.contains(clientRequest.getMethod()) && !hasBody;
        if (!neverSent && !idempotentWithoutBody) {
            return false;
        }
        Backend next = route.selectOther(exchange.request, exchange.tried());
        if (next == null) {
            return false;
        }
        exchange.retryOn(next);
        route.countRetry();
        outcomeOf(clientRequest).observer().retried(route);
        if (logger.isDebugEnabled()) {
            logger.debug("Try {} of {} {} on route {}: {} failed ({}{}), now {}", exchange.retries() + 1,
                    clientRequest.getMethod(), exchange.pathAndQuery, route.prefix(), failed.backend,
                    neverSent ? "never reached it: " : "no response: ", failure.toString(), next);
        }
        try {
            Request proxyRequest = newProxyRequest(clientRequest, next.url() + exchange.pathAndQuery);
            copyRequestHeaders(clientRequest, proxyRequest);
            addProxyHeaders(clientRequest, proxyRequest);
            if (hasBody) {
                proxyRequest.body(proxyRequestContent(clientRequest, proxyResponse, proxyRequest));
            }
            sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
            return true;
        } catch (RuntimeException e) {
            logger.debug("Cannot retry on {}", next, e);
            return false;
        }
    }

    /** Whether the backend's queue was full, so that the request was never sent. */
    private static boolean isQueueFull(@Nullable Throwable failure) {
        return failure instanceof RejectedExecutionException;
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Jetty's listener of one try: releases the backend's in-flight unit, reports the outcome to passive health,
     * and hands a failure to {@link #retry} before Jetty's failure mapping sees it.
     */
    private final class TryListener extends ProxyResponseListener {
        private final HttpServletRequest clientRequest;
        private final HttpServletResponse proxyResponse;
        private final Exchange exchange;
        private final Attempt attempt;

        TryListener(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Exchange exchange,
                    Attempt attempt) {
            super(clientRequest, proxyResponse);
            this.clientRequest = clientRequest;
            this.proxyResponse = proxyResponse;
            this.exchange = exchange;
            this.attempt = attempt;
        }

        @Override
        public void onBegin(Response serverResponse) {
            attempt.responseStarted = true;
            outcomeOf(clientRequest).answered(serverResponse.getStatus(), System.nanoTime());
            super.onBegin(serverResponse);
        }

        @Override
        public void onComplete(Result result) {
            attempt.release();
            Throwable failure = result.getFailure();
            boolean clientFault = exchange.clientFailed || ClientFault.in(failure) != null;
            if (!clientFault && !isQueueFull(failure)) {
                if (failure == null || (attempt.responseStarted && !isTimeout(failure))) {
                    exchange.route.passiveHealth().answered(attempt.backend, result.getResponse().getStatus());
                } else {
                    exchange.route.passiveHealth().failed(attempt.backend, describe(failure));
                }
            }
            if (failure == null) {
                super.onComplete(result);
            } else if (clientFault || !retry(clientRequest, proxyResponse, exchange, attempt, failure)) {
                answerFailure(result);
            }
        }

        /**
         * Jetty's answer to a failed exchange (502, 504) goes through the container's error handling, which may
         * write an error page with blocking writes: never on the client's selector thread, which runs this
         * listener. The container's own thread does it.
         */
        private void answerFailure(Result result) {
            AsyncContext async;
            try {
                async = clientRequest.getAsyncContext();
            } catch (IllegalStateException alreadyCompleted) {
                super.onComplete(result);
                return;
            }
            try {
                async.start(() -> TryListener.super.onComplete(result));
            } catch (RuntimeException rejected) {
                // The container refused the task (it is stopping): answer here rather than not at all.
                super.onComplete(result);
            }
        }
    }

    private static String describe(Throwable failure) {
        return Failures.describe(failure, "timed out");
    }

    /** Pier's forwarded headers, as {@link ProxyHeaders#addForwardedHeaders} says. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        RequestContext context = contextOf(clientRequest);
        ProxyHeaders.addForwardedHeaders(clientRequest, proxyRequest, via11, getViaHost(), context.trustedPeer());
        Pipeline pipeline = pipelineOf(clientRequest);
        proxyRequest.headers(headers -> pipeline.forward(context, ServletHeads.fields(headers)));
    }

    /**
     * Jetty's reader of the client's body, whose failures are the client's, and which cuts off a body that grows
     * past the route's limit. Confined to the reads of one request, which the container serializes.
     */
    private final class BodyReader extends StreamReader {
        private final HttpServletRequest request;
        private final AsyncRequestContent content;
        private final RequestOutcome outcome;
        private final long limit;
        private long read;

        BodyReader(HttpServletRequest request, HttpServletResponse response, Request proxyRequest,
                   AsyncRequestContent content) {
            super(request, response, proxyRequest, content);
            this.request = request;
            this.content = content;
            this.outcome = outcomeOf(request);
            Exchange exchange = (Exchange) request.getAttribute(EXCHANGE_ATTRIBUTE);
            this.limit = exchange == null ? -1 : exchange.route.settings().maxBodySize();
        }

        @Override
        protected void onRequestContent(HttpServletRequest request, Request proxyRequest,
                                        AsyncRequestContent content, byte[] buffer, int offset, int length,
                                        Callback callback) {
            read += length;
            outcome.read(length);
            if (limit >= 0 && read > limit) {
                ClientFault fault = clientFault(request, ClientFault.tooLarge(limit));
                content.fail(fault);
                callback.failed(fault);
                return;
            }
            super.onRequestContent(request, proxyRequest, content, buffer, offset, length, callback);
        }

        @Override
        public void onError(Throwable failure) {
            content.fail(clientFault(request, ClientFault.reading(failure)));
        }
    }

    /** Jetty's writer of the answer to the client, whose failures are the client's. */
    private final class ClientWriter extends StreamWriter {
        private final HttpServletRequest request;
        private final Response proxyResponse;
        /** Counts the bytes handed to this writer. */
        final RequestOutcome outcome;

        ClientWriter(HttpServletRequest request, Response proxyResponse) {
            super(request, proxyResponse);
            this.request = request;
            this.proxyResponse = proxyResponse;
            this.outcome = outcomeOf(request);
        }

        void chunk(byte[] buffer, int offset, int length, Callback callback) {
            data(buffer, offset, length, callback);
        }

        @Override
        public void onError(Throwable failure) {
            proxyResponse.abort(clientFault(request, ClientFault.writing(failure)));
        }
    }
}
