#!/usr/bin/env python3
"""Pier alone under several JVMs and collectors, side by side in one run, on compare.py's rig: each variant
is Pier started by bin/pier with the launcher's options plus the variant's (PIER_JAVA_OPTS), with the chosen
JDK's java first on PATH, pinned to CPU 1, with the same warm-up, closed-loop and fixed-rate runs as compare.py.
Prints req/s, CPU per request, closed-loop p99, fixed-rate p99 and p99.9, RSS after load and the GC pauses
read from each variant's -Xlog:gc,gc+phases log, over the measured runs only (not the warm-up).

usage: jvm_matrix.py [--jdk JDK-HOME ...] [--variants serial,parallel,g1,zgc,young] [--variant NAME=OPTIONS ...]
                     [--warmup 30] [--seconds 15] [--fixed-rate auto|off|N[,N...]] [--port-offset N]
"""
import argparse, os, re, shutil, subprocess, sys

import compare

# Options added to bin/pier's (which choose the serial collector and a fixed 48 MiB heap): the heap stays
# the same for every variant, so only the collector (or the young generation's size) differs.
VARIANTS = {
    "serial": lambda v: "",  # the launcher's default
    "parallel": lambda v: "-XX:-UseSerialGC -XX:+UseParallelGC",
    "g1": lambda v: "-XX:-UseSerialGC -XX:+UseG1GC",
    # 17: single-generation ZGC only; 21 to 23: generational on request; 24 on: generational only.
    "zgc": lambda v: "-XX:-UseSerialGC -XX:+UseZGC" + (" -XX:+ZGenerational" if 21 <= v < 24 else ""),
    # Serial, young generation 24 of the 48 MiB (default: a third, 16 MiB). Not more: Pier's live heap is about
    # 14 MiB, and with -Xmn32m the 12 MiB old generation was collected in full every few seconds (25-85 ms).
    "young": lambda v: "-Xmn24m",
}


def java_of(jdk):
    """The java binary of a JDK home, or the binary itself."""
    if jdk is None:
        return shutil.which("java")
    path = os.path.join(jdk, "bin", "java") if os.path.isdir(jdk) else jdk
    if not os.access(path, os.X_OK):
        sys.exit(f"--jdk {jdk}: no java there")
    return path


def major(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    n = int(m.group(1))
    return int(m.group(2)) if n == 1 else n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    compare.common_args(ap)
    ap.add_argument("--jdk", action="append", default=[],
                    help="a JDK home (or its java) to run every variant on too, besides the java on PATH; repeatable")
    ap.add_argument("--no-path-java", action="store_true", help="only the --jdk ones, not the java on PATH")
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"built-in variants, in order: {','.join(VARIANTS)}")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=OPTIONS",
                    help="one more variant: JVM options added to the launcher's; repeatable")
    a = ap.parse_args()
    rig = compare.prepare(a)
    jdks = ([] if a.no_path_java else [None]) + a.jdk
    extra = []
    for spec in a.variant:
        name, _, opts = spec.partition("=")
        extra.append((name, lambda v, o=opts: o))
    chosen_variants = [(n, VARIANTS[n]) for n in a.variants.split(",") if n] + extra
    unknown = [n for n in a.variants.split(",") if n and n not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants: {unknown} (built in: {', '.join(VARIANTS)}; more with --variant NAME=OPTIONS)")
    runs = []
    for jdk in jdks:
        java = java_of(jdk)
        v = major(java)
        for name, opts in chosen_variants:
            runs.append((f"{v} {name}", java, opts(v)))
    fixed = compare.parse_rates(a.fixed_rate)
    port = rig.port(9204)
    compare.check_ports([rig.port(p) for p in compare.BACKEND_PORTS] + [port])
    loop = compare.OpenLoop(rig.dir) if fixed != [] else None
    chosen = {"rates": fixed}

    def rates(r):
        if chosen["rates"] is None:
            chosen["rates"] = compare.auto_rates(r["rps"])  # from the first variant: the same for all
        return chosen["rates"]

    per = a.warmup + a.seconds + max(3, a.seconds // 3) + 4 + (2 if fixed != [] else 0) * (a.fixed_seconds + 4)
    total = per * len(runs)
    print(f"{len(runs)} variants, about {total // 60} min {total % 60} s; logs in {rig.dir}", flush=True)
    backends = compare.start(["nginx", "-c", rig.conf("nginx-backends.conf")], 0, rig.log("backends"))
    rows = []
    try:
        if not compare.wait_port(rig.port(9101)):
            sys.exit("backends did not start")
        for label, java, opts in runs:
            slug = re.sub(r"\W+", "-", label)
            gclog = os.path.join(rig.dir, f"gc-{slug}.log")
            java_opts = " ".join(x for x in (os.environ.get("PIER_JAVA_OPTS", ""), opts,
                                             f"-Xlog:gc,gc+phases:file={gclog}") if x)
            env = {"PIER_JAVA_OPTS": java_opts,
                   "PATH": os.path.dirname(java) + os.pathsep + os.environ.get("PATH", "")}
            r = compare.measure(slug, compare.shlex.split(a.pier), port, a, rates, loop, rig, env=env, gclog=gclog)
            if r:
                r["opts"] = opts or "(launcher default)"
            rows.append((label, r))
            print(f"  {label}: {'done' if r else 'did not start: see ' + rig.log(slug)}", flush=True)
            if chosen["rates"] is None:
                chosen["rates"] = []
    finally:
        compare.stop(backends)
    compare.print_closed(rows, base_name=rows[0][0] if rows else "", title="closed loop, Pier alone")
    compare.print_fixed(rows, a.fixed_conns)
    print_summary(rows, chosen["rates"] or [])


def gc_cell(g):
    """count/total ms/longest ms, then how many were full collections and ZGC's stalls (count, total ms)."""
    if not g:
        return "-"
    return (f"{g['n']}/{g['total']:.0f}/{g['max']:.1f}" + (f" ({g['full']} full)" if g["full"] else "")
            + (f" +{g['stalls']} stalls {g['stall_total']:.0f}" if g["stalls"] else ""))


def print_summary(rows, rates):
    print("\nsummary (GC pauses: count/total ms/longest ms, in the closed-loop run and in all fixed-rate runs; "
          "CPU us/req: closed loop)")
    head = f"{'variant':16} {'req/s':>8} {'CPU us':>7} {'p99 ms':>7} {'RSS MiB':>8} {'GC closed':>16}"
    for rate in rates:
        head += f" {f'@{rate} p99/p99.9':>18}"
    print(head + f" {'GC fixed':>16}  options")
    for label, r in rows:
        if r is None:
            print(f"{label:16} did not start"); continue
        cpu = f"{sum(r['cpu']):.1f}" if r["cpu"] else "-"
        line = f"{label:16} {r['rps']:8.0f} {cpu:>7} {r['p99']:7.2f} {r['rss']:8.0f} {gc_cell(r.get('gc_closed')):>16}"
        fixed_gc = {"n": 0, "full": 0, "total": 0.0, "max": 0.0, "stalls": 0, "stall_total": 0.0}
        for f in r["fixed"]:
            cell = f"{f['p99_ms'] or 0:.2f}/{f['p999_ms'] or 0:.2f}" + ("!" if compare.fixed_note(f) else "")
            line += f" {cell:>18}"
            g = f.get("gc")
            if g:
                fixed_gc = {"n": fixed_gc["n"] + g["n"], "full": fixed_gc["full"] + g["full"],
                            "total": fixed_gc["total"] + g["total"],
                            "max": max(fixed_gc["max"], g["max"]), "stalls": fixed_gc["stalls"] + g["stalls"],
                            "stall_total": fixed_gc["stall_total"] + g["stall_total"]}
        line += f" {gc_cell(fixed_gc) if r['fixed'] else '-':>16}  {r['opts']}"
        print(line)
    print("(! after a fixed-rate cell: saturated or failed requests, see the fixed-rate table)")


if __name__ == "__main__":
    main()
