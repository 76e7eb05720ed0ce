/**
 * Rate limiting: token buckets kept as one atomic per key (GCRA), in bounded local maps or in Redis, and the
 * per-route stage that refuses requests over a limit with 429 and the rate-limit header fields.
 */
@NullMarked
package dev.pier.ratelimit;

import org.jspecify.annotations.NullMarked;
