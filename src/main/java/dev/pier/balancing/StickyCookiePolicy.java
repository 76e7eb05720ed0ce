package dev.pier.balancing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Session affinity by cookie. A request whose cookie names an eligible backend, or one that drains (a pinnable
 * one), goes there; any other goes where smooth weighted round robin over the eligible says, and its response
 * sets the cookie. The cookie's value is the first 16 hex digits of the SHA-256 of the backend's URL: opaque to
 * clients, and the same on every Pier that has the backend, across restarts. Thread-safe: the identifiers are computed once per backend into a concurrent map, and
 * those of the current pinnable list are kept in an array published through a volatile field.
 */
final class StickyCookiePolicy implements BalancingPolicy {

    private final String cookieName;
    private final String attributes;
    private final RoundRobinPolicy fallback = new RoundRobinPolicy();
    private final Map<Backend, String> ids = new ConcurrentHashMap<>();
    /** The identifiers of the last pinnable list seen, in its order; either of two racing rebuilds wins. */
    private volatile Table table = new Table(List.of(), new String[0]);

    StickyCookiePolicy(String cookieName, String path) {
        this.cookieName = requireNonNull(cookieName, "cookieName");
        this.attributes = "; Path=" + requireNonNull(path, "path") + "; HttpOnly; SameSite=Lax";
    }

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        return select(eligible, eligible, request);
    }

    @Override
    public @Nullable Backend select(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        String wanted = request.cookie(cookieName);
        if (wanted != null) {
            Table current = table;
            if (current.backends != pinnable) {
                current = Table.of(pinnable, this);
                table = current;
            }
            Backend pinned = current.find(wanted);
            if (pinned != null) {
                return pinned;
            }
        }
        return fallback.select(eligible, request);
    }

    @Override
    public @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        String wanted = request.cookie(cookieName);
        if (wanted != null) {
            Table current = table;
            // Built for this answer only: publishing it is select's business.
            Backend pinned = (current.backends == pinnable ? current : Table.of(pinnable, this)).find(wanted);
            if (pinned != null) {
                return pinned;
            }
        }
        return fallback.peek(eligible, eligible, request);
    }

    @Override
    public @Nullable String setCookie(Backend chosen, RequestInfo request) {
        String id = id(chosen);
        return id.equals(request.cookie(cookieName)) ? null : cookieName + "=" + id + attributes;
    }

    /** The cookie value that names {@code backend}. */
    String id(Backend backend) {
        return ids.computeIfAbsent(backend, StickyCookiePolicy::newId);
    }

    /** The identifiers of one pinnable list, index for index. Immutable once published. */
    private static final class Table {
        final List<Backend> backends;
        final String[] ids;

        Table(List<Backend> backends, String[] ids) {
            this.backends = backends;
            this.ids = ids;
        }

        static Table of(List<Backend> backends, StickyCookiePolicy policy) {
            String[] values = new String[backends.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = policy.id(backends.get(i));
            }
            return new Table(backends, values);
        }

        @Nullable Backend find(String id) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].equals(id)) {
                    return backends.get(i);
                }
            }
            return null;
        }
    }

    private static String newId(Backend backend) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(backend.url().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
