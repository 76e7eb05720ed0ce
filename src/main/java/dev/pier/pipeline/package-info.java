/**
 * The request pipeline: small stages that see each request through one {@link dev.pier.pipeline.RequestContext},
 * may answer it early, edit what goes to the backend, and edit every answer on its way back.
 */
@NullMarked
package dev.pier.pipeline;

import org.jspecify.annotations.NullMarked;
