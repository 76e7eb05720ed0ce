/** Routes and longest-prefix matching on path-segment boundaries, over plain strings. */
@NullMarked
package dev.pier.routing;

import org.jspecify.annotations.NullMarked;
