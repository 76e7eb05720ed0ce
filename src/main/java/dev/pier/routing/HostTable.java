package dev.pier.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Host names (lower case) to their routes, longest prefix first, looked up by a region of a request's host without
 * regard to ASCII case and without allocating: an open-addressing table whose hash folds case as it reads. Immutable.
 */
final class HostTable {

    private static final Route[][] NO_ROUTES = new Route[0][];

    private final String[] keys;
    private final Route[][] values;
    private final int mask;

    /** @param routes by lower-case host name */
    HostTable(Map<String, List<Route>> routes) {
        int capacity = Integer.highestOneBit(Math.max(1, routes.size() * 2 - 1)) << 1;
        this.keys = new String[routes.isEmpty() ? 0 : capacity];
        this.values = routes.isEmpty() ? NO_ROUTES : new Route[capacity][];
        this.mask = capacity - 1;
        routes.forEach((host, list) -> {
            int slot = hash(host, 0, host.length()) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = host;
            values[slot] = list.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                    .toArray(Route[]::new);
        });
    }

    boolean isEmpty() {
        return keys.length == 0;
    }

    /** The routes of the host {@code text[from, to)}, longest prefix first, or null when it has none. */
    Route @Nullable [] get(String text, int from, int to) {
        if (keys.length == 0) {
            return null;
        }
        int length = to - from;
        for (int slot = hash(text, from, to) & mask; ; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key == null) {
                return null;
            }
            if (key.length() == length && equalsIgnoringCase(key, text, from)) {
                return values[slot];
            }
        }
    }

    private static boolean equalsIgnoringCase(String lower, String text, int from) {
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) != lowerAscii(text.charAt(from + i))) {
                return false;
            }
        }
        return true;
    }

    private static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + lowerAscii(text.charAt(i));
        }
        // Spread the high bits into the low ones that the mask keeps.
        return h ^ (h >>> 16);
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
