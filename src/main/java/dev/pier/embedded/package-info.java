/** The embedded server: Jetty with the same listener and servlets as {@code web.xml}, and its launcher. */
@NullMarked
package dev.pier.embedded;

import org.jspecify.annotations.NullMarked;
