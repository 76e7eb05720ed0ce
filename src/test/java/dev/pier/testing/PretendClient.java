package dev.pier.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * A test filter in front of Pier's servlets: a request carrying {@value #HEADER} appears to come from that address
 * ({@code getRemoteAddr()}), so that tests on a loopback-only machine can be a client from elsewhere.
 */
public final class PretendClient implements Filter {

    public static final String HEADER = "X-Test-Remote-Addr";

    /** Installs the filter on every path of {@code context}; pass to {@link PierHarness#start(java.nio.file.Path, String, java.util.function.Consumer)}. */
    public static void install(ServletContextHandler context) {
        context.addFilter(new FilterHolder(new PretendClient()), "/*", EnumSet.of(DispatcherType.REQUEST));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String pretended = http.getHeader(HEADER);
        chain.doFilter(pretended == null ? request : new HttpServletRequestWrapper(http) {
            @Override
            public String getRemoteAddr() {
                return pretended;
            }
        }, response);
    }
}
