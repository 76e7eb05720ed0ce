package dev.pier.pipeline;

/**
 * One step of the way out: runs on every answer, the backend's and Pier's own (404, 403, 429, 502, 503, 504),
 * before its headers are sent. Response stages run in the reverse order of the request stages. Implementations
 * are immutable or thread-safe.
 */
public interface ResponseStage {

    /** Edits the headers of the answer with {@code status} that goes to the client. */
    void onResponse(RequestContext context, int status, HeaderEditor clientResponse);
}
