/** Logback parts of Pier's own: an appender for lines written at the rate of requests. */
@NullMarked
package dev.pier.logging;

import org.jspecify.annotations.NullMarked;
