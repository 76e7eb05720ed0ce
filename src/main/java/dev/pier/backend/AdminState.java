package dev.pier.backend;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What an operator says of a backend, apart from its health. */
public enum AdminState {
    /** Normal: takes requests while its health allows. */
    READY,
    /**
     * Takes no new request, except from sticky-cookie clients already pinned to it; requests in flight finish;
     * never the target of a retry. Still probed.
     */
    DRAIN,
    /** Takes no request at all. Still probed and shown. */
    MAINT;

    /** The name an operator writes: {@code ready}, {@code drain}, {@code maint}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state named {@code name} ({@link #configName()}, any case), or null. */
    public static @Nullable AdminState parse(String name) {
        for (AdminState state : values()) {
            if (state.configName().equalsIgnoreCase(name.strip())) {
                return state;
            }
        }
        return null;
    }
}
