package dev.pier.backend;

/** What Pier knows of a backend's health. */
public enum Health {
    /** Not probed yet; receives traffic until its first probe decides. */
    UNKNOWN,
    /** Passed its checks; receives traffic. */
    UP,
    /** Failed its checks; receives no traffic. */
    DOWN;

    /** Whether a backend in this state may be chosen for a request. */
    public boolean eligible() {
        return this != DOWN;
    }
}
