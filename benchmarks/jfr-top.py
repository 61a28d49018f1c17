#!/usr/bin/env python3
"""Where a JFR recording's CPU samples and allocation went, as a short table.

Usage: benchmarks/jfr-top.py <recording.jfr> [--thread NAME] [--depth 6] [--top 25]

cpu: jdk.ExecutionSample counted by the top frame, and by the first frame of each stack in an
io.vellum class (where our code spent it, callees included); alloc: jdk.ObjectAllocationSample
summed by weight (bytes) per allocated class + allocating frame, and per first io.vellum frame.
--thread keeps the samples of threads whose name starts with NAME (e.g. vellum-engine).
"""
import argparse
import collections
import json
import subprocess


def events(path, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", name, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["recording"]["events"]


def frame(f):
    m = f["method"]
    return "%s.%s:%s" % (m["type"]["name"].rsplit(".", 1)[-1], m["name"], f.get("lineNumber", "?"))


def ours(frames):
    for f in frames:
        if f["method"]["type"]["name"].startswith("io/vellum") or f["method"]["type"]["name"].startswith("io.vellum"):
            return frame(f)
    return "(no io.vellum frame)"


def table(title, counter, total, top, unit):
    print("== %s (%s %s)" % (title, format(total, ",.0f"), unit))
    for k, v in counter.most_common(top):
        print("  %5.1f%%  %s" % (100.0 * v / max(total, 1), k))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jfr")
    ap.add_argument("--thread", default="")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--depth", type=int, default=1)
    a = ap.parse_args()

    def keep(e):
        t = e["values"].get("sampledThread") or e["values"].get("eventThread") or {}
        return (t.get("javaName") or t.get("osName") or "").startswith(a.thread)

    cpu_top, cpu_ours, n = collections.Counter(), collections.Counter(), 0
    for e in events(a.jfr, "jdk.ExecutionSample"):
        if not keep(e):
            continue
        fr = e["values"]["stackTrace"]["frames"]
        if not fr:
            continue
        n += 1
        cpu_top[" < ".join(frame(f) for f in fr[:a.depth])] += 1
        cpu_ours[ours(fr)] += 1
    table("cpu samples by top frame", cpu_top, n, a.top, "samples")
    table("cpu samples by first io.vellum frame", cpu_ours, n, a.top, "samples")

    alloc_site, alloc_ours, total = collections.Counter(), collections.Counter(), 0
    for e in events(a.jfr, "jdk.ObjectAllocationSample"):
        if not keep(e):
            continue
        v = e["values"]
        w = v["weight"]
        fr = v["stackTrace"]["frames"] if v.get("stackTrace") else []
        cls = v["objectClass"]["name"]
        total += w
        alloc_site["%s  @ %s" % (cls, " < ".join(frame(f) for f in fr[:max(a.depth, 2)]))] += w
        alloc_ours["%s  @ %s" % (cls, ours(fr))] += w
    table("allocation by class and site", alloc_site, total, a.top, "bytes")
    table("allocation by class and first io.vellum frame", alloc_ours, total, a.top, "bytes")


if __name__ == "__main__":
    main()
