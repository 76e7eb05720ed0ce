package dev.pier.embedded;

import dev.pier.config.ServerSettings;
import dev.pier.config.ServerTls;
import dev.pier.tls.KeyMaterial;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * The embedded server's listeners: plain HTTP (HTTP/1.1, and HTTP/2 with prior knowledge) on
 * {@code pier.server.port}, TLS (HTTP/2 by ALPN, then HTTP/1.1) on {@code https-port}. Every protocol ends in the
 * same servlet; backends stay HTTP/1.1. Stateless.
 */
final class Listeners {

    static final String HTTP = "http";
    static final String HTTPS = "https";

    private Listeners() {
    }

    /**
     * Adds the listeners that {@code server} asks for to {@code jetty}.
     *
     * @param listener told of every connection (the head deadline)
     * @return the TLS context of the TLS listener, for certificate reloads; null without one
     */
    static SslContextFactory.@Nullable Server add(Server jetty, ServerSettings server, HttpConfiguration http,
                                                   Connection.Listener listener) {
        if (server.httpsPort() >= 0) {
            http.setSecureScheme("https");
            http.setSecurePort(server.httpsPort());
        }
        if (server.port() >= 0) {
            add(jetty, server, HTTP, server.port(), listener,
                    new HttpConnectionFactory(http), new PriorKnowledgeOnly(http));
        }
        ServerTls tls = server.tls();
        if (server.httpsPort() < 0 || tls == null) {
            return null;
        }
        HttpConfiguration https = new HttpConfiguration(http);
        // Marks requests secure (the servlet's scheme is https, and so is X-Forwarded-Proto) and checks SNI.
        https.addCustomizer(new SecureRequestCustomizer());
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStore(tls.load().keyStore());
        context.setKeyStorePassword(KeyMaterial.STORE_PASSWORD);
        // HTTP/2 forbids some ciphers (RFC 9113, appendix A): prefer the ones it allows.
        context.setCipherComparator(HTTP2Cipher.COMPARATOR);
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        ServerConnector secure = add(jetty, server, HTTPS, server.httpsPort(), listener,
                new SslConnectionFactory(context, alpn.getProtocol()), alpn, new HTTP2ServerConnectionFactory(https), http1);
        // Redirects name the port actually bound (https-port = 0 picks a free one).
        secure.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                http.setSecurePort(secure.getLocalPort());
            }
        });
        return context;
    }

    private static ServerConnector add(Server jetty, ServerSettings server, String name, int port,
                                       Connection.Listener listener, ConnectionFactory... factories) {
        // No acceptor thread: the selectors accept new connections themselves (Jetty's default number of them).
        ServerConnector connector = new ServerConnector(jetty, 0, -1, factories);
        connector.setName(name);
        connector.setHost(server.host());
        connector.setPort(port);
        connector.setIdleTimeout(server.limits().bodyIdleTimeout().toMillis());
        connector.addEventListener(listener);
        jetty.addConnector(connector);
        return connector;
    }

    /**
     * h2c by prior knowledge only (a connection that starts with HTTP/2's preface). An HTTP/1.1 request asking
     * for {@code Upgrade: h2c} is served as HTTP/1.1, as a load balancer should: no switch of protocol midway.
     */
    private static final class PriorKnowledgeOnly extends HTTP2CServerConnectionFactory {

        PriorKnowledgeOnly(HttpConfiguration http) {
            super(http);
        }

        @Override
        public @Nullable Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
                                                      HttpFields.Mutable response101) {
            return "PRI".equals(request.getMethod())
                    ? super.upgradeConnection(connector, endPoint, request, response101) : null;
        }
    }

    /** The port of the listener called {@code name} once started, or -1 when there is none. */
    static int port(Server jetty, String name) {
        for (var connector : List.of(jetty.getConnectors())) {
            if (connector instanceof ServerConnector server && name.equals(server.getName())) {
                return server.getLocalPort();
            }
        }
        return -1;
    }
}
