/**
 * WebSocket pass-through: a client's upgrade relayed to a backend's WebSocket, with messages, pings and close
 * codes passed both ways under back-pressure. The client's side is the container's Jakarta WebSocket; the
 * backend's is Jetty's WebSocket core client on Pier's own HTTP client. The proxy calls {@link
 * dev.pier.websocket.WebSocketRelay}; the runtime owns the {@link dev.pier.websocket.Tunnels} of open ones.
 */
@NullMarked
package dev.pier.websocket;

import org.jspecify.annotations.NullMarked;
