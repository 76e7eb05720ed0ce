package dev.pier.websocket;

import dev.pier.backend.Backend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open WebSocket tunnels of one Pier: closed with 1001 (going away) when Pier stops, or when a reload removes
 * their backend. Thread-safe: a concurrent set; once {@link #goingAway} ran, a tunnel that registers is closed at
 * once.
 */
public final class Tunnels {

    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Tunnels open now. */
    public int size() {
        return open.size();
    }

    void add(Tunnel tunnel) {
        open.add(tunnel);
        // Checked after the add, so that a concurrent goingAway() either sees the tunnel or is seen here.
        if (stopping) {
            tunnel.goAway("Pier is stopping");
        }
    }

    void remove(Tunnel tunnel) {
        open.remove(tunnel);
    }

    /** Closes every tunnel whose backend {@code kept} refuses, with 1001: its backend left the configuration. */
    public void retain(Predicate<Backend> kept) {
        int closed = 0;
        for (Tunnel tunnel : open) {
            if (!kept.test(tunnel.backend())) {
                tunnel.goAway("The backend was removed");
                closed++;
            }
        }
        if (closed > 0) {
            events.info("Closed {} WebSocket tunnel(s) to backends that the reload removed", closed);
        }
    }

    /** Closes every tunnel with 1001, now and from now on: Pier is stopping. Idempotent. */
    public void goingAway() {
        stopping = true;
        for (Tunnel tunnel : open) {
            tunnel.goAway("Pier is stopping");
        }
    }
}
