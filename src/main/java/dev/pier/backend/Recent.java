package dev.pier.backend;

import java.util.ArrayDeque;
import java.util.List;

/** The last few items added, oldest first. Thread-safe: guarded by {@code this}; adding is rare (probes, changes). */
final class Recent<T> {

    private final int capacity;
    /** Guarded by this. */
    private final ArrayDeque<T> items;

    Recent(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    synchronized void add(T item) {
        if (items.size() == capacity) {
            items.removeFirst();
        }
        items.addLast(item);
    }

    /** A copy, oldest first. */
    synchronized List<T> list() {
        return List.copyOf(items);
    }
}
