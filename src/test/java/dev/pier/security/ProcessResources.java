package dev.pier.security;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What this JVM holds that a leak would grow: live threads (the tests' own raw backends and canaries left out,
 * as their per-connection threads idle away on their own schedule) and, where {@code /proc/self/fd} exists,
 * open file descriptors. Stateless.
 */
final class ProcessResources {

    private static final Path FDS = Path.of("/proc/self/fd");

    private ProcessResources() {
    }

    /** Live threads other than the test backends' and canaries'. */
    static int threads() {
        return threadNames().size();
    }

    static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        var mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && !info.getThreadName().startsWith("recording-")
                    && !info.getThreadName().startsWith("canary")) {
                names.add(info.getThreadName());
            }
        }
        return names;
    }

    static boolean canCountFileDescriptors() {
        return Files.isDirectory(FDS);
    }

    /** Open file descriptors of this process; -1 where they cannot be counted. */
    static long fileDescriptors() {
        if (!canCountFileDescriptors()) {
            return -1;
        }
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
