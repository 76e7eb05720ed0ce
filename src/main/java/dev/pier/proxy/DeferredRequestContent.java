package dev.pier.proxy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * The body of a proxy request, read from the client only once the HTTP client asks for it, that is once it
 * holds a connection to the backend. Until then not one byte of the client's body has been consumed, so a
 * request whose connection was refused can be sent, body and all, to another backend. Thread-safe: the start
 * happens once, guarded by an atomic flag; the rest is {@link AsyncRequestContent}'s.
 */
final class DeferredRequestContent implements Request.Content {

    private final AsyncRequestContent delegate = new AsyncRequestContent();
    private final Starter starter;
    private final AtomicBoolean started = new AtomicBoolean();

    DeferredRequestContent(Starter starter) {
        this.starter = requireNonNull(starter, "starter");
    }

    /** Whether reading the client's body has begun: if so, this request's body cannot be sent again. */
    boolean started() {
        return started.get();
    }

    private void start() {
        if (started.compareAndSet(false, true)) {
            try {
                starter.start(delegate);
            } catch (Throwable failure) {
                delegate.fail(failure);
            }
        }
    }

    @Override
    public long getLength() {
        return delegate.getLength();
    }

    @Override
    public Content.Chunk read() {
        start();
        return delegate.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
        start();
        delegate.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        delegate.fail(failure);
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        delegate.fail(failure, last);
    }

    @Override
    public boolean rewind() {
        return false;
    }

    /** Begins copying the client's body into {@code content}. */
    @FunctionalInterface
    interface Starter {
        void start(AsyncRequestContent content) throws IOException;
    }
}
