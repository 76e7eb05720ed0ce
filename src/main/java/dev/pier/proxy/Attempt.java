package dev.pier.proxy;

import dev.pier.backend.Backend;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.Result;
import org.jspecify.annotations.Nullable;

/**
 * One try of a request on one backend. It holds one unit of the backend's in-flight count from
 * {@link #Attempt} to {@link #release()}, which gives it back exactly once however often it is called.
 * Thread-safe: the flags are set by the HTTP client's threads and read on completion.
 */
final class Attempt {

    final Backend backend;
    private final @Nullable DeferredRequestContent content;
    private final AtomicBoolean released = new AtomicBoolean();
    /** The request's headers went to the backend's connection. */
    volatile boolean committed;
    /** The backend's response line arrived. */
    volatile boolean responseStarted;

    Attempt(Backend backend, @Nullable DeferredRequestContent content) {
        this.backend = backend;
        this.content = content;
        backend.requestSent();
    }

    /** Whether any of the client's body was read for this try. */
    boolean bodyTouched() {
        return content != null && content.started();
    }

    /**
     * Ends this try: gives the in-flight unit back and tells the route's passive health how the backend did,
     * unless the failure was the client's or Pier's own queue's.
     *
     * @return whether the failure, if any, was the client's
     */
    boolean finish(Exchange exchange, Result result) {
        release();
        Throwable failure = result.getFailure();
        boolean clientFault = exchange.clientFailed || ClientFault.in(failure) != null;
        if (!clientFault && !FailureReplies.isQueueFull(failure)) {
            if (failure == null || (responseStarted && !FailureReplies.isTimeout(failure))) {
                exchange.route.passiveHealth().answered(backend, result.getResponse().getStatus());
            } else {
                exchange.route.passiveHealth().failed(backend, FailureReplies.describe(failure));
            }
        }
        return clientFault;
    }

    /** Gives the backend's in-flight unit back; only the first call counts. */
    void release() {
        if (released.compareAndSet(false, true)) {
            backend.requestDone();
        }
    }
}
