#!/usr/bin/env python3
"""Side-by-side throughput: redis-benchmark against Vellum and against a real redis-server.

Usage (from the repository root):
    benchmarks/side-by-side.py [--runs 5] [--requests 200000] [--clients 50] [--warmup 2000000]
                               [--warmup-unpipelined 1000000]
                               [--pipelines 1,16] [--tests set,get,incr,mset]
                               [--persistence none|everysec|always]

Both servers run on this machine and are measured one after the other (never at the same time), with the
same persistence setting. Each (test, pipeline) figure is the median of --runs runs, and
each Vellum run is taken right before or after the Redis run of the same figure (both
servers stay up, the idle one waiting), so that machine noise hits both alike; the pair
ratios (Vellum/Redis of each back-to-back pair) are printed with their median and range. Prints
a table of medians with the Vellum/Redis ratio, and the raw runs with --verbose.

Vellum is started with ./vellum server (built if needed), Redis with redis-server.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVAL_SCRIPT = "local v = tonumber(redis.call('GET', KEYS[1]) or '100') if v > 0 then return redis.call('DECRBY', KEYS[1], 1) end return -1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            out = subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True, text=True, timeout=5)
            if out.stdout.strip() == "PONG":
                return
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.2)
    raise RuntimeError("server on port %d did not answer PING" % port)


def persistence_args(kind, mode):
    if kind == "redis":
        if mode == "none":
            return ["--appendonly", "no", "--save", ""]
        return ["--appendonly", "yes", "--appendfsync", mode, "--save", ""]
    # no snapshot save points for either server: a BGSAVE in the middle of a run would be noise
    if mode == "none":
        return ["--appendonly", "no", "--save", ""]
    return ["--appendonly", "yes", "--appendfsync", mode, "--save", ""]


def start(kind, mode, workdir):
    port = free_port()
    d = os.path.join(workdir, kind)
    os.makedirs(d, exist_ok=True)
    log = open(os.path.join(workdir, kind + ".log"), "w")
    if kind == "redis":
        cmd = ["redis-server", "--port", str(port), "--dir", d, "--protected-mode", "no"] + persistence_args(kind, mode)
    else:
        cmd = [os.path.join(ROOT, "vellum"), "server", "--port", str(port), "--dir", d] + persistence_args(kind, mode)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(port, proc)
    return proc, port


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except Exception:
        os.killpg(proc.pid, signal.SIGKILL)


def cpu_seconds(pgid):
    """User+system CPU seconds of every process in the server's process group (the launcher
    script and its JVM for Vellum). CPU time per request is steadier than requests/s on a
    shared machine: a neighbour's load slows the wall clock far more than it changes how much
    work the server does per request."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def bench(port, test, pipeline, requests, clients):
    if test == "evalsha":
        sha = subprocess.run(["redis-cli", "-p", str(port), "SCRIPT", "LOAD", EVAL_SCRIPT],
                             capture_output=True, text=True).stdout.strip()
        cmd = ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", str(clients), "-P", str(pipeline),
               "-r", "10000", "--csv", "EVALSHA", sha, "1", "stock:__rand_int__"]
    else:
        cmd = ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", str(clients), "-P", str(pipeline),
               "-r", "100000", "--csv", "-t", test]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    for line in out.splitlines():
        parts = [p.strip('"') for p in line.split(",")]
        if len(parts) >= 2 and parts[0] != "test":
            try:
                return float(parts[1])
            except ValueError:
                continue
    raise RuntimeError("no result from: %s\n%s" % (" ".join(cmd), out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--tests", default="set,get,incr,mset")
    ap.add_argument("--persistence", default="none", choices=["none", "everysec", "always", "no"])
    ap.add_argument("--warmup", type=int, default=2000000,
                    help="requests per test at -P 16 before measuring (default 2000000: steady state)")
    ap.add_argument("--warmup-unpipelined", type=int, default=1000000,
                    help="then requests per test at each measured depth below 16 (default 1000000)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    for tool in ("redis-server", "redis-benchmark", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit("%s not found: install redis-server and redis-tools" % tool)
    tests = a.tests.split(",")
    pipelines = [int(p) for p in a.pipelines.split(",")]
    results = {("vellum", t, p): [] for t in tests for p in pipelines}
    results.update({("redis", t, p): [] for t in tests for p in pipelines})
    cpu = {k: [] for k in results}
    pair = {(t, p): [] for t in tests for p in pipelines}
    work = tempfile.mkdtemp(prefix="side-by-side-")
    try:
        for run in range(a.runs):
            # Both servers run (one idle while the other is measured), and each figure is taken
            # right after the other server's: the pair shares the machine's state of the moment
            # (a shared disk's latency drifts by several times within minutes).
            procs = {}
            try:
                for kind in ("vellum", "redis"):
                    procs[kind] = start(kind, a.persistence, os.path.join(work, "run%d-%s" % (run, kind)))
                for kind in ("vellum", "redis"):
                    # warm-up of every test (JIT for Vellum; page cache for both): C2 goes on
                    # compiling Vellum's request path for a few million requests (SET -P 16:
                    # 415k, 439k, 545k, 677k requests/s over four successive 1M-request runs)
                    for t in tests:
                        bench(procs[kind][1], t, 16, a.warmup, a.clients)
                    # and at each shallower depth measured: -P 1 runs its own code (a read, a
                    # release and a flush per request) and C2 compiles it apart; the young
                    # generation's pages are still being touched for the first time too (page
                    # faults zeroing huge pages: 9.5% of the network thread in an EVALSHA -P 1
                    # profile after 1.6M requests, none after 6M). EVALSHA -P 1 after the -P 16
                    # warm-up alone: 38-44k requests/s; after 5M + 1M: 45-49k, Redis 48-49k.
                    for p in pipelines:
                        if p < 16 and a.warmup_unpipelined > 0:
                            for t in tests:
                                bench(procs[kind][1], t, p, a.warmup_unpipelined, a.clients)
                n = 0
                for t in tests:
                    for p in pipelines:
                        order = ["vellum", "redis"] if (run + n) % 2 == 0 else ["redis", "vellum"]
                        n += 1
                        got = {}
                        for kind in order:
                            proc, port = procs[kind]
                            cpu0 = cpu_seconds(proc.pid)
                            rps = bench(port, t, p, a.requests, a.clients)
                            cpu_us = (cpu_seconds(proc.pid) - cpu0) * 1e6 / a.requests
                            results[(kind, t, p)].append(rps)
                            cpu[(kind, t, p)].append(cpu_us)
                            got[kind] = rps
                            if a.verbose:
                                print("run %d %-6s %-8s -P %-3d %12.0f rps %8.2f cpu-us/req" % (run, kind, t, p, rps, cpu_us), flush=True)
                        if got["redis"]:
                            pair[(t, p)].append(got["vellum"] / got["redis"])
            finally:
                for proc, _ in procs.values():
                    stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("persistence=%s clients=%d requests=%d runs=%d (medians)" % (a.persistence, a.clients, a.requests, a.runs))
    print("%-8s %-4s %14s %14s %8s %12s %12s %8s  %s" % ("test", "-P", "vellum rps", "redis rps", "ratio",
                                                  "vellum cpu", "redis cpu", "cpu r/v", "pair ratios: median [min-max]"))
    for t in tests:
        for p in pipelines:
            v = statistics.median(results[("vellum", t, p)])
            r = statistics.median(results[("redis", t, p)])
            vc = statistics.median(cpu[("vellum", t, p)])
            rc = statistics.median(cpu[("redis", t, p)])
            pr = pair[(t, p)]
            prs = "%.2f [%.2f-%.2f]" % (statistics.median(pr), min(pr), max(pr)) if pr else "-"
            print("%-8s %-4d %14.0f %14.0f %8.2f %9.2f us %9.2f us %8.2f  %s" % (
                t.upper(), p, v, r, v / r if r else float("nan"), vc, rc, rc / vc if vc else float("nan"), prs))
    print("ratio = median Vellum / median Redis; pair ratios = Vellum / Redis of the two runs taken back to back")
    print("cpu = server CPU time (user+sys) per request; cpu r/v = Redis's over Vellum's (1.0 = as cheap as Redis)")


if __name__ == "__main__":
    main()
