#!/usr/bin/env python3
"""Pier's reload-under-load soak, on loopback (not part of the test run; bench/soak builds Pier and calls it).

Three nginx backends (two in one nginx, the third in an nginx of its own that this script kills with SIGKILL
and starts again: down 5 s, up 5 s), Pier started by bin/pier on a generated file with passive health and
retries on, and a paced Python client (keep-alive connections; mostly GETs, some small POSTs). After a warm-up,
for --minutes the file is rewritten every 10 s (write and rename; each rewrite changes a backend weight and a
route's request-timeout, so the reload is real) while the third backend flaps. Pier's heap, RSS, threads and
open file descriptors are taken at the start (after the warm-up) and at the end (flapping and reloads stopped,
every backend up, traffic still on), with the reloads applied (GET /_pier/status) and every failed request,
by status or socket error. A failure whose request was in flight when the flapping backend was killed is
counted apart: a POST whose body had gone out may legitimately fail then (a GET should have been retried).

Prints a table, writes the figures as JSON (bench/results/soak-<time>.json unless --out), exits 1 when a
request failed other than at a kill, or a rewrite was not applied.

usage: soak.py [--minutes 10] [--warmup 20] [--rate 1000] [--conns 16] [--reload-every 10] [--down 5] [--up 5]
               [--reload watch|both] [--out FILE]
"""
import argparse, ctypes, heapq, http.client, json, os, re, shlex, signal, socket, subprocess, sys, tempfile
import threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NGINX = """worker_processes 1;
daemon off;
pid {dir}/{name}.pid;
error_log {dir}/{name}.err warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_max_body_size 0;
    client_body_temp_path {dir}/{name}-body;
    proxy_temp_path {dir}/{name}-proxy;
    fastcgi_temp_path {dir}/{name}-fastcgi;
    uwsgi_temp_path {dir}/{name}-uwsgi;
    scgi_temp_path {dir}/{name}-scgi;
{servers}
}}
"""
SERVER = '    server {{ listen 127.0.0.1:{port}; location / {{ default_type text/plain; return 200 "{name}\\n"; }} }}'


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def die_with_parent():
    """In the child: SIGKILL when the thread that started it dies (every start is done by the main thread)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start(cmd, log):
    return subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=die_with_parent)


def stop(p, sig=signal.SIGTERM, wait=15):
    if p is None or p.poll() is not None:
        return
    try:
        os.killpg(p.pid, sig)
        p.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)
    except ProcessLookupError:
        pass
    try:  # nginx's worker, if its master went first
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_port(port, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def http_get(port, path, timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def pier_conf(port, backends, k):
    """The k-th version of Pier's file: every rewrite flips one weight (of a steady backend on odd k, of the
    flapping one on even k, so a backend is replaced while it is down or up) and the /api route's timeout."""
    b1, b2, b3 = backends
    w2 = 1 + (k + 1) // 2 % 2
    w3 = 1 + k // 2 % 2
    timeout = 5 + k % 2
    return f"""# Written by bench/soak; version {k}.
pier {{
  server {{ host = "127.0.0.1", port = {port}, shutdown-timeout = 5s }}
  proxy {{ connect-timeout = 1s }}
  health-check {{ interval = 1s, timeout = 500ms, healthy-threshold = 2, unhealthy-threshold = 2 }}
  route-defaults {{ retries = 2, passive-health {{ consecutive-failures = 3 }} }}
  routes = [
    {{ prefix = "/api", strip-prefix = true, proxy {{ request-timeout = {timeout}s }},
      backends = ["{b1}", "{b2}", {{ url = "{b3}", weight = {w3} }}] }}
    {{ prefix = "/", backends = ["{b1}", {{ url = "{b2}", weight = {w2} }}, {{ url = "{b3}", weight = {w3} }}] }}
  ]
}}
"""


def write_atomically(path, text):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Client:
    """Paced keep-alive connections; counts every answer and keeps the failed ones (bounded)."""

    def __init__(self, port, conns, rate, kills, timeout=10.0):
        self.port, self.conns, self.timeout, self.kills = port, conns, timeout, kills
        self.interval = conns / rate if rate > 0 else 0.0
        self.lock = threading.Lock()
        self.stop_at = None
        self.ok = 0
        self.outcomes = {}      # "200", "502", "socket:ConnectionResetError" -> count
        self.served = {}        # backend name from the body -> count
        self.failures = []      # (start, end, method, path, outcome), first 5000
        self.failed = 0
        self.at_kill = {}       # "GET 502" -> count, for requests in flight when the flapping backend was killed
        self.other = {}         # the same for every other failure
        self.latencies = []     # seconds, successful requests
        self.threads = []

    def run(self, until):
        self.stop_at = until
        for i in range(self.conns):
            t = threading.Thread(target=self._loop, args=(i,), daemon=True, name=f"client-{i}")
            t.start()
            self.threads.append(t)

    def stop_now(self):
        self.stop_at = 0

    def join(self, timeout):
        end = time.time() + timeout
        for t in self.threads:
            t.join(max(0.0, end - time.time()))

    def _loop(self, n):
        conn = None
        i = n
        body = b"x" * 512
        next_at = time.time()
        local_lat = []
        while time.time() < self.stop_at:
            i += 1
            if i % 10 == 9:
                method, path, data = "POST", f"/api/submit/{i}", body
            elif i % 10 in (3, 6):
                method, path, data = "GET", f"/api/items/{i}", None
            else:
                method, path, data = "GET", f"/page/{i}", None
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            t0 = time.time()
            outcome, name = None, None
            try:
                headers = {"Content-Type": "application/octet-stream"} if data else {}
                conn.request(method, path, body=data, headers=headers)
                r = conn.getresponse()
                text = r.read()
                if 200 <= r.status < 300:
                    name = text.decode("ascii", "replace").strip()
                else:
                    outcome = str(r.status)
                if r.will_close:
                    conn.close(); conn = None
            except (OSError, http.client.HTTPException) as e:
                outcome = "socket:" + type(e).__name__
                conn.close(); conn = None
            t1 = time.time()
            with self.lock:
                if outcome is None:
                    self.ok += 1
                    self.served[name] = self.served.get(name, 0) + 1
                    local_lat.append(t1 - t0)
                else:
                    self.failed += 1
                    self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
                    # Kill times are appended before the kill, so a failure it caused sees its time here.
                    hit = any(t0 <= k + 0.05 and t1 >= k for k in self.kills[-3:])
                    d = self.at_kill if hit else self.other
                    d[f"{method} {outcome}"] = d.get(f"{method} {outcome}", 0) + 1
                    if len(self.failures) < 5000:
                        self.failures.append((t0, t1, method, path, outcome))
                if len(local_lat) >= 1000:
                    self.latencies.extend(local_lat); local_lat = []
            if self.interval:
                next_at = max(next_at + self.interval, t1 - 1.0)  # catch up at most 1 s of lag
                pause = next_at - time.time()
                if pause > 0:
                    time.sleep(min(pause, 1.0))
        with self.lock:
            self.latencies.extend(local_lat)
        if conn is not None:
            conn.close()


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "Threads"):
                out[k] = int(v.split()[0])
    return {"rss_mib": round(out["VmRSS"] / 1024, 1), "threads": out["Threads"],
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def fd_kinds(pid, pier_port, ports):
    """Pier's open descriptors by kind: client connections, connections to each backend, other sockets
    (listening, selectors' pairs), and the rest (jars, pipes, epoll, inotify)."""
    inodes = {}
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    x = line.split()
                    inodes[x[9]] = (int(x[1].rsplit(":", 1)[1], 16), int(x[2].rsplit(":", 1)[1], 16), x[3])
        except OSError:
            pass
    kinds = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        kind = "other"
        if m:
            local, remote, state = inodes.get(m.group(1), (0, 0, ""))
            if state == "0A":
                kind = "listening"
            elif local == pier_port:
                kind = "clients"
            elif remote in ports:
                kind = ports[remote]
            else:
                kind = "other sockets"
        kinds[kind] = kinds.get(kind, 0) + 1
    return dict(sorted(kinds.items()))


def heap(pid):
    """Heap used (all generations), old generation used and metaspace used, MiB, from jcmd GC.heap_info."""
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    mib = lambda x: round(int(x) / 1024, 1)
    used = sum(int(x) for x in re.findall(r"generation\s+total \d+K, used (\d+)K", out))
    old = re.search(r"tenured generation\s+total \d+K, used (\d+)K", out)
    meta = re.search(r"Metaspace\s+used (\d+)K", out)
    return mib(used), (mib(old.group(1)) if old else None), (mib(meta.group(1)) if meta else None)


def snapshot(pid, port, ports):
    s = proc_status(pid)
    s["heap_used_mib"], _, s["metaspace_mib"] = heap(pid)
    # The live set: a full collection (serial: everything live ends in the old generation), then the old
    # generation's use; the young one refills at once under traffic.
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
    _, s["live_heap_mib"], _ = heap(pid)
    s.update(proc_status(pid))  # after the jcmd calls, which start threads of their own in the JVM
    s["fds_by_kind"] = fd_kinds(pid, port, ports)
    status = json.loads(http_get(port, "/_pier/status")[1])
    s["reloads_applied"] = status["reloads"]["applied"]
    s["reloads_rejected"] = status["reloads"]["rejected"]
    s["backends_down"] = sum(b["health"] != "UP" for r in status["routes"] for b in r["backends"])
    return s


def log_summary(path):
    levels, firsts = {}, []
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"\b(WARN|ERROR)\b", line)
            if m:
                levels[m.group(1)] = levels.get(m.group(1), 0) + 1
                if len(firsts) < 10:
                    firsts.append(line.strip()[:300])
    return levels, firsts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10, help="soak length, after the warm-up (default 10)")
    ap.add_argument("--warmup", type=float, default=20, help="seconds of steady traffic before the start figures")
    ap.add_argument("--rate", type=float, default=1000, help="requests per second over all connections (0: no pacing)")
    ap.add_argument("--conns", type=int, default=16, help="client connections")
    ap.add_argument("--reload-every", type=float, default=10)
    ap.add_argument("--down", type=float, default=5, help="seconds the flapping backend stays down")
    ap.add_argument("--up", type=float, default=5, help="seconds it stays up")
    ap.add_argument("--reload", choices=["watch", "both"], default="watch",
                    help="rewrite the file and let Pier's watcher reload it (default), or also POST /_pier/reload "
                         "at once (each rewrite is then applied twice: by the POST and by the watcher)")
    ap.add_argument("--out", help="JSON results file (default bench/results/soak-<time>.json)")
    a = ap.parse_args()
    if a.minutes <= 0 or a.minutes > 24 * 60 or a.conns < 1:
        ap.error("--minutes must be in (0, 1440], --conns at least 1")

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)

    work = tempfile.mkdtemp(prefix="pier-soak-")
    pier_port, *bports = free_ports(4)
    backends = [f"http://127.0.0.1:{p}" for p in bports]
    names = ["backend-1", "backend-2", "backend-3"]
    with open(f"{work}/steady.conf", "w") as f:
        f.write(NGINX.format(dir=work, name="steady", servers="\n".join(
            SERVER.format(port=p, name=n) for p, n in zip(bports[:2], names[:2]))))
    with open(f"{work}/flapping.conf", "w") as f:
        f.write(NGINX.format(dir=work, name="flapping", servers=SERVER.format(port=bports[2], name=names[2])))
    conf = f"{work}/pier.conf"
    version = 0
    write_atomically(conf, pier_conf(pier_port, backends, version))
    nginx = lambda name: ["nginx", "-p", work, "-e", f"{work}/{name}.err", "-c", f"{work}/{name}.conf"]
    pier_log = f"{work}/pier.log"

    steady = flapping = pier = None
    client = None
    events = []         # (time, kind, detail)
    kills = []          # times the flapping backend was killed
    reload_notes = []   # per rewrite: time, flapping backend down?, seconds until applied (watch) or answer
    samples = []        # every 10 s: time, rss, threads, fds
    result = {}
    try:
        steady = start(nginx("steady"), f"{work}/steady.log")
        flapping = start(nginx("flapping"), f"{work}/flapping.log")
        for p in bports:
            assert wait_port(p, 20), f"backend on port {p} did not start"
        pier = start([f"{ROOT}/bin/pier", "--config", conf], pier_log)
        end = time.time() + 90
        while time.time() < end:
            try:
                if http_get(pier_port, "/_pier/ready", 1)[0] == 200:
                    break
            except OSError:
                pass
            assert pier.poll() is None, f"Pier exited ({pier.returncode}); see {pier_log}"
            time.sleep(0.2)
        else:
            raise AssertionError(f"Pier not ready within 90 s; see {pier_log}")
        pid = pier.pid  # bin/pier execs java
        port_names = dict(zip(bports, names))
        idle = snapshot(pid, pier_port, port_names)

        soak_s = a.minutes * 60
        settle = 5.0
        t_warm = time.time()
        t0 = t_warm + a.warmup
        t_end = t0 + soak_s
        client = Client(pier_port, a.conns, a.rate, kills)
        client.run(t_end + 120)  # a bound; stopped for good right after the end figures
        print(f"warm-up {a.warmup:.0f} s, then {a.minutes:g} min of reloads and flapping ...", flush=True)
        time.sleep(max(0.0, t0 - time.time()))
        first = snapshot(pid, pier_port, port_names)
        count_at_start = client.ok + client.failed

        # The schedule, run by this (main) thread only: it alone starts processes (see die_with_parent).
        q = []
        # With the default periods every rewrite falls in the middle of a down phase: the flapping backend is
        # kept while dead (must stay down) or, every other rewrite, replaced by a new weight (starts unknown,
        # gets traffic while dead: retries must cover it).
        t = t0 + max(0.5, a.reload_every - a.down / 2)
        while t < t_end:
            heapq.heappush(q, (t, "kill")); heapq.heappush(q, (t + a.down, "start")); t += a.down + a.up
        t = t0 + a.reload_every
        while t < t_end:
            heapq.heappush(q, (t, "reload")); t += a.reload_every
        t = t0 + 10
        while t < t_end:
            heapq.heappush(q, (t, "sample")); t += 10
        down = False
        pending = None  # (written at, applied count to wait for)
        applied_seen = first["reloads_applied"]
        while q:
            when, kind = heapq.heappop(q)
            time.sleep(max(0.0, when - time.time()))
            now = time.time()
            if kind == "kill":
                kills.append(time.time())
                stop(flapping, signal.SIGKILL, 5)
                down = True
                events.append((round(now - t0, 2), "kill", names[2]))
            elif kind == "start":
                flapping = start(nginx("flapping"), f"{work}/flapping.log")
                up = wait_port(bports[2], 5)
                down = False
                events.append((round(now - t0, 2), "start", names[2] if up else f"{names[2]} did not start"))
            elif kind == "reload":
                version += 1
                write_atomically(conf, pier_conf(pier_port, backends, version))
                note = {"t": round(now - t0, 2), "version": version, "flapping_down": down}
                if a.reload == "both":
                    c = http.client.HTTPConnection("127.0.0.1", pier_port, timeout=10)
                    try:
                        c.request("POST", "/_pier/reload"); r = c.getresponse()
                        note["answer"] = f"{r.status} {r.read().decode().strip()}"
                    except (OSError, http.client.HTTPException) as e:
                        note["answer"] = f"error {type(e).__name__}: {e}"
                    finally:
                        c.close()
                else:
                    pending = (now, note)
                    heapq.heappush(q, (now + 0.1, "check"))
                reload_notes.append(note)
            elif kind == "check" and pending:
                try:
                    applied = json.loads(http_get(pier_port, "/_pier/status", 2)[1])["reloads"]["applied"]
                except (OSError, ValueError):
                    applied = applied_seen
                written, note = pending
                if applied > applied_seen:
                    applied_seen = applied
                    note["applied_after_s"] = round(now - written, 2)
                    pending = None
                elif now - written < 5:
                    heapq.heappush(q, (now + 0.1, "check"))
                else:
                    note["applied_after_s"] = None
                    pending = None
            elif kind == "sample":
                s = proc_status(pid)
                s["t"] = round(now - t0, 1)
                s["fds_by_kind"] = fd_kinds(pid, pier_port, port_names)
                samples.append(s)
        if down or flapping.poll() is not None:
            flapping = start(nginx("flapping"), f"{work}/flapping.log")
            wait_port(bports[2], 5)
        # Every backend up again (probes: 1 s, two successes), traffic still on: then the end figures.
        time.sleep(settle)
        last = snapshot(pid, pier_port, port_names)
        count_at_end = client.ok + client.failed
        client.stop_at = time.time()
        client.join(30)
        t_stop = time.time()
        levels, firsts = log_summary(pier_log)
        at_kill, other = client.at_kill, client.other
        lat = sorted(client.latencies)
        pct = lambda q_: round(lat[min(len(lat) - 1, int(q_ * len(lat)))] * 1000, 2) if lat else None
        total = client.ok + client.failed
        duration = t_stop - t_warm
        result = {
            "settings": {"minutes": a.minutes, "warmup_s": a.warmup, "rate": a.rate, "conns": a.conns,
                         "reload_every_s": a.reload_every, "down_s": a.down, "up_s": a.up, "reload": a.reload},
            "pier": {"idle_after_start": idle, "start": first, "end": last, "samples": samples},
            "rewrites": version, "expected_reloads": version * (2 if a.reload == "both" else 1),
            "reloads": reload_notes, "kills": len(kills), "events": events,
            "requests": {"total": total, "during_soak": count_at_end - count_at_start, "ok": client.ok,
                         "failed": client.failed, "req_per_s": round(total / duration),
                         "by_outcome": client.outcomes, "failed_at_kill": at_kill, "failed_other": other,
                         "served_by": client.served,
                         "latency_ms": {"p50": pct(0.5), "p99": pct(0.99), "p999": pct(0.999), "max": pct(1.0)}},
            "failures": [{"t": round(s0 - t0, 3), "ms": round((s1 - s0) * 1000, 1), "method": m, "path": p,
                          "outcome": o} for (s0, s1, m, p, o) in client.failures[:200]],
            "pier_log": {"levels": levels, "first_warnings": firsts},
        }
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}); stopping", file=sys.stderr)
        return 130
    finally:
        if client:
            client.stop_now()
        stop(pier, signal.SIGTERM, 15)
        stop(flapping, signal.SIGTERM, 5)
        stop(steady, signal.SIGTERM, 5)
        if client:
            client.join(15)

    out = a.out or os.path.join(HERE, "results", time.strftime("soak-%Y%m%d-%H%M%S.json"))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    report(result, out, work)
    applied = result["pier"]["end"]["reloads_applied"] - result["pier"]["start"]["reloads_applied"]
    ok = not result["requests"]["failed_other"] and applied == result["expected_reloads"] \
        and result["pier"]["end"]["reloads_rejected"] == 0
    return 0 if ok else 1


def report(r, out, work):
    s, e, st = r["pier"]["start"], r["pier"]["end"], r["settings"]
    rq = r["requests"]
    print(f"\nPier soak: {st['minutes']:g} min after a {st['warmup_s']:g} s warm-up; file rewritten every "
          f"{st['reload_every_s']:g} s ({st['reload']}); backend-3 killed {r['kills']} times "
          f"(down {st['down_s']:g} s, up {st['up_s']:g} s); {st['conns']} connections, {rq['req_per_s']} req/s")
    rows = [("heap used MiB", "heap_used_mib"), ("live heap MiB (old gen after full GC)", "live_heap_mib"),
            ("metaspace MiB", "metaspace_mib"), ("RSS MiB", "rss_mib"), ("threads", "threads"),
            ("open fds", "fds"), ("reloads applied", "reloads_applied"), ("reloads rejected", "reloads_rejected"),
            ("backends not UP", "backends_down")]
    print(f"{'':38} {'start':>8} {'end':>8} {'change':>8}")
    for label, key in rows:
        a_, b_ = s[key], e[key]
        ch = round(b_ - a_, 1) if isinstance(a_, (int, float)) and isinstance(b_, (int, float)) else "-"
        print(f"{label:38} {a_:>8} {b_:>8} {ch:>8}")
    sm = r["pier"]["samples"]
    if sm:
        rng = lambda k: f"{min(x[k] for x in sm)}-{max(x[k] for x in sm)}"
        print(f"during the soak (every 10 s): RSS {rng('rss_mib')} MiB, threads {rng('threads')}, fds {rng('fds')}")
    fk = lambda d: ", ".join(f"{k} {v}" for k, v in d.items())
    print(f"fds at the start: {fk(s['fds_by_kind'])}\nfds at the end:   {fk(e['fds_by_kind'])}")
    lagged = [n["applied_after_s"] for n in r["reloads"] if "applied_after_s" in n]
    if lagged:
        missed = sum(x is None for x in lagged)
        seen = [x for x in lagged if x is not None]
        print(f"rewrites {r['rewrites']}: applied {len(seen)} (seen after {min(seen, default=0):.1f}-"
              f"{max(seen, default=0):.1f} s), not seen within 5 s: {missed}")
    answers = [n["answer"] for n in r["reloads"] if "answer" in n]
    if answers:
        bad = [x for x in answers if not x.startswith("200")]
        print(f"rewrites {r['rewrites']}, each also POSTed: {len(answers) - len(bad)} answered 200"
              + (f", others: {bad[:3]}" if bad else "") + f"; reloads expected {r['expected_reloads']}")
    lm = rq["latency_ms"]
    print(f"requests {rq['total']} ({rq['during_soak']} during the soak), ok {rq['ok']}, failed {rq['failed']}; "
          f"latency ms p50 {lm['p50']} p99 {lm['p99']} p99.9 {lm['p999']} max {lm['max']}")
    print(f"  failed, in flight at a kill of backend-3: {sum(rq['failed_at_kill'].values())} "
          f"{rq['failed_at_kill'] or ''}")
    print(f"  failed otherwise (goal 0): {sum(rq['failed_other'].values())} {rq['failed_other'] or ''}")
    served = ", ".join(f"{k} {v}" for k, v in sorted(rq["served_by"].items()))
    print(f"  served by: {served}")
    lv = r["pier_log"]["levels"]
    print(f"Pier's log: {lv.get('ERROR', 0)} ERROR, {lv.get('WARN', 0)} WARN lines")
    for line in r["pier_log"]["first_warnings"][:5]:
        print(f"  {line}")
    print(f"figures: {out}\nlogs and generated files: {work}")


if __name__ == "__main__":
    sys.exit(main())
