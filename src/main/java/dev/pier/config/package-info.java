/** Pier's settings: immutable records read once from a HOCON file, with errors that name file, line and key. */
@NullMarked
package dev.pier.config;

import org.jspecify.annotations.NullMarked;
