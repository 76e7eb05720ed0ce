package dev.pier.health;

import dev.pier.backend.Backend;
import java.util.concurrent.CompletableFuture;

/** Asks one backend whether it is healthy. Implementations are thread-safe and never block the caller. */
interface Probe {

    /** Completes with the answer, within the probe's timeout; never completes exceptionally. */
    CompletableFuture<ProbeResult> probe(Backend backend);
}
