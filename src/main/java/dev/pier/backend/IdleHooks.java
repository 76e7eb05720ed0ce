package dev.pier.backend;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actions waiting for one backend to have no request in flight; each runs once. Thread-safe: a copy-on-write
 * list, so that the request path, which looks at it each time the count reaches zero, reads one volatile array
 * and allocates nothing while no one waits. Removing a hook from the list is what entitles a thread to run it.
 */
final class IdleHooks {

    private static final Logger logger = LoggerFactory.getLogger(IdleHooks.class);

    private final CopyOnWriteArrayList<Hook> hooks = new CopyOnWriteArrayList<>();

    /**
     * Runs {@code action} once the count is 0: at once, on this thread, when it is already.
     *
     * @return cancels the action if it has not run yet
     */
    Runnable add(Runnable action, IntSupplier inFlight) {
        Hook hook = new Hook(action);
        hooks.add(hook);
        // Added before the count is read: a count that reaches 0 later finds the hook in the list, and one that
        // reached 0 earlier is seen here.
        if (inFlight.getAsInt() == 0) {
            run(hook);
        }
        return () -> hooks.remove(hook);
    }

    /** The count reached 0: runs every waiting action. */
    void fire() {
        if (hooks.isEmpty()) {
            return;
        }
        for (Hook hook : hooks) {
            run(hook);
        }
    }

    private void run(Hook hook) {
        if (!hooks.remove(hook)) {
            return;
        }
        try {
            hook.action.run();
        } catch (RuntimeException e) {
            // Runs on the thread that completed a request: never let it fail that request's handling.
            logger.warn("An action waiting for a backend to be idle failed", e);
        }
    }

    /** Compared by identity, so that the same action added twice runs twice. */
    private static final class Hook {
        final Runnable action;

        Hook(Runnable action) {
            this.action = action;
        }
    }
}
