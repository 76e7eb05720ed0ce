/**
 * What operators see of the traffic: the access log (logger {@code pier.access}), the metrics behind
 * {@code /_pier/metrics} and the status's latencies and counts, all fed once per request by the proxy through a
 * {@link dev.pier.observe.RequestOutcome}.
 */
@NullMarked
package dev.pier.observe;

import org.jspecify.annotations.NullMarked;
