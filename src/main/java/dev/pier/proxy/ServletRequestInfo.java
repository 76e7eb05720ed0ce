package dev.pier.proxy;

import dev.pier.balancing.RequestInfo;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** A servlet request as a balancing policy sees it. Confined to the request's thread. */
final class ServletRequestInfo implements RequestInfo {

    private final HttpServletRequest request;

    ServletRequestInfo(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public @Nullable String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public @Nullable String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return request.getRemoteAddr();
    }
}
