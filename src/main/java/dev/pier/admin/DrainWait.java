package dev.pier.admin;

import static dev.pier.admin.AdminServlet.quote;

import dev.pier.backend.Backend;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /_pier/backends/drain}: 200 as soon as none of a backend's instances (one per route that holds it) has
 * a request in flight, 202 with the count still in flight when the wait ends. No thread waits: the request is
 * suspended (servlet async), a hook on each busy backend fires when its count reaches 0, and the container's async
 * timeout ends the wait. Thread-safe: one atomic phase decides which of the hook and the timeout answers.
 */
final class DrainWait implements AsyncListener {

    private static final Logger logger = LoggerFactory.getLogger(DrainWait.class);

    private static final int WAITING = 0;
    /** A hook saw every instance idle and handed the answer to a container thread. */
    private static final int IDLE = 1;
    private static final int ANSWERED = 2;

    private final String authority;
    private final List<Backend> backends;
    private final long started = System.nanoTime();
    private final AtomicInteger phase = new AtomicInteger(WAITING);
    /** Cancels the hooks still registered; each registration adds one. */
    private final List<Runnable> cancels = new CopyOnWriteArrayList<>();
    private final AsyncContext async;

    private DrainWait(String authority, List<Backend> backends, AsyncContext async) {
        this.authority = authority;
        this.backends = backends;
        this.async = async;
    }

    /** Answers at once when nothing is in flight or {@code wait} is zero; otherwise suspends the request. */
    static void answer(HttpServletRequest request, HttpServletResponse response, String authority,
                       List<Backend> backends, Duration wait) throws IOException {
        int inFlight = inFlight(backends);
        if (inFlight == 0 || wait.isZero()) {
            write(response, authority, inFlight, 0);
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(wait.toMillis());
        DrainWait drainWait = new DrainWait(authority, backends, async);
        async.addListener(drainWait);
        drainWait.watch();
    }

    /**
     * Waits on the first busy instance, or answers when there is none. Runs on the request's thread, then on the
     * thread that completed an instance's last request: it must not block.
     */
    private void watch() {
        if (phase.get() != WAITING) {
            return;
        }
        for (Backend backend : backends) {
            if (backend.inFlight() > 0) {
                // Runs at once if the backend became idle meanwhile, and then looks at the next one.
                cancels.add(backend.whenIdle(this::watch));
                return;
            }
        }
        if (phase.compareAndSet(WAITING, IDLE)) {
            try {
                async.start(this::answerIdle);
            } catch (IllegalStateException timedOut) {
                // The wait ended meanwhile: onTimeout saw IDLE and answers 200 itself.
                logger.debug("Drain wait for {} ended as its backend became idle", authority);
            }
        }
    }

    private void answerIdle() {
        if (phase.compareAndSet(IDLE, ANSWERED)) {
            finish(0);
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (phase.compareAndSet(WAITING, ANSWERED)) {
            finish(inFlight(backends));
        } else if (phase.compareAndSet(IDLE, ANSWERED)) {
            finish(0);
        }
    }

    private void finish(int inFlight) {
        try {
            write((HttpServletResponse) async.getResponse(), authority, inFlight,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (IOException | RuntimeException e) {
            logger.debug("Cannot answer the drain wait for {}", authority, e);
        } finally {
            cancel();
            async.complete();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        cancel();
    }

    @Override
    public void onError(AsyncEvent event) {
        // The client went away: nothing to answer.
        phase.set(ANSWERED);
        cancel();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    private void cancel() {
        cancels.forEach(Runnable::run);
    }

    private static int inFlight(List<Backend> backends) {
        int total = 0;
        for (Backend backend : backends) {
            total += backend.inFlight();
        }
        return total;
    }

    private static void write(HttpServletResponse response, String authority, int inFlight, long waitedMillis)
            throws IOException {
        AdminServlet.send(response, inFlight == 0 ? 200 : 202, "application/json",
                "{\"backend\":" + quote(authority) + ",\"idle\":" + (inFlight == 0) + ",\"inFlight\":" + inFlight
                        + ",\"waitedMs\":" + waitedMillis + "}\n");
    }
}
