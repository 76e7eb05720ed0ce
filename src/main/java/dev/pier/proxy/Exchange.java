package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.pipeline.RequestContext;
import dev.pier.routing.Route;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * One client request on its way through Pier: its route, the backends tried so far and the current try. Tries
 * follow one another (a retry starts from the completion of the previous try), so the fields are volatile for
 * visibility across the threads that run them, never written concurrently.
 */
final class Exchange {

    /** Methods that may be sent twice when they carry no body (RFC 9110, 9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    final Route route;
    /** The backend path and query, appended to a backend's URL to make a target. */
    final String pathAndQuery;
    /** The request as the pipeline and the route's policy see it, for every try and for the response's cookie. */
    final RequestContext request;
    private volatile List<Backend> tried;
    private volatile @Nullable Backend next;
    private volatile @Nullable Attempt current;
    /** Set when reading the client's request failed: nothing is retried and the backend is not blamed. */
    volatile boolean clientFailed;

    Exchange(Route route, Backend first, String pathAndQuery, RequestContext request) {
        this.route = route;
        this.pathAndQuery = pathAndQuery;
        this.request = request;
        this.tried = List.of(first);
        this.next = first;
    }

    /** Adds the route's policy's {@code Set-Cookie} for the current try's backend to {@code answer}, if it has one. */
    void setCookie(HttpServletResponse answer) {
        Attempt attempt = current;
        String cookie = attempt == null ? null : route.policy().setCookie(attempt.backend, request);
        if (cookie != null) {
            answer.addHeader(HttpHeader.SET_COOKIE.asString(), cookie);
        }
    }

    /** Backends tried so far, including the current one. */
    List<Backend> tried() {
        return tried;
    }

    /** Tries beyond the first so far. */
    int retries() {
        return tried.size() - 1;
    }

    /**
     * The backend for another try after {@code failed} failed, or null when the request must not move: out of
     * retries, the client's fault, a response already begun or a timeout, or a request that may have reached
     * the backend and is not idempotent without a body.
     *
     * @param bodyResendable whether the client's body, if any, can still be sent whole (none of it was read)
     */
    @Nullable Backend retryTarget(Attempt failed, Throwable failure, String method, boolean hasBody,
                                  boolean bodyResendable, boolean answerCommitted) {
        if (retries() >= route.retries() || clientFailed || failed.responseStarted || answerCommitted
                || FailureReplies.isTimeout(failure)) {
            return null;
        }
        boolean neverSent = !failed.committed && bodyResendable;
        boolean idempotentWithoutBody = IDEMPOTENT.contains(method) && !hasBody;
        if (!neverSent && !idempotentWithoutBody) {
            return null;
        }
        return route.selectOther(request, tried());
    }

    /** Records that the next try goes to {@code backend}. */
    void retryOn(Backend backend) {
        List<Backend> more = new ArrayList<>(tried);
        more.add(backend);
        tried = List.copyOf(more);
        next = backend;
    }

    /** Starts the try that {@link #retryOn} or the constructor chose; called once per try. */
    Attempt begin(@Nullable DeferredRequestContent content) {
        Backend backend = next;
        if (backend == null) {
            throw new IllegalStateException("no backend chosen for this try");
        }
        next = null;
        Attempt attempt = new Attempt(backend, content);
        current = attempt;
        return attempt;
    }

    @Nullable Attempt current() {
        return current;
    }
}
