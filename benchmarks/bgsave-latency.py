#!/usr/bin/env python3
"""p99 latency of a write load through the network path, with and without BGSAVE running.

Usage (from the repository root):
    benchmarks/bgsave-latency.py [--keys 1000000] [--seconds 10] [--pairs 3] [--clients 2]
                                 [--servers vellum,redis] [--vellum-cmd "./vellum server"]

The issue's target: the p99 latency of a write load while BGSAVE runs is at most 2x the p99
without. SnapshotBenchmark measures it in process (engine.submit); this measures what a client
sees: redis-benchmark SETs over TCP against a server holding the snapshot benchmark's 1M keys of
mixed types (70% strings, 10% hashes, 10% sets, 5% lists, 5% sorted sets, 10% with a TTL).
The string keys are named as redis-benchmark names its keys (key:000000123456), so the SETs
overwrite keys that a running snapshot still has to write (its copy-on-write path), not new
ones it skips.

Each pair is one phase without then one with BGSAVE (a thread starts the next BGSAVE as soon as
the last one finished), of about --seconds each (the request count comes from a warm-up run's
rate), so both halves of a pair see the same machine; the figure is the median of the pairs'
p99 ratios. redis-server runs the same phases (its BGSAVE forks) for reference. Do not run it on
a loaded machine (uptime load above the core count): the p99 of a shared machine is its
neighbours' scheduling.
"""
import argparse
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib

sbs = importlib.import_module("side-by-side")  # free_port, wait_for, stop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def resp(*args):
    out = ["*%d\r\n" % len(args)]
    for a in args:
        out.append("$%d\r\n%s\r\n" % (len(a.encode()), a))
    return "".join(out)


def dataset(path, keys, seed=1):
    """The snapshot benchmark's mix, as RESP for redis-cli --pipe."""
    r = random.Random(seed)
    with open(path, "w") as f:
        for i in range(keys):
            k = "key:%012d" % i
            kind = r.randrange(100)
            if kind < 70:
                f.write(resp("SET", k, "value-%d-abcdefgh" % r.randrange(1000000)))
            elif kind < 80:
                f.write(resp("HSET", k, "f1", "v%d" % r.randrange(1000), "f2", "v2", "f3", "v%d" % r.randrange(100),
                             "f4", "x", "f5", "y"))
            elif kind < 90:
                f.write(resp("SADD", k, "m%d" % r.randrange(1000), "m%d" % r.randrange(1000), "a", "b", "c"))
            elif kind < 95:
                f.write(resp("RPUSH", k, "e1", "e2", "e%d" % r.randrange(1000), "e4", "e5"))
            else:
                f.write(resp("ZADD", k, "1", "a", "2", "b", str(r.randrange(100)), "c", "4", "d", "5", "e"))
            if r.randrange(10) == 0:
                f.write(resp("PEXPIREAT", k, str(4102444800000 + i)))


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port)] + list(args), capture_output=True, text=True,
                          timeout=600).stdout


def start(kind, workdir, vellum_cmd):
    port = sbs.free_port()
    d = os.path.join(workdir, kind)
    os.makedirs(d, exist_ok=True)
    log = open(os.path.join(workdir, kind + ".log"), "w")
    if kind == "redis":
        cmd = ["redis-server", "--port", str(port), "--dir", d, "--protected-mode", "no", "--appendonly", "no",
               "--save", ""]
    else:
        cmd = vellum_cmd + ["--port", str(port), "--dir", d, "--appendonly", "no", "--save", ""]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    sbs.wait_for(port, proc)
    return proc, port


def set_load(port, requests, clients, keys):
    """redis-benchmark SETs of existing string keys; returns (rps, p50, p99, max) in ms."""
    cmd = ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", str(clients), "-P", "1",
           "-r", str(keys), "--csv", "-t", "set"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1200).stdout
    for line in out.splitlines():
        p = [x.strip('"') for x in line.split(",")]
        if len(p) >= 8 and p[0] == "SET":
            return float(p[1]), float(p[4]), float(p[6]), float(p[7])
    raise RuntimeError("no result from: %s\n%s" % (" ".join(cmd), out))


def bgsave_loop(port, stop, count):
    """BGSAVE back to back until stop is set; counts the snapshots started."""
    while not stop.is_set():
        if "rdb_bgsave_in_progress:0" in cli(port, "INFO", "persistence"):
            if "started" in cli(port, "BGSAVE").lower():
                count[0] += 1
        time.sleep(0.01)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--servers", default="vellum,redis")
    ap.add_argument("--vellum-cmd", default=os.path.join(ROOT, "vellum") + " server")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bgsave-latency-")
    data = os.path.join(work, "data.resp")
    dataset(data, a.keys)
    summary = []
    for kind in a.servers.split(","):
        proc, port = start(kind, work, shlex.split(a.vellum_cmd))
        try:
            with open(data) as f:
                subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, capture_output=True, timeout=1200)
            print("%s: %s keys loaded" % (kind, cli(port, "DBSIZE").strip()), flush=True)
            # Warm-up (Vellum's JIT), and the rate that sizes the phases.
            rps, _, _, _ = set_load(port, 200000, a.clients, a.keys)
            requests = max(10000, int(rps * a.seconds))
            ratios = []
            for pair in range(a.pairs):
                without = set_load(port, requests, a.clients, a.keys)
                stop, count = threading.Event(), [0]
                t = threading.Thread(target=bgsave_loop, args=(port, stop, count))
                t.start()
                try:
                    during = set_load(port, requests, a.clients, a.keys)
                finally:
                    stop.set()
                    t.join()
                while "rdb_bgsave_in_progress:0" not in cli(port, "INFO", "persistence"):
                    time.sleep(0.05)
                ratio = during[2] / without[2] if without[2] > 0 else float("nan")
                ratios.append(ratio)
                print("%s pair %d: without BGSAVE %.0f SET/s p50 %.3f p99 %.3f max %.3f ms | during %d BGSAVEs %.0f SET/s"
                      " p50 %.3f p99 %.3f max %.3f ms | p99 ratio %.2f"
                      % ((kind, pair + 1) + without + (count[0],) + during + (ratio,)), flush=True)
            summary.append("%s: p99 ratio, median of %d pairs: %.2f (pairs %s)"
                           % (kind, a.pairs, statistics.median(ratios), ", ".join("%.2f" % r for r in ratios)))
        finally:
            sbs.stop(proc)
    print("\n".join(summary))


if __name__ == "__main__":
    main()
