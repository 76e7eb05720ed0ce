package dev.pier.proxy;

import dev.pier.config.ProxySettings;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The servlet's configuration as Jetty's proxy reads it: Pier's settings rendered as the init-parameters that
 * {@code AbstractProxyServlet} knows, so that its defaults never apply. An init-parameter the container was
 * given explicitly still wins. Immutable.
 */
final class ProxyServletConfig implements ServletConfig {

    private final ServletConfig container;
    private final Map<String, String> pier;

    ProxyServletConfig(ServletConfig container, ProxySettings settings) {
        this.container = container;
        this.pier = Map.of(
                // Pier's own client thread pool, named after the servlet: no container needs to lend one.
                "maxThreads", Integer.toString(settings.clientThreads()),
                "selectors", "1",
                "maxConnections", Integer.toString(settings.maxConnectionsPerBackend()),
                "idleTimeout", Long.toString(settings.idleTimeout().toMillis()),
                "timeout", Long.toString(settings.requestTimeout().toMillis()));
    }

    @Override
    public String getServletName() {
        return container.getServletName();
    }

    @Override
    public ServletContext getServletContext() {
        return container.getServletContext();
    }

    @Override
    public @Nullable String getInitParameter(String name) {
        String explicit = container.getInitParameter(name);
        return explicit != null ? explicit : pier.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        Set<String> names = new LinkedHashSet<>(pier.keySet());
        names.addAll(Collections.list(container.getInitParameterNames()));
        return Collections.enumeration(names);
    }
}
