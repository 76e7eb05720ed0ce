/** Balancing policies: which eligible backend serves the next request. */
@NullMarked
package dev.pier.balancing;

import org.jspecify.annotations.NullMarked;
