package dev.pier.embedded;

import dev.pier.config.ServerTls;
import dev.pier.tls.KeyMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the TLS listener's key and certificates when their files change: it looks at their modification times
 * and sizes every second, on the server's scheduler. A new pair that does not load (a key that does not match
 * its certificate, say, while only one of the two has been replaced yet) is refused and logged, and the old one
 * keeps serving; new handshakes use a new pair, open connections keep theirs. Thread-safe: the last state seen
 * is touched by the scheduler's task only.
 */
final class CertificateReloader extends AbstractLifeCycle {

    private static final Logger events = LoggerFactory.getLogger("pier.events");
    private static final long PERIOD_MILLIS = 1000;

    private final ServerTls tls;
    private final SslContextFactory.Server context;
    private final Scheduler scheduler;
    /** Confined to the scheduler's task after start. */
    private List<Object> seen = List.of();
    private volatile Scheduler.@Nullable Task task;

    CertificateReloader(ServerTls tls, SslContextFactory.Server context, Scheduler scheduler) {
        this.tls = tls;
        this.context = context;
        this.scheduler = scheduler;
    }

    @Override
    protected void doStart() {
        seen = stamp();
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task current = task;
        if (current != null) {
            current.cancel();
        }
    }

    private void schedule() {
        if (isStarting() || isRunning()) {
            task = scheduler.schedule(this::check, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        try {
            List<Object> now = stamp();
            if (!now.equals(seen)) {
                seen = now;
                reload();
            }
        } catch (RuntimeException e) {
            events.warn("TLS certificate check failed", e);
        } finally {
            schedule();
        }
    }

    private void reload() {
        KeyMaterial material;
        try {
            material = tls.load();
        } catch (RuntimeException e) {
            events.warn("TLS files changed but are refused, the previous certificate keeps serving: {}", e.getMessage());
            return;
        }
        try {
            context.reload(factory -> factory.setKeyStore(material.keyStore()));
            events.info("TLS certificate reloaded: {}", material);
        } catch (Exception e) {
            events.warn("TLS certificate reload failed, the previous certificate keeps serving", e);
        }
    }

    /** The modification time and size of each file, or nulls for a missing one. */
    private List<Object> stamp() {
        List<Object> stamp = new ArrayList<>();
        for (Path file : new Path[] {tls.certificate(), tls.key(), tls.keyStore()}) {
            if (file == null) {
                continue;
            }
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                stamp.add(modified);
                stamp.add(Files.size(file));
            } catch (IOException missing) {
                stamp.add(Objects.toString(null));
                stamp.add(Objects.toString(null));
            }
        }
        return List.copyOf(stamp);
    }
}
