package dev.pier.web;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the runtime when its configuration file changes on disk: a {@link WatchService} on the file's
 * directory (so that an editor's write-and-rename is seen too) and one daemon thread, {@code pier-config-watch},
 * that {@link #close()} stops. A change that leaves the content as it was is ignored; an invalid file is logged
 * with its file, line and key, and the running configuration keeps serving. Thread-safe.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ConfigWatcher.class);
    /** Writes come in bursts (truncate, write, close): wait for this much quiet before reading the file. */
    private static final long SETTLE_MILLIS = 100;
    /** The longest a burst of writes may delay a reload. */
    private static final long SETTLE_LIMIT_MILLIS = 2000;

    private final PierRuntime runtime;
    private final Path file;
    private final WatchService watchService;
    private final Thread thread;
    /** The content last read; touched by the watch thread only. */
    private byte[] lastContent;

    private ConfigWatcher(PierRuntime runtime, Path file, WatchService watchService) {
        this.runtime = runtime;
        this.file = file;
        this.watchService = watchService;
        this.lastContent = read(file);
        this.thread = new Thread(this::watch, "pier-config-watch");
        this.thread.setDaemon(true);
    }

    static ConfigWatcher start(PierRuntime runtime) {
        requireNonNull(runtime, "runtime");
        Path file = runtime.configFile().toAbsolutePath().normalize();
        Path directory = file.getParent();
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            try {
                directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            } catch (IOException | RuntimeException e) {
                service.close();
                throw e;
            }
            ConfigWatcher watcher = new ConfigWatcher(runtime, file, service);
            watcher.thread.start();
            logger.info("Watching {} for changes", file);
            return watcher;
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch " + file + " for changes", e);
        }
    }

    private void watch() {
        try {
            while (true) {
                if (!concernsFile(watchService.take())) {
                    continue;
                }
                settle();
                onChange();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            logger.debug("Stopped watching {}", file);
        }
    }

    /**
     * Waits until the file has been quiet for {@link #SETTLE_MILLIS}, so that a half-written file is not read;
     * events of other files of the directory (a busy log file, say) neither count nor hold it up, and the wait
     * ends after {@link #SETTLE_LIMIT_MILLIS} whatever happens.
     */
    private void settle() throws InterruptedException {
        long start = System.nanoTime();
        long lastOurs = start;
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < SETTLE_LIMIT_MILLIS) {
            long quietFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastOurs);
            if (quietFor >= SETTLE_MILLIS) {
                return;
            }
            WatchKey more = watchService.poll(SETTLE_MILLIS - quietFor, TimeUnit.MILLISECONDS);
            if (more != null && concernsFile(more)) {
                lastOurs = System.nanoTime();
            }
        }
    }

    private boolean concernsFile(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(event.context())) {
                ours = true;
            }
        }
        key.reset();
        return ours;
    }

    private void onChange() {
        byte[] content = read(file);
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            runtime.reload();
        } catch (RuntimeException e) {
            logger.error("Pier configuration {} changed but could not be reloaded", file, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Stops the watch thread and waits for it, boundedly. */
    @Override
    public void close() {
        try {
            watchService.close();
        } catch (IOException e) {
            logger.warn("Failed to close the watch of {}", file, e);
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
