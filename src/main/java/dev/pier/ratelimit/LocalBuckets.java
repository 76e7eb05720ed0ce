package dev.pier.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Buckets in this Pier's memory: a Caffeine map from key to TAT, bounded to {@code max-keys} (the least used go
 * first), in which a bucket is dropped once it would be full again (no access for {@code burst} intervals: a
 * dropped bucket and a new one are the same). Thread-safe: Caffeine's map and one {@link AtomicLong} per key.
 *
 * <p>Caffeine's upkeep (eviction, expiry) runs on the calling threads, a little at a time, under a try-lock that a
 * thread finding it taken simply skips, so the bound holds without a thread of its own. A known key costs a lookup
 * and a compare-and-set; only a new key takes a lock, that of its hash bin.
 */
final class LocalBuckets implements Buckets {

    private final Gcra gcra;
    private final LongSupplier clock;
    private final Cache<String, AtomicLong> buckets;
    /** Made once: a new bucket is full, so its TAT is now. */
    private final Function<String, AtomicLong> newBucket;

    LocalBuckets(Gcra gcra, int maxKeys, LongSupplier clock) {
        this.gcra = gcra;
        this.clock = clock;
        this.newBucket = key -> new AtomicLong(clock.getAsLong());
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                // Every take reads the entry; after the last, the TAT is at most `tolerance` ahead of that read.
                .expireAfterAccess(Duration.ofNanos(gcra.toleranceNanos()))
                .ticker(clock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public long take(String key) {
        AtomicLong tat = buckets.getIfPresent(key);
        if (tat == null) {
            tat = buckets.get(key, newBucket);
        }
        return gcra.take(tat, clock.getAsLong());
    }

    Gcra gcra() {
        return gcra;
    }

    /** Changes the bound, for a reload that keeps these buckets. */
    void maxKeys(int maxKeys) {
        buckets.policy().eviction().ifPresent(eviction -> eviction.setMaximum(maxKeys));
    }

    /** The buckets kept, after the pending upkeep. */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
