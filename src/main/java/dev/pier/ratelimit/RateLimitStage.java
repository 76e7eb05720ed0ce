package dev.pier.ratelimit;

import dev.pier.config.RateLimitingSettings.Headers;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import dev.pier.pipeline.RequestStage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The rate limits of one route: runs its policies in order, each taking a token from the request's bucket; the
 * first over its limit (not in dry run) answers 429 with {@code Retry-After}, and no later policy is asked. Allowed
 * and refused answers carry the rate-limit header fields of every policy that counted the request, through
 * {@link RequestContext#addResponseHeader}, so that they go on the backend's answer too. Immutable, over
 * thread-safe limiters.
 *
 * <p>With {@code headers = draft}, the fields of the IETF httpapi draft "RateLimit header fields for HTTP":
 * {@code RateLimit-Policy: "per-client";q=200;w=2} (the bucket's size, and the whole seconds it takes to fill up,
 * so that {@code q/w} is the rate) and {@code RateLimit: "per-client";r=199;t=1} (the tokens left, and the seconds
 * until the bucket is full again, or after a refusal until a token is there: then {@code t} is
 * {@code Retry-After}). With {@code legacy}, {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} of
 * the policy with the fewest tokens left.
 */
public final class RateLimitStage implements RequestStage {

    /** The problem type that the draft registers for a request over a quota. */
    static final String PROBLEM_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded";

    private final String route;
    private final RateLimiter[] limiters;
    private final Headers headers;
    private final String policyFields;

    RateLimitStage(String route, List<RateLimiter> limiters, Headers headers) {
        this.route = route;
        this.limiters = limiters.toArray(RateLimiter[]::new);
        this.headers = headers;
        this.policyFields = limiters.stream().map(RateLimiter::policyField).collect(Collectors.joining(", "));
    }

    /** The prefix of the route. */
    public String route() {
        return route;
    }

    /** The route's limiters, in the order they run. */
    public List<RateLimiter> limiters() {
        return List.of(limiters);
    }

    @Override
    public @Nullable LocalReply onRequest(RequestContext context) {
        StringBuilder limitFields = null;
        RateLimiter tightest = null;
        long tightestOutcome = 0;
        for (RateLimiter limiter : limiters) {
            long outcome = limiter.decide(context);
            if (outcome == Gcra.NOT_COUNTED) {
                continue;
            }
            if (headers == Headers.DRAFT) {
                limitFields = limitFields == null ? new StringBuilder(48) : limitFields.append(", ");
                limitFields.append(limiter.limitField(outcome));
            } else if (headers == Headers.LEGACY && (tightest == null
                    || limiter.gcra().remaining(outcome) < tightest.gcra().remaining(tightestOutcome))) {
                tightest = limiter;
                tightestOutcome = outcome;
            }
            if (!Gcra.allowed(outcome) && !limiter.dryRun()) {
                addFields(context, limitFields, limiter, outcome);
                return refusal(context, limiter, outcome);
            }
        }
        addFields(context, limitFields, tightest, tightestOutcome);
        return null;
    }

    private void addFields(RequestContext context, @Nullable StringBuilder limitFields,
                           @Nullable RateLimiter tightest, long outcome) {
        if (headers == Headers.DRAFT && limitFields != null) {
            context.addResponseHeader("RateLimit-Policy", policyFields);
            context.addResponseHeader("RateLimit", limitFields.toString());
        } else if (headers == Headers.LEGACY && tightest != null) {
            context.addResponseHeader("X-RateLimit-Limit", Integer.toString(tightest.gcra().burst()));
            context.addResponseHeader("X-RateLimit-Remaining", Long.toString(tightest.gcra().remaining(outcome)));
            context.addResponseHeader("X-RateLimit-Reset", Long.toString(Gcra.seconds(outcome)));
        }
    }

    private static LocalReply refusal(RequestContext context, RateLimiter limiter, long outcome) {
        long seconds = Gcra.seconds(outcome);
        String detail = limiter.lacksKey(context)
                ? "Rate limit '" + limiter.policy() + "' counts requests by " + limiter.settings().key().configText()
                        .replace(':', ' ') + ", which this request lacks."
                : "Too many requests for rate limit '" + limiter.policy() + "'; retry after " + seconds
                        + (seconds == 1 ? " second." : " seconds.");
        String body = "{\"type\":\"" + PROBLEM_TYPE + "\","
                + "\"title\":\"Request cannot be satisfied as assigned quota has been exceeded\","
                + "\"status\":429,"
                + "\"detail\":\"" + json(detail) + "\","
                + "\"violated-policies\":[\"" + json(limiter.policy()) + "\"],"
                + "\"request-id\":\"" + json(context.requestId()) + "\"}\n";
        return new LocalReply(429, "RL", "application/problem+json", body, List.of(
                Map.entry("Retry-After", Long.toString(seconds)),
                Map.entry("Cache-Control", "no-store")));
    }

    /** {@code text} as the inside of a JSON string. */
    static String json(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
