import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for the side-by-side benchmark: GETs at a fixed rate over keep-alive
 * connections, each request's latency measured from the time it was meant to be sent, not from when it went out.
 * A closed-loop client (wrk) waits for an answer before it sends the next request, so a stalled proxy also
 * stalls the client and the requests that would have queued are never counted (coordinated omission). Here the
 * schedule is fixed in advance: request {@code j} is due at {@code start + j / rate}, on connection
 * {@code j % conns}; a connection still waiting for an answer sends its overdue requests as soon as it can, and
 * each one is charged the whole wait since its due time. That is wrk2's model and its correction.
 *
 * <p>One platform thread per connection, blocking sockets: an answer wakes its thread at once, so the time of
 * arrival is exact; a send can be late by the timer's slack (Linux's default: 50 µs; the caller may lower it) and
 * by scheduling. That lateness is part of every latency, as it is in wrk2, and is reported on its own as the
 * send lag: measured only on requests whose connection was idle at their due time, so it is the generator's own
 * delay, not the server's backlog. Latencies are kept in full (one {@code int} of
 * microseconds each) and sorted at the end: the percentiles are exact. Requests due in the first
 * {@code --warmup} seconds are sent but not recorded.
 *
 * <p>Usage: {@code java OpenLoop.java --url http://127.0.0.1:9204/bench --rate 10000 [--seconds 15]
 * [--conns 32] [--warmup 2] [--timeout 10]}. Prints one line of JSON; exits 0 unless it could not run.
 *
 * <p>Thread-safety: each {@link Conn} is used by its own thread only; the main thread reads its fields after
 * {@link Thread#join}, which orders the reads after the writes.
 */
final class OpenLoop {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        URI url = URI.create(required(o, "url"));
        double rate = Double.parseDouble(required(o, "rate"));
        int conns = Integer.parseInt(o.getOrDefault("conns", "32"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "15"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "2"));
        int timeoutMs = (int) (Double.parseDouble(o.getOrDefault("timeout", "10")) * 1000);
        if (rate <= 0 || conns <= 0 || seconds <= 0 || warmup < 0) {
            throw new IllegalArgumentException("rate, conns, seconds: > 0, warmup: >= 0");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress(url.getHost(), port);

        double nanosPerRequest = 1e9 / rate;
        CountDownLatch connected = new CountDownLatch(conns);
        Schedule schedule = new Schedule();
        Conn[] all = new Conn[conns];
        Thread[] threads = new Thread[conns];
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, (long) (rate * seconds / conns) + 16);
        for (int k = 0; k < conns; k++) {
            all[k] = new Conn(k, conns, address, request, timeoutMs, nanosPerRequest, schedule, connected, expected);
            threads[k] = new Thread(all[k], "openloop-" + k);
            threads[k].setDaemon(true);
            threads[k].start();
        }
        connected.await();
        // Every connection is open (or has failed): the schedule starts a little later, the same for all.
        long start = System.nanoTime() + 50_000_000L;
        schedule.set(start, start + (long) (warmup * 1e9), start + (long) ((warmup + seconds) * 1e9),
                start + (long) ((warmup + seconds) * 1e9) + Math.max(timeoutMs, 5000) * 1_000_000L);
        for (Thread t : threads) {
            t.join(Math.max(1, (schedule.hardEnd - System.nanoTime()) / 1_000_000L + 2 * timeoutMs + 1000));
        }
        System.out.println(report(all, rate, conns, seconds));
    }

    /** The times every connection works to, set once by the main thread before it releases them. */
    static final class Schedule {
        private final CountDownLatch ready = new CountDownLatch(1);
        // Written before ready.countDown(), read after ready.await(): the latch orders them.
        long start;
        long measureFrom;
        long end;
        long hardEnd;

        void set(long start, long measureFrom, long end, long hardEnd) {
            this.start = start;
            this.measureFrom = measureFrom;
            this.end = end;
            this.hardEnd = hardEnd;
            ready.countDown();
        }

        void await() throws InterruptedException {
            ready.await();
        }
    }

    /** One keep-alive connection and the requests scheduled on it. Used by one thread only. */
    static final class Conn implements Runnable {
        private final int index;
        private final int conns;
        private final InetSocketAddress address;
        private final byte[] request;
        private final int timeoutMs;
        private final double nanosPerRequest;
        private final Schedule schedule;
        private final CountDownLatch connected;
        private final byte[] buf = new byte[16384];
        private final byte[] line = new byte[8192];
        private int pos;
        private int lim;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        int[] latencies;
        int[] lags;
        int recorded;
        int lagged;
        long ok;
        long non2xx;
        long errors;
        long connects;
        long unfinished;
        String lastError;

        Conn(int index, int conns, InetSocketAddress address, byte[] request, int timeoutMs, double nanosPerRequest,
                Schedule schedule, CountDownLatch connected, int expected) {
            this.index = index;
            this.conns = conns;
            this.address = address;
            this.request = request;
            this.timeoutMs = timeoutMs;
            this.nanosPerRequest = nanosPerRequest;
            this.schedule = schedule;
            this.connected = connected;
            this.latencies = new int[expected];
            this.lags = new int[expected];
        }

        @Override
        public void run() {
            try {
                try {
                    connect();
                } catch (IOException e) {
                    fail(e, true);
                } finally {
                    connected.countDown();
                }
                schedule.await();
                for (long i = 0; ; i++) {
                    long intended = schedule.start + (long) ((index + i * conns) * nanosPerRequest);
                    if (intended >= schedule.end) {
                        break;
                    }
                    if (System.nanoTime() >= schedule.hardEnd) {
                        // Still behind when time is up: what was due and not answered is counted, not hidden.
                        unfinished = (long) Math.ceil((schedule.end - intended) / (nanosPerRequest * conns));
                        break;
                    }
                    // Idle at the due time: any lateness of the send is the generator's own (timer, scheduling).
                    boolean idle = System.nanoTime() < intended;
                    waitUntil(intended);
                    long sent = System.nanoTime();
                    int status;
                    try {
                        if (socket == null) {
                            connect();
                        }
                        out.write(request);
                        status = readResponse();
                    } catch (IOException e) {
                        fail(e, intended >= schedule.measureFrom);
                        continue;
                    }
                    long done = System.nanoTime();
                    if (intended >= schedule.measureFrom) {
                        if (status >= 200 && status < 300) {
                            ok++;
                        } else {
                            non2xx++;
                        }
                        record((done - intended) / 1000, idle ? (sent - intended) / 1000 : -1);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }

        private void record(long latencyMicros, long lagMicros) {
            if (recorded == latencies.length) {
                latencies = Arrays.copyOf(latencies, recorded * 2);
            }
            if (lagged == lags.length) {
                lags = Arrays.copyOf(lags, lagged * 2);
            }
            latencies[recorded++] = (int) Math.min(Integer.MAX_VALUE, latencyMicros);
            if (lagMicros >= 0) {
                lags[lagged++] = (int) Math.min(Integer.MAX_VALUE, lagMicros);
            }
        }

        private static void waitUntil(long deadline) {
            for (long d; (d = deadline - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(d);
            }
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(address, timeoutMs);
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = lim = 0;
            connects++;
        }

        private void fail(IOException e, boolean counted) {
            if (counted) {
                errors++;
                lastError = e.toString();
            }
            close();
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a broken connection: nothing to do
                }
                socket = null;
            }
        }

        /** Reads one answer (skipping 1xx), its body by length, chunks or close; returns its status. */
        private int readResponse() throws IOException {
            while (true) {
                int n = readLine();
                if (n < 12 || line[0] != 'H') {
                    throw new IOException("bad status line");
                }
                int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                long length = -1;
                boolean chunked = false;
                boolean close = false;
                while ((n = readLine()) > 0) {
                    if (startsWith(n, "content-length:")) {
                        length = Long.parseLong(value(n, 15));
                    } else if (startsWith(n, "transfer-encoding:")) {
                        chunked = value(n, 18).toLowerCase(Locale.ROOT).contains("chunked");
                    } else if (startsWith(n, "connection:")) {
                        close = value(n, 11).toLowerCase(Locale.ROOT).contains("close");
                    }
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                if (status == 204 || status == 304) {
                    // no body
                } else if (chunked) {
                    while (true) {
                        n = readLine();
                        int end = 0;
                        while (end < n && line[end] != ';' && line[end] != ' ') {
                            end++;
                        }
                        long size = Long.parseLong(new String(line, 0, end, StandardCharsets.US_ASCII), 16);
                        if (size == 0) {
                            while (readLine() > 0) {
                                // trailers
                            }
                            break;
                        }
                        skip(size);
                        readLine();
                    }
                } else if (length >= 0) {
                    skip(length);
                } else {
                    try {
                        while (true) {
                            fill();
                        }
                    } catch (EOFException endOfBody) {
                        close = true;
                    }
                }
                if (close) {
                    close();
                }
                return status;
            }
        }

        private boolean startsWith(int n, String lowerName) {
            if (n < lowerName.length()) {
                return false;
            }
            for (int i = 0; i < lowerName.length(); i++) {
                if (Character.toLowerCase(line[i]) != lowerName.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String value(int n, int from) {
            return new String(line, from, n - from, StandardCharsets.US_ASCII).trim();
        }

        /** One line without its CR LF into {@link #line} (cut at its size); returns its length. */
        private int readLine() throws IOException {
            int n = 0;
            while (true) {
                if (pos == lim) {
                    fill();
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                }
                if (n < line.length) {
                    line[n++] = b;
                }
            }
        }

        private void skip(long count) throws IOException {
            while (count > 0) {
                if (pos == lim) {
                    fill();
                }
                int step = (int) Math.min(count, lim - pos);
                pos += step;
                count -= step;
            }
        }

        private void fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                throw new EOFException("connection closed by the server");
            }
            pos = 0;
            lim = n;
        }
    }

    private static String report(Conn[] all, double rate, int conns, double seconds) {
        int total = 0;
        int totalLagged = 0;
        for (Conn c : all) {
            total += c.recorded;
            totalLagged += c.lagged;
        }
        int[] lat = new int[total];
        int[] lag = new int[totalLagged];
        int lagAt = 0;
        long ok = 0, non2xx = 0, errors = 0, connects = 0, unfinished = 0;
        String lastError = null;
        int at = 0;
        for (Conn c : all) {
            System.arraycopy(c.latencies, 0, lat, at, c.recorded);
            System.arraycopy(c.lags, 0, lag, lagAt, c.lagged);
            at += c.recorded;
            lagAt += c.lagged;
            ok += c.ok;
            non2xx += c.non2xx;
            errors += c.errors;
            connects += c.connects;
            unfinished += c.unfinished;
            lastError = c.lastError != null ? c.lastError : lastError;
        }
        Arrays.sort(lat);
        Arrays.sort(lag);
        StringBuilder s = new StringBuilder("{");
        s.append("\"rate\": ").append(rate).append(", \"conns\": ").append(conns)
                .append(", \"seconds\": ").append(seconds)
                .append(", \"recorded\": ").append(total)
                .append(", \"achieved\": ").append(String.format(Locale.ROOT, "%.1f", total / seconds))
                .append(", \"ok\": ").append(ok).append(", \"non2xx\": ").append(non2xx)
                .append(", \"errors\": ").append(errors).append(", \"unfinished\": ").append(unfinished)
                .append(", \"connects\": ").append(connects);
        for (String[] q : new String[][] {{"p50", "0.5"}, {"p90", "0.9"}, {"p99", "0.99"}, {"p999", "0.999"},
                {"max", "1"}}) {
            s.append(", \"").append(q[0]).append("_ms\": ").append(ms(lat, Double.parseDouble(q[1])));
        }
        s.append(", \"lag_p50_ms\": ").append(ms(lag, 0.5)).append(", \"lag_p99_ms\": ").append(ms(lag, 0.99));
        if (lastError != null) {
            s.append(", \"last_error\": \"").append(lastError.replace("\\", "\\\\").replace("\"", "'")).append('"');
        }
        return s.append('}').toString();
    }

    /** The value at quantile q of sorted microseconds, in milliseconds; null when there is none. */
    private static String ms(int[] sorted, double q) {
        if (sorted.length == 0) {
            return "null";
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return String.format(Locale.ROOT, "%.3f", sorted[i] / 1000.0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private OpenLoop() {}
}
