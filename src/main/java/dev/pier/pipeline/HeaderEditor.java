package dev.pier.pipeline;

/**
 * Edits a set of headers: those going to the backend, or those of the answer going to the client. Names are
 * case-insensitive. Implementations need not be thread-safe.
 */
public interface HeaderEditor {

    /** Replaces every field of {@code name} with one of {@code value}. */
    void set(String name, String value);

    /** Adds a field, keeping those of the same name. */
    void add(String name, String value);

    /** Removes every field of {@code name}. */
    void remove(String name);
}
