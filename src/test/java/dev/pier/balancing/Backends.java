package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Backends and requests for policy tests, with no network. */
final class Backends {

    private Backends() {
    }

    /** Backends named a, b, c... on ports 8001, 8002... with the given weights. */
    static List<Backend> weighted(int... weights) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            backends.add(new Backend("http://127.0.0.1:" + (8001 + i), "127.0.0.1", 8001 + i, weights[i]));
        }
        return List.copyOf(backends);
    }

    static List<Backend> of(int count) {
        int[] weights = new int[count];
        java.util.Arrays.fill(weights, 1);
        return weighted(weights);
    }

    /** The backend's name: a for the first, b for the second... */
    static String name(@Nullable Backend backend) {
        return backend == null ? "none" : String.valueOf((char) ('a' + backend.port() - 8001));
    }

    static RequestInfo request(Map<String, String> headers, Map<String, String> cookies, String client) {
        return new RequestInfo() {
            @Override
            public @Nullable String header(String name) {
                return headers.get(name);
            }

            @Override
            public @Nullable String cookie(String name) {
                return cookies.get(name);
            }

            @Override
            public String clientAddress() {
                return client;
            }
        };
    }
}
