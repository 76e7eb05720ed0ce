#!/usr/bin/env python3
"""Pier's side-by-side benchmark on loopback: straight to a backend, nginx, HAProxy, Pier and (with
--anchors) Jetty's own proxies, each proxy pinned to CPU 1, the backends (one nginx worker) and wrk pinned
to CPU 0. Prints one table; ratios are against nginx in the same run. Then a 200 MiB upload through Pier,
whose heap is capped at 48 MiB by bin/pier: it passes only if Pier streams.

usage: compare.py [--warmup 30] [--seconds 15] [--conns 32] [--anchors DIR-with-jetty-balancer-1.jar]
                  [--pier 'COMMAND that starts Pier on 127.0.0.1:9204']
"""
import argparse, os, re, shlex, signal, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ANCH = HERE
PIER = f"{ROOT}/bin/pier --config {HERE}/pier-bench.conf"
BACKENDS = ["http://127.0.0.1:9101", "http://127.0.0.1:9102", "http://127.0.0.1:9103"]


def wait_port(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def start(cmd, cpu, log):
    return subprocess.Popen(["taskset", "-c", str(cpu)] + cmd, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(p):
    if p and p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def to_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n if u == "ms" else n * 1000


def group_pids(pgid):
    """The processes of a process group (nginx: master + worker)."""
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and os.getpgid(int(pid)) == pgid:
                yield pid
        except (OSError, ProcessLookupError):
            pass


def group_rss_mib(pgid):
    """Resident memory of every process in the group, MiB."""
    total = 0
    for pid in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/status") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except OSError:
            pass
    return total / 1024


def group_cpu_seconds(pgid):
    """User and system CPU time used so far by every process (and thread) in the group, seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    user = system = 0
    for pid in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            user += int(fields[11])
            system += int(fields[12])
        except (OSError, IndexError):
            pass
    return user / ticks, system / ticks


def wrk(port, seconds, conns):
    out = subprocess.run(["taskset", "-c", "0", "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
                          f"http://127.0.0.1:{port}/bench"], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return rps, to_ms(lat["50"]), to_ms(lat["99"]), (int(errs.group(1)) if errs else 0), (sock.group(1) if sock else "")


def upload_200mib(port):
    """POSTs 200 MiB through the proxy; with a 48 MiB heap it can only pass if the body streams."""
    out = subprocess.run(["sh", "-c", f"head -c {200 * 1024 * 1024} /dev/zero | curl -s -o /dev/null "
                          f"-w '%{{http_code}} %{{size_upload}}' -H 'Expect:' -H 'Content-Type: application/octet-stream' "
                          f"--data-binary @- http://127.0.0.1:{port}/upload"], capture_output=True, text=True)
    return out.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pier", default=PIER, help="command starting Pier on 127.0.0.1:9204")
    ap.add_argument("--anchors", help="folder holding jetty-balancer-1.jar, for Jetty's own proxies")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=30, help="seconds of load before measuring (JIT)")
    ap.add_argument("--only", default="direct,nginx,haproxy,jetty-balancer,jetty-async-rr,jetty-core-rr,pier")
    a = ap.parse_args()
    systems = {
        "direct": (None, 9101),
        "nginx": (["nginx", "-c", os.path.join(ANCH, "nginx-proxy.conf")], 9201),
        "haproxy": (["haproxy", "-f", os.path.join(ANCH, "haproxy.cfg")], 9202),
        "pier": (shlex.split(a.pier), 9204),
    }
    if a.anchors:
        jar = os.path.join(a.anchors, "jetty-balancer-1.jar")
        systems["jetty-balancer"] = (["java", "-jar", jar, "9203"] + BACKENDS, 9203)
        systems["jetty-async-rr"] = (["java", "-cp", jar, "anchor.AsyncMain", "9205"] + BACKENDS, 9205)
        systems["jetty-core-rr"] = (["java", "-cp", jar, "anchor.CoreMain", "9206"] + BACKENDS, 9206)
    backends = start(["nginx", "-c", os.path.join(ANCH, "nginx-backends.conf")], 0, "/tmp/pier-bench-backends.log")
    rows = []
    upload = None
    try:
        assert wait_port(9101), "backends did not start"
        for name in a.only.split(","):
            if name not in systems:
                continue
            cmd, port = systems[name]
            p = start(cmd, 1, f"/tmp/pier-bench-{name}.log") if cmd else None
            try:
                if not wait_port(port):
                    rows.append((name, None)); continue
                wrk(port, a.warmup, a.conns)  # warm-up: the JVM's JIT needs ~30 s of load
                before = group_cpu_seconds(p.pid) if p else (0.0, 0.0)
                loaded = wrk(port, a.seconds, a.conns)
                after = group_cpu_seconds(p.pid) if p else (0.0, 0.0)
                # The proxy's CPU per request (user, system), microseconds: steadier than req/s on a noisy host.
                requests = loaded[0] * a.seconds
                cpu = tuple((y - x) * 1e6 / requests for x, y in zip(before, after)) if p else None
                rss = group_rss_mib(p.pid) if p else 0.0
                single = wrk(port, max(3, a.seconds // 3), 1)  # one connection: the latency a request pays
                rows.append((name, loaded + (rss, single[1], cpu)))
                if name == "pier":
                    upload = upload_200mib(port)
            finally:
                stop(p)
    finally:
        stop(backends)
    base = dict(rows).get("nginx")
    print(f"{'system':16} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'c1 p50':>7} {'RSS MiB':>8} {'non2xx':>7} {'vs nginx':>9} {'CPU us/req (user+sys)':>22}  socket errors")
    for name, r in rows:
        if r is None:
            print(f"{name:16} did not start"); continue
        ratio = f"{r[0] / base[0]:.2f}" if base else "-"
        cpu = f"{r[7][0] + r[7][1]:.1f} ({r[7][0]:.1f}+{r[7][1]:.1f})" if r[7] else "-"
        print(f"{name:16} {r[0]:10.0f} {r[1]:8.2f} {r[2]:8.2f} {r[6]:7.2f} {r[5]:8.0f} {r[3]:7d} {ratio:>9} {cpu:>22}  {r[4]}")
    if upload is not None:
        print(f"200 MiB upload through pier (heap capped at 48 MiB): status and bytes sent: {upload}")


if __name__ == "__main__":
    main()
