package dev.pier.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** A request's cookie by name, as the proxy's policies and the admin's explain both look it up. */
public final class ServletCookies {

    private ServletCookies() {
    }

    /** The value of the first cookie of {@code request} named {@code name}, or null when it has none. */
    public static @Nullable String value(HttpServletRequest request, String name) {
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
}
