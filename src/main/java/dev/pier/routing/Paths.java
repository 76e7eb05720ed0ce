package dev.pier.routing;

import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;

/**
 * The path that routes a request and goes to its backend: as sent (percent-encoding kept), with {@code .} and
 * {@code ..} segments resolved. What a route matches is what its backend receives. Stateless.
 */
public final class Paths {

    private Paths() {
    }

    /**
     * {@code path} with its dot segments resolved; {@code /} for an empty path; null when it does not start with
     * {@code /}, would climb above the root, hides a dot segment in percent-encoding ({@code %2e%2e}) or behind a
     * path parameter ({@code ..;x}, which many servers read as {@code ..}), or has a {@code %} that does not start
     * an escape ({@code /%zz}).
     */
    public static @Nullable String normalize(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        if (path.charAt(0) != '/') {
            return null;
        }
        String canonical = URIUtil.normalizePath(path);
        if (canonical == null) {
            return null;
        }
        if (canonical.indexOf('%') >= 0 || canonical.indexOf(';') >= 0) {
            String decoded;
            try {
                decoded = URIUtil.decodePath(canonical);
            } catch (IllegalArgumentException e) {
                // A bad escape: no backend could read the path the same way Pier does.
                return null;
            }
            if (hasDotSegment(decoded)) {
                return null;
            }
        }
        return canonical;
    }

    private static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            // A segment's name ends at its first path parameter: "..;x" is "..".
            int semicolon = path.indexOf(';', start);
            int length = (semicolon >= 0 && semicolon < end ? semicolon : end) - start;
            if ((length == 1 && path.charAt(start) == '.')
                    || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
