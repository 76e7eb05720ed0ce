package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.observe.RequestOutcome;
import dev.pier.pipeline.LocalReply;
import dev.pier.web.PierRuntime;
import dev.pier.websocket.WebSocketRelay;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pier's proxy: Jetty's non-blocking {@link AsyncProxyServlet} whose target is a backend that the request's
 * route chooses. Bodies stream both ways. The target is always one of the configured backends, so Pier is never
 * an open proxy: a request's authority (even in absolute form) is ignored and only its path routes it. The way in
 * up to the backend's choice is {@link Admission}'s; Pier's own answers are {@link Answers}'; what a failure
 * means is {@link FailureReplies}'; the headers of the two legs are {@link ProxyHeaders}'.
 *
 * <p>Failover: a try that failed before any byte of the response is sent again to another backend of the route
 * (up to the route's {@code retries}) when it never reached its backend (see {@link DeferredRequestContent}),
 * whatever its method, or when it is an idempotent request without a body ({@link Exchange#retryTarget}). A
 * failure of the client's ({@link ClientFault}) is never retried and never blamed on the backend. Each try holds
 * one unit of its backend's in-flight count ({@link Attempt}) until it ends.
 *
 * <p>Every request ends in one of three places, where its {@link RequestOutcome} goes to the access log and the
 * metrics (once: the first place wins): at the end of {@link #service} when Pier answered it there; when a failed
 * exchange is answered or cut off ({@link #sendFailure}); else when its {@link AsyncContext} completes
 * ({@link ProxiedRequest#ENDED}). Thread-safe, as servlets are.
 */
public final class PierProxyServlet extends AsyncProxyServlet {

    private static final Logger logger = LoggerFactory.getLogger(PierProxyServlet.class);
    private static final String CONTENT_ATTRIBUTE = "dev.pier.proxy.content";

    private @Nullable PierRuntime runtime;
    /** The HTTP clients of routes with TLS settings of their own; set by {@link #init}. */
    private @Nullable BackendClients clients;
    /** WebSocket pass-through; set by {@link #init}. */
    private @Nullable WebSocketUpgrades webSockets;
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
        webSockets = new WebSocketUpgrades(config.getServletContext(), found.tunnels(), clients, via11, getViaHost());
    }

    @Override
    public void destroy() {
        WebSocketUpgrades upgrades = webSockets;
        if (upgrades != null) {
            upgrades.close();
        }
        BackendClients current = clients;
        if (current != null) {
            current.close();
        }
        super.destroy();
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
        return BackendClients.newClient(clientConnector, runtime().settings().proxy(), getServletName());
    }

    /** Admits the request ({@link Admission}), answering it here when Pier answers itself; else proxies it. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        PierRuntime.Routing routing = runtime().routing();
        String path = ProxiedRequest.pathOf(request);
        ProxiedRequest proxied = ProxiedRequest.begin(request, routing, path);
        RequestOutcome outcome = proxied.outcome;
        LocalReply reply = Admission.admit(request, routing.router(), routing.pipeline(), proxied.context, path);
        if (reply != null) {
            Answers.write(response, reply, outcome, routing.pipeline());
            proxied.end(response);
            return;
        }
        WebSocketUpgrades upgrades = webSockets;
        if (upgrades != null && WebSocketRelay.isUpgrade(request)) {
            upgrades.relay(request, response, proxied);
            return;
        }
        super.service(request, response);
        if (!outcome.wasSent() && !request.isAsyncStarted()) {
            // Answered here, without a backend (no eligible one: 503); a request sent to one ends in ENDED.
            proxied.end(response);
        }
    }

    /** The backend that the route's policy chooses; null when none is eligible (then 503). */
    @Override
    protected @Nullable String rewriteTarget(HttpServletRequest request) {
        ProxiedRequest proxied = proxied(request);
        var route = proxied.context.route();
        Backend backend = route == null ? null : route.select(proxied.context);
        if (route == null || backend == null) {
            return null;
        }
        String backendPath = route.backendPath(proxied.context.head().path());
        String query = request.getQueryString();
        String pathAndQuery = query == null ? backendPath : backendPath + '?' + query;
        proxied.exchange = new Exchange(route, backend, pathAndQuery, proxied.context);
        return backend.url() + pathAndQuery;
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        ProxiedRequest proxied = proxied(request);
        Answers.write(response, Admission.noBackend(proxied.context), proxied.outcome, proxied.pipeline);
    }

    private static ProxiedRequest proxied(HttpServletRequest request) {
        ProxiedRequest proxied = ProxiedRequest.of(request);
        if (proxied == null) {
            throw new IllegalStateException("a request that service() did not admit");
        }
        return proxied;
    }

    /** A request to the backend on the HTTP client of the route's TLS settings. */
    @Override
    protected Request newProxyRequest(HttpServletRequest request, String target) {
        Exchange exchange = proxied(request).exchange;
        BackendClients current = clients;
        HttpClient own = exchange == null || current == null ? null : current.ofRoute(exchange.route);
        return own == null ? super.newProxyRequest(request, target)
                : own.newRequest(target).method(request.getMethod()).attribute(CLIENT_REQUEST_ATTRIBUTE, request);
    }

    /** The client's end-to-end headers, as {@link ProxyHeaders#copyRequestHeaders} says. */
    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ProxyHeaders.copyRequestHeaders(clientRequest, proxyRequest);
    }

    /** Pier's forwarded headers, as {@link ProxyHeaders#addForwardedHeaders} says, then the pipeline's. */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ProxiedRequest proxied = proxied(clientRequest);
        ProxyHeaders.addForwardedHeaders(clientRequest, proxyRequest, via11, getViaHost(),
                proxied.context.trustedPeer());
        proxyRequest.headers(headers -> proxied.pipeline.forward(proxied.context, ServletHeads.fields(headers)));
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
        ProxiedRequest proxied = proxied(clientRequest);
        Exchange exchange = proxied.exchange;
        if (exchange == null) {
            super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
            return;
        }
        proxyRequest.timeout(exchange.route.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        if (!proxied.outcome.wasSent()) {
            // The first try is sent in the container's dispatch, when a listener may still be added.
            clientRequest.getAsyncContext().addListener(ProxiedRequest.ENDED);
        }
        proxied.outcome.sent(System.nanoTime());
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
        ProxiedRequest proxied = proxied(clientRequest);
        Exchange exchange = proxied.exchange;
        Attempt attempt = exchange == null ? null : exchange.current();
        if (exchange == null || attempt == null) {
            return super.newProxyResponseListener(clientRequest, proxyResponse);
        }
        return new TryListener(clientRequest, proxyResponse, proxied, exchange, attempt);
    }

    /** The backend's end-to-end headers, the policy's cookie, then the pipeline's response stages. */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        ProxyHeaders.copyResponseHeaders(serverResponse, proxyResponse);
        ProxiedRequest proxied = proxied(clientRequest);
        Exchange exchange = proxied.exchange;
        if (exchange != null) {
            exchange.setCookie(proxyResponse);
        }
        proxied.pipeline.respond(proxied.context, serverResponse.getStatus(), ServletHeads.response(proxyResponse));
    }

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
        ProxiedRequest proxied = proxied(request);
        try {
            proxied.outcome.wrote(length);
            ClientWriter writer = proxied.writer;
            if (writer == null) {
                writer = new ClientWriter(request, proxied, proxyResponse);
                proxied.writer = writer;
                // The data goes in before the listener: setting it may call onWritePossible on another thread.
                writer.chunk(buffer, offset, length, callback);
                response.getOutputStream().setWriteListener(writer);
            } else {
                writer.chunk(buffer, offset, length, callback);
                writer.onWritePossible();
            }
        } catch (Throwable x) {
            ClientFault fault = proxied.clientFault(ClientFault.writing(x));
            callback.failed(fault);
            proxyResponse.abort(fault);
        }
    }

    /** A failed exchange: answered as {@link FailureReplies} says, with an answer of Pier's own. */
    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          @Nullable Response serverResponse, Throwable failure) {
        ProxiedRequest proxied = proxied(clientRequest);
        ClientFault fault = ClientFault.in(failure);
        if (fault != null && fault.clientGone()) {
            proxied.outcome.flag(RequestOutcome.CLIENT_GONE);
        }
        int serverStatus = serverResponse != null && expects100Continue(clientRequest) ? serverResponse.getStatus() : -1;
        sendFailure(clientRequest, proxyResponse, FailureReplies.of(failure, proxied.context, serverStatus));
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        sendFailure(clientRequest, proxyResponse, LocalReply.text(status, "UF", "The request failed",
                proxied(clientRequest).context));
    }

    /** Answers a failed exchange with {@code reply}, or cuts it off: see {@link ProxiedRequest#fail}. */
    private void sendFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, LocalReply reply) {
        proxied(clientRequest).fail(clientRequest, proxyResponse, reply,
                () -> super.sendProxyResponseError(clientRequest, proxyResponse, reply.status()));
    }

    /**
     * Sends the request to another backend when {@link Exchange#retryTarget} allows it.
     *
     * @return whether another try was started (it then owns the response)
     */
    private boolean retry(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, ProxiedRequest proxied,
                          Exchange exchange, Attempt failed, Throwable failure) {
        boolean hasBody = hasContent(clientRequest);
        // With Expect: 100-continue Jetty feeds the body through its own continue action: never resend it.
        boolean resendable = !failed.bodyTouched() && !(hasBody && expects100Continue(clientRequest));
        Backend next = exchange.retryTarget(failed, failure, clientRequest.getMethod(), hasBody, resendable,
                proxyResponse.isCommitted());
        if (next == null) {
            return false;
        }
        exchange.retryOn(next);
        exchange.route.countRetry();
        proxied.outcome.observer().retried(exchange.route);
        logger.debug("Try {} of {} {} on route {}: {} failed ({}), now {}", exchange.retries() + 1,
                clientRequest.getMethod(), exchange.pathAndQuery, exchange.route.name(), failed.backend, failure, next);
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

    /**
     * Jetty's listener of one try: ends the {@link Attempt}, and hands a failure to {@link #retry} before the
     * failure is answered.
     */
    private final class TryListener extends ProxyResponseListener {
        private final HttpServletRequest clientRequest;
        private final HttpServletResponse proxyResponse;
        private final ProxiedRequest proxied;
        private final Exchange exchange;
        private final Attempt attempt;

        TryListener(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, ProxiedRequest proxied,
                    Exchange exchange, Attempt attempt) {
            super(clientRequest, proxyResponse);
            this.clientRequest = clientRequest;
            this.proxyResponse = proxyResponse;
            this.proxied = proxied;
            this.exchange = exchange;
            this.attempt = attempt;
        }

        @Override
        public void onBegin(Response serverResponse) {
            attempt.responseStarted = true;
            proxied.outcome.answered(serverResponse.getStatus(), System.nanoTime());
            super.onBegin(serverResponse);
        }

        @Override
        public void onComplete(Result result) {
            boolean clientFault = attempt.finish(exchange, result);
            Throwable failure = result.getFailure();
            if (failure == null) {
                super.onComplete(result);
            } else if (clientFault || !retry(clientRequest, proxyResponse, proxied, exchange, attempt, failure)) {
                answerFailure(result);
            }
        }

        /**
         * The answer to a failed exchange is written with blocking writes: never on the client's selector thread,
         * which runs this listener. The container's own thread does it.
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

    /**
     * Jetty's reader of the client's body, whose failures are the client's, and which cuts off a body that grows
     * past the route's limit. Confined to the reads of one request, which the container serializes.
     */
    private final class BodyReader extends StreamReader {
        private final ProxiedRequest proxied;
        private final AsyncRequestContent content;
        private final long limit;
        private long read;

        BodyReader(HttpServletRequest request, HttpServletResponse response, Request proxyRequest,
                   AsyncRequestContent content) {
            super(request, response, proxyRequest, content);
            this.proxied = proxied(request);
            this.content = content;
            Exchange exchange = proxied.exchange;
            this.limit = exchange == null ? -1 : exchange.route.settings().maxBodySize();
        }

        @Override
        protected void onRequestContent(HttpServletRequest request, Request proxyRequest,
                                        AsyncRequestContent content, byte[] buffer, int offset, int length,
                                        Callback callback) {
            read += length;
            proxied.outcome.read(length);
            if (limit >= 0 && read > limit) {
                ClientFault fault = proxied.clientFault(ClientFault.tooLarge(limit));
                content.fail(fault);
                callback.failed(fault);
                return;
            }
            super.onRequestContent(request, proxyRequest, content, buffer, offset, length, callback);
        }

        @Override
        public void onError(Throwable failure) {
            content.fail(proxied.clientFault(ClientFault.reading(failure)));
        }
    }

    /** Jetty's writer of the answer to the client, whose failures are the client's. */
    final class ClientWriter extends StreamWriter {
        private final ProxiedRequest proxied;
        private final Response proxyResponse;

        ClientWriter(HttpServletRequest request, ProxiedRequest proxied, Response proxyResponse) {
            super(request, proxyResponse);
            this.proxied = proxied;
            this.proxyResponse = proxyResponse;
        }

        void chunk(byte[] buffer, int offset, int length, Callback callback) {
            data(buffer, offset, length, callback);
        }

        @Override
        public void onError(Throwable failure) {
            proxyResponse.abort(proxied.clientFault(ClientFault.writing(failure)));
        }
    }
}
