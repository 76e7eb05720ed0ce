#!/usr/bin/env python3
"""Pier's side-by-side benchmark on loopback: straight to a backend, nginx, HAProxy, Pier and (with
--anchors) Jetty's own proxies and Spring Cloud Gateway, each proxy pinned to CPU 1, the backends (one nginx
worker) and the load generators pinned to CPU 0. Prints two tables, ratios against nginx in the same run:
closed loop (wrk: as fast as each system answers) and fixed rate (OpenLoop.java: every system at the same
request rates, latency corrected for coordinated omission). Then a 200 MiB upload through Pier, whose heap is
capped at 48 MiB by bin/pier: it passes only if Pier streams.

usage: compare.py [--warmup 30] [--seconds 15] [--conns 32] [--fixed-rate auto|off|N[,N...]]
                  [--anchors DIR] [--pier 'COMMAND that starts Pier on 127.0.0.1:9204'] [--port-offset N]
"""
import argparse, ctypes, json, os, re, shlex, shutil, signal, socket, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BACKEND_PORTS = (9101, 9102, 9103)
SYSTEMS = "direct,nginx,haproxy,jetty-balancer,jetty-async-rr,jetty-core-rr,spring-gateway,pier"
SCG_WARMUP = 120  # Spring Cloud Gateway keeps getting faster for about two minutes of load


class Rig:
    """The ports and the configuration files of one run. With an offset, every port of the rig moves by it and
    the files are written, so changed, to a temporary folder: two runs on one machine then do not meet."""

    def __init__(self, offset):
        self.offset = offset
        self.dir = tempfile.mkdtemp(prefix="pier-bench-")
        for name in ("nginx-backends.conf", "nginx-proxy.conf", "haproxy.cfg", "pier-bench.conf"):
            with open(os.path.join(HERE, name)) as f:
                text = f.read()
            text = re.sub(r"\b(9[12]\d\d)\b", lambda m: str(int(m.group(1)) + offset), text)
            text = re.sub(r"/tmp/pier-bench-", self.dir + "/", text)
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)

    def port(self, p):
        return p + self.offset

    def conf(self, name):
        return os.path.join(self.dir, name)

    def backends(self):
        return [f"http://127.0.0.1:{self.port(p)}" for p in BACKEND_PORTS]

    def log(self, name):
        return os.path.join(self.dir, f"{name}.log")


def port_busy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


def wait_port(port, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        if port_busy(port):
            return True
        time.sleep(0.1)
    return False


def start(cmd, cpu, log, env=None):
    return subprocess.Popen(["taskset", "-c", str(cpu)] + cmd, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, **env) if env else None)


def stop(p):
    if p and p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)


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


def cpu_per_request(before, after, requests):
    """(user, system) microseconds of CPU per request between two group_cpu_seconds readings."""
    return tuple((y - x) * 1e6 / requests for x, y in zip(before, after)) if requests else None


def wrk(port, seconds, conns):
    out = subprocess.run(["taskset", "-c", "0", "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
                          f"http://127.0.0.1:{port}/bench"], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": to_ms(lat["50"]), "p99": to_ms(lat["99"]),
            "non2xx": int(errs.group(1)) if errs else 0, "sock": sock.group(1) if sock else ""}


class OpenLoop:
    """OpenLoop.java, compiled once per run, run pinned to CPU 0 with a timer slack of 1 µs (Linux's default of
    50 µs would make every send that much late, and the lateness is part of the corrected latency)."""

    def __init__(self, workdir):
        self.classes = os.path.join(workdir, "openloop")
        subprocess.run(["javac", "-d", self.classes, os.path.join(HERE, "OpenLoop.java")], check=True)

    @staticmethod
    def _slack():
        try:
            ctypes.CDLL(None, use_errno=True).prctl(29, 1000, 0, 0, 0)  # PR_SET_TIMERSLACK, nanoseconds
        except (OSError, AttributeError):
            pass

    def run(self, port, rate, seconds, conns, warmup=2):
        cmd = ["taskset", "-c", "0", "java", "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m", "-cp", self.classes,
               "OpenLoop", "--url", f"http://127.0.0.1:{port}/bench", "--rate", str(rate), "--seconds",
               str(seconds), "--conns", str(conns), "--warmup", str(warmup)]
        out = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=self._slack,
                             timeout=warmup + seconds + 120)
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        if not line.startswith("{"):
            raise RuntimeError(f"OpenLoop failed: {out.stderr.strip()[-500:]}")
        return json.loads(line)


GC_PAUSE = re.compile(r"\bPause\b.*?([\d.]+)ms\s*$")
GC_STALL = re.compile(r"\b(?:Allocation|Relocation) Stall\b.*?([\d.]+)ms\s*$")


def gc_pauses(path, start, end=None):
    """Stop-the-world pauses (and ZGC's allocation and relocation stalls: threads waiting for the collector) logged by -Xlog:gc,gc+phases between two byte
    offsets of the log: count (and how many were full collections), total ms, longest ms, stalls count, stalls
    total ms."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            text = f.read((end - start) if end is not None else -1).decode(errors="replace")
    except OSError:
        return None
    pauses = [float(m.group(1)) for m in map(GC_PAUSE.search, text.splitlines()) if m]
    full = sum(1 for line in text.splitlines() if "Pause Full" in line)
    stalls = [float(m.group(1)) for m in map(GC_STALL.search, text.splitlines()) if m]
    return {"n": len(pauses), "full": full, "total": sum(pauses), "max": max(pauses, default=0.0),
            "stalls": len(stalls), "stall_total": sum(stalls)}


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def measure(name, cmd, port, a, rates, loop, rig, env=None, gclog=None, after_load=None):
    """Starts one system pinned to CPU 1 (none for "direct"), warms it up, then measures: closed loop with
    a.conns connections, with one connection, and at each fixed rate. Returns a dict, or None when it did
    not start."""
    p = start(cmd, 1, rig.log(name), env) if cmd else None
    try:
        if not wait_port(port) or (p and p.poll() is not None):
            return None
        wrk(port, a.warmup, a.conns)  # warm-up: the JVM's JIT needs it (SCG: two minutes)
        g0 = log_size(gclog) if gclog else 0
        before = group_cpu_seconds(p.pid) if p else None
        r = wrk(port, a.seconds, a.conns)
        after = group_cpu_seconds(p.pid) if p else None
        g1 = log_size(gclog) if gclog else 0
        # The proxy's CPU per request (user, system), microseconds: steadier than req/s on a noisy host.
        r["cpu"] = cpu_per_request(before, after, r["rps"] * a.seconds) if p else None
        r["rss"] = group_rss_mib(p.pid) if p else 0.0
        r["c1"] = wrk(port, max(3, a.seconds // 3), 1)["p50"]  # one connection: the latency a request pays
        if gclog:
            r["gc_closed"] = gc_pauses(gclog, g0, g1)
        fixed = []
        for rate in rates(r):
            f0 = log_size(gclog) if gclog else 0
            before = group_cpu_seconds(p.pid) if p else None
            f = loop.run(port, rate, a.fixed_seconds, a.fixed_conns)
            after = group_cpu_seconds(p.pid) if p else None
            # CPU over the generator's 2 s warm-up too: divide by every request sent, not only the recorded ones.
            f["cpu"] = cpu_per_request(before, after, f["recorded"] + 2 * rate) if p else None
            if gclog:
                f["gc"] = gc_pauses(gclog, f0)
            fixed.append(f)
        r["fixed"] = fixed
        if after_load:
            r.update(after_load(port))
        return r
    finally:
        stop(p)


def parse_rates(spec):
    """'auto' (None: from the reference system's closed-loop req/s), 'off' ([]) or 'N[,N...]'."""
    if spec == "auto":
        return None
    if spec == "off":
        return []
    return [int(float(x)) for x in spec.split(",") if x]


def auto_rates(rps):
    """Half and a quarter of a measured capacity, to the hundred: below saturation, where queueing shows."""
    return [max(100, int(round(rps / 2, -2))), max(100, int(round(rps / 4, -2)))]


def fmt_cpu(cpu):
    return f"{cpu[0] + cpu[1]:.1f} ({cpu[0]:.1f}+{cpu[1]:.1f})" if cpu else "-"


def print_closed(rows, base_name="nginx", title="closed loop"):
    base = dict(rows).get(base_name)
    print(f"\n{title} (wrk, as fast as each system answers)")
    print(f"{'system':16} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'c1 p50':>7} {'RSS MiB':>8} {'non2xx':>7} "
          f"{'vs ' + base_name:>9} {'CPU us/req (user+sys)':>22}  socket errors")
    for name, r in rows:
        if r is None:
            print(f"{name:16} did not start"); continue
        ratio = f"{r['rps'] / base['rps']:.2f}" if base else "-"
        print(f"{name:16} {r['rps']:10.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['c1']:7.2f} {r['rss']:8.0f} "
              f"{r['non2xx']:7d} {ratio:>9} {fmt_cpu(r['cpu']):>22}  {r['sock']}")


def fixed_note(f):
    """Why a fixed-rate row is not a latency at that rate: the system fell behind, or requests failed."""
    notes = []
    if f["unfinished"] or f["achieved"] < 0.97 * f["rate"]:
        notes.append(f"saturated: {f['achieved']:.0f} req/s done, {f['unfinished']} never answered")
    if f["non2xx"] or f["errors"]:
        notes.append(f"non2xx {f['non2xx']}, errors {f['errors']}" + (f" ({f['last_error']})" if f.get("last_error") else ""))
    return "; ".join(notes)


def print_fixed(rows, conns):
    if not any(r and r.get("fixed") for _, r in rows):
        return
    print(f"\nfixed rate (OpenLoop.java, {conns} connections, latency from each request's scheduled send time)")
    print(f"{'system':16} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'p99.9 ms':>9} {'max ms':>8} {'gen lag p99':>12} "
          f"{'CPU us/req (user+sys)':>22}  notes")
    for name, r in rows:
        for f in (r or {}).get("fixed", []):
            print(f"{name:16} {f['rate']:7.0f} {f['p50_ms'] or 0:8.2f} {f['p99_ms'] or 0:8.2f} {f['p999_ms'] or 0:9.2f} "
                  f"{f['max_ms'] or 0:8.1f} {f['lag_p99_ms'] or 0:12.2f} {fmt_cpu(f['cpu']):>22}  {fixed_note(f)}")


def upload_200mib(port):
    """POSTs 200 MiB through the proxy; with a 48 MiB heap it can only pass if the body streams."""
    out = subprocess.run(["sh", "-c", f"head -c {200 * 1024 * 1024} /dev/zero | curl -s -o /dev/null "
                          f"-w '%{{http_code}} %{{size_upload}}' -H 'Expect:' -H 'Content-Type: application/octet-stream' "
                          f"--data-binary @- http://127.0.0.1:{port}/upload"], capture_output=True, text=True)
    return {"upload": out.stdout.strip()}


def find_anchor(folder, jar, project):
    """An anchor's jar: in the folder itself, or built in its project folder beneath it."""
    for path in (os.path.join(folder, jar), os.path.join(folder, project, "target", jar)):
        if os.path.isfile(path):
            return path
    return None


def common_args(ap):
    ap.add_argument("--pier", help="command starting Pier on 127.0.0.1:9204 (default: bin/pier on pier-bench.conf)")
    ap.add_argument("--seconds", type=int, default=15, help="seconds of each measured closed-loop run")
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=30, help="seconds of load before measuring (JIT), every system")
    ap.add_argument("--fixed-rate", default="auto",
                    help="req/s of the fixed-rate runs: auto (half and a quarter of Pier's closed-loop req/s), "
                         "off, or N[,N...]")
    ap.add_argument("--fixed-seconds", type=int, help="seconds of each fixed-rate run (default: --seconds)")
    ap.add_argument("--fixed-conns", type=int, help="connections of the fixed-rate runs (default: --conns)")
    ap.add_argument("--port-offset", type=int, default=0,
                    help="move every port of the rig by N (another run on the machine uses the usual ones); "
                         "a --pier command must then listen on 9204+N and use the backends at 9101+N..9103+N")


def prepare(a):
    a.fixed_seconds = a.fixed_seconds or a.seconds
    a.fixed_conns = a.fixed_conns or a.conns
    rig = Rig(a.port_offset)
    if a.pier is None:
        a.pier = f"{ROOT}/bin/pier --config {rig.conf('pier-bench.conf')}"
    return rig


def check_ports(ports):
    busy = [p for p in ports if port_busy(p)]
    if busy:
        sys.exit(f"ports in use on 127.0.0.1: {busy}: another benchmark is running (wait, or use --port-offset)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_args(ap)
    ap.add_argument("--anchors", help="folder with jetty-balancer-1.jar and spring-gateway-1.jar (or the anchors' "
                                      "project folders, built, beneath it): Jetty's own proxies and SCG")
    ap.add_argument("--only", default=SYSTEMS, help=f"systems to run, in order (default: {SYSTEMS})")
    a = ap.parse_args()
    rig = prepare(a)
    P = rig.port
    systems = {
        "direct": (None, P(9101)),
        "nginx": (["nginx", "-c", rig.conf("nginx-proxy.conf")], P(9201)),
        "haproxy": (["haproxy", "-f", rig.conf("haproxy.cfg")], P(9202)),
        "pier": (shlex.split(a.pier), P(9204)),
    }
    if a.anchors:
        jar = find_anchor(a.anchors, "jetty-balancer-1.jar", "jetty-balancer")
        scg = find_anchor(a.anchors, "spring-gateway-1.jar", "spring-gateway")
        if not jar and not scg:
            sys.exit(f"--anchors {a.anchors}: neither jetty-balancer-1.jar nor spring-gateway-1.jar there")
        if jar:
            systems["jetty-balancer"] = (["java", "-jar", jar, str(P(9203))] + rig.backends(), P(9203))
            systems["jetty-async-rr"] = (["java", "-cp", jar, "anchor.AsyncMain", str(P(9205))] + rig.backends(), P(9205))
            systems["jetty-core-rr"] = (["java", "-cp", jar, "anchor.CoreMain", str(P(9206))] + rig.backends(), P(9206))
        if scg:
            systems["spring-gateway"] = (["java", "-jar", scg, str(P(9207))] + rig.backends(), P(9207))
    order = [n for n in a.only.split(",") if n in systems]
    if "spring-gateway" in order and a.warmup < SCG_WARMUP:
        print(f"note: spring-gateway needs --warmup {SCG_WARMUP} or more to be quoted (this run: {a.warmup} s)")
    fixed = parse_rates(a.fixed_rate)
    if fixed is None:
        if "pier" not in order:
            sys.exit("--fixed-rate auto takes its rates from Pier's closed-loop run: include pier, or give N[,N...]")
        order.remove("pier")
        order.insert(0, "pier")  # measured first: its capacity sets the rates for every system
    check_ports([P(p) for p in BACKEND_PORTS] + [systems[n][1] for n in order if systems[n][0]])
    loop = OpenLoop(rig.dir) if fixed != [] else None
    chosen = {"rates": fixed}

    def rates(r):
        if chosen["rates"] is None:
            chosen["rates"] = auto_rates(r["rps"])
        return chosen["rates"]

    seconds = len(order) * (a.warmup + a.seconds + max(3, a.seconds // 3) + 3
                            + (2 if fixed != [] else 0) * (a.fixed_seconds + 4))
    print(f"{len(order)} systems, about {seconds // 60} min {seconds % 60} s; logs in {rig.dir}", flush=True)
    backends = start(["nginx", "-c", rig.conf("nginx-backends.conf")], 0, rig.log("backends"))
    results = {}
    try:
        if not wait_port(P(9101)):
            sys.exit("backends did not start")
        for name in order:
            cmd, port = systems[name]
            results[name] = measure(name, cmd, port, a, rates, loop, rig,
                                    after_load=upload_200mib if name == "pier" else None)
            print(f"  {name}: {'done' if results[name] else 'did not start'}", flush=True)
            if chosen["rates"] is None:
                chosen["rates"] = []  # auto, and Pier did not start: no rates for the others either
                print("  no fixed-rate runs: Pier, whose capacity sets the rates, did not start", flush=True)
    finally:
        stop(backends)
    rows = [(n, results[n]) for n in a.only.split(",") if n in results]
    print_closed(rows)
    print_fixed(rows, a.fixed_conns)
    if results.get("pier") and "upload" in results["pier"]:
        print(f"\n200 MiB upload through pier (heap capped at 48 MiB): status and bytes sent: {results['pier']['upload']}")
    shutil.rmtree(os.path.join(rig.dir, "openloop"), ignore_errors=True)


if __name__ == "__main__":
    main()
