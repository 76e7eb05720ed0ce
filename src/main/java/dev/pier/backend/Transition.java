package dev.pier.backend;

import java.time.Instant;

/**
 * One change of a backend's health, admin state or weight. Immutable.
 *
 * @param kind {@code health} ({@link Health} names), {@code admin} ({@link AdminState#configName()}) or
 *     {@code weight} (numbers)
 */
public record Transition(Instant time, String kind, String from, String to, String reason) {
}
