package dev.pier.web;

/**
 * What a configuration reload did. Immutable.
 *
 * @param applied whether the new configuration is now serving
 * @param message a summary of the change when applied; else every problem of the file, one a line, each with
 *                its file, line and key
 */
public record ReloadOutcome(boolean applied, String message) {
}
