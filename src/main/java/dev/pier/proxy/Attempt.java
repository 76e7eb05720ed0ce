package dev.pier.proxy;

import dev.pier.backend.Backend;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** Gives the backend's in-flight unit back; only the first call counts. */
    void release() {
        if (released.compareAndSet(false, true)) {
            backend.requestDone();
        }
    }
}
