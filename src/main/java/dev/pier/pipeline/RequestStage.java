package dev.pier.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * One step of the way in. Request stages run in order; each goes on (null) or answers the request itself, and
 * then no later stage runs, no backend is chosen and the body is never read. Implementations are immutable or
 * thread-safe: one instance serves every request of a configuration.
 */
public interface RequestStage {

    /** Looks at the request; returns null to go on, or Pier's own answer. */
    @Nullable LocalReply onRequest(RequestContext context);

    /**
     * Edits the headers that go to the backend; called once per try, after Pier's own headers are set, so the
     * same request sends the same headers on every try. None by default.
     */
    default void onForward(RequestContext context, HeaderEditor backendRequest) {
    }
}
