package dev.pier.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where a policy's buckets are kept, by key. Implementations are thread-safe. */
interface Buckets {

    /** Takes a token from the bucket of {@code key}: a {@link Gcra} outcome. Never blocks past its timeout. */
    long take(String key);

    /** {@link #take}, without waiting on the calling thread where the store allows it. */
    default CompletionStage<Long> takeAsync(String key) {
        return CompletableFuture.completedFuture(take(key));
    }
}
