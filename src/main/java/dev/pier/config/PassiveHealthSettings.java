package dev.pier.config;

/**
 * Passive health of one route: a backend is marked down once this many exchanges in a row fail. Immutable.
 *
 * @param consecutiveFailures failures in a row that mark a backend down; 0 turns passive health off
 * @param count5xx whether a 5xx answer counts as a failure
 */
public record PassiveHealthSettings(int consecutiveFailures, boolean count5xx) {
}
