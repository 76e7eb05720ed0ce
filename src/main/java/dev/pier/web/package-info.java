/** The composition root: the listener that builds Pier's runtime from its configuration and tears it down. */
@NullMarked
package dev.pier.web;

import org.jspecify.annotations.NullMarked;
