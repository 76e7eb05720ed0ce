/** The proxy servlet: target rewriting through the router and balancer, forwarded headers, failure mapping. */
@NullMarked
package dev.pier.proxy;

import org.jspecify.annotations.NullMarked;
