#!/usr/bin/env python3
"""Replication benchmarks with every node in its own process, as a user runs them.

Usage (from the repository root, after `mvn -B -o -q package -pl benchmarks,server -am -DskipTests`):
    benchmarks/replication-processes.py lag [--server vellum|redis|both] [--rate 50000]
                                            [--seconds 10] [--warmup 10] [--probe-every 10]
                                            [--threads] [--gc-log] [--rewrites]
    benchmarks/replication-processes.py throughput [--server vellum|redis|both] [--runs 3]
                                            [--requests 500000] [--clients 50] [--pipeline 16]
                                            [--replicas 0,1,2]
    benchmarks/replication-processes.py apply [--records 1000000] [--skip 300000]
                                            [--replica tcp,same-host] [--gc-log] [--jfr] [--keep]

Processes: a Vellum primary is `vellum server` (the launcher's java command, run directly so
nothing is built), its TCP replica `vellum server --replicaof 127.0.0.1 <port>` and its
same-host follower `vellum replica --follow-dir <primary dir>`, each a JVM of its own. A Redis
primary is `redis-server`, its replicas `redis-server --replicaof` (Redis has no same-host
follower: its second replica is a second TCP one). Every node runs with appendonly yes,
appendfsync everysec (--appendfsync to change it), no save points and no automatic log
rewrite (--rewrites keeps auto-aof-rewrite at its default), each in its own directory.
Each Vellum JVM gets the launcher's heap flags (`VELLUM_PRINT_HEAP_FLAGS=1 ./vellum`), as
`vellum server` would; VELLUM_JAVA_OPTS (e.g. "-Xms1g -Xmn512m") is added to them and, as in the
launcher, a heap size there replaces the launcher's; VELLUM_SERVER_TARGET runs
another build's server/target (a copy kept for an A/B). Nothing is pinned: the nodes, the load
generator and the OS share the machine's cores as they would for a user who runs them on one
host.

apply: the cost of applying a fixed number of records. A Vellum primary is filled with --records
SETs (redis-cli --pipe, keys key:0..99999), then one replica of each kind in --replica is
started empty and catches up, alone; once it has applied --skip records (JIT warm-up), the CPU
seconds (user+sys, /proc) of the replica and of its threads, and of the primary's streaming
thread, are counted up to the last record. Prints CPU microseconds per record (whole process
and busiest threads) and, with --gc-log, the bytes the replica's young collections found
allocated per record. --jfr records each Vellum JVM with JFR's profile settings
(<node>.jfr in the kept directory: `jfr print --events jdk.ObjectAllocationSample`,
`jdk.ExecutionSample`). Per-record CPU is steady on a shared machine; the catch-up's wall time
is not.

lag: starts a primary, a TCP replica and (Vellum) a same-host follower or (Redis) a second
TCP replica, waits until both are online, then runs io.vellum.bench.replication.LagProbe:
SETs at --rate per second, open loop (what is due is sent even if replies are late, so a
stall is not hidden by coordinated omission), every --probe-every-th a PUBLISH of its number;
a subscriber on each replica timestamps the probes it receives, against the time the
primary's reply reached the writer (PUBLISH, not keyspace notifications: Vellum does not
implement notify-keyspace-events; both servers replicate PUBLISH and deliver it on replicas, so
the one probe measures both). Prints p50/p99/p99.9/max lag per replica, the same for a
subscriber on the primary (pub/sub's own cost) and the primary's response time. --threads adds
each node's busiest threads over the run (CPU share of one core, context switches a second, from
/proc); --gc-log runs Vellum's JVMs with -Xlog:gc and adds their GC pauses.

throughput: for each run and each replica count, a fresh primary with that many replicas
attached and online (Vellum: 1 = the TCP replica, 2 = the TCP replica and the same-host
follower; Redis: 1 or 2 TCP replicas); redis-benchmark -t set against the primary (after a
warm-up), then waits until every replica has applied everything. Prints the median requests/s
per replica count, its ratio to no replica, and the CPU seconds per request of the primary and
of all replicas together (user+sys, from /proc). Redis's own ratio on this machine is the
part of the drop the machine causes (replicas take CPU from the primary on a small host);
Vellum's ratio below Redis's is Vellum's.
"""
import argparse
import datetime
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("side_by_side", os.path.join(ROOT, "benchmarks", "side-by-side.py"))
sbs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sbs)

# VELLUM_SERVER_TARGET: another build's server/target (a copy kept for an A/B comparison)
TARGET = os.environ.get("VELLUM_SERVER_TARGET", os.path.join(ROOT, "server", "target"))
BENCH_JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")


def vellum_java():
    jars = [f for f in os.listdir(TARGET) if f.startswith("vellum-server-") and f.endswith(".jar") and not f.endswith("-tests.jar")]
    if not jars or not os.path.isdir(os.path.join(TARGET, "lib")) or not os.path.exists(BENCH_JAR):
        sys.exit("build first: mvn -B -o -q package -pl benchmarks,server -am -DskipTests")
    with open(os.path.join(TARGET, "jvm.flags")) as f:
        flags = f.read().split()
    extra = os.environ.get("VELLUM_JAVA_OPTS", "").split()
    # The launcher's heap flags (its initial heap, huge pages, young generation), as `vellum server`
    # gives them: without them each node ran on the JVM's default sizing, which a user never gets
    # (a young collection every 3-4 s per node instead of one a minute, each one a lag spike).
    heap = subprocess.run([os.path.join(ROOT, "vellum")], env=dict(os.environ, VELLUM_PRINT_HEAP_FLAGS="1"),
                          check=True, capture_output=True, text=True).stdout.split()
    return ["java"] + flags + heap + extra + ["-cp", os.path.join(TARGET, jars[0]) + ":" + os.path.join(TARGET, "lib", "*"),
                                       "io.vellum.server.cli.Main"]


GC_LOG = False
JFR = False


REWRITES = False


def node_args(fsync):
    # No snapshots in the middle of a run unless asked (--rewrites): a 1M-command run grows
    # Vellum's log past auto-aof-rewrite-min-size (64 MB; Redis's smaller AOF stays under it), and
    # the rewrite's snapshot then runs on every node at once, seconds long under this load.
    rewrite = [] if REWRITES else ["--auto-aof-rewrite-percentage", "0"]
    return ["--appendonly", "yes", "--appendfsync", fsync, "--save", ""] + rewrite


class Node:
    def __init__(self, name, proc, port, d):
        self.name, self.proc, self.port, self.dir = name, proc, port, d


def start_node(kind, role, workdir, fsync, primary=None):
    """role: primary, tcp (a replica over TCP of `primary`) or same-host (Vellum's follower of `primary`'s dir)."""
    port = sbs.free_port()
    name = "%s-%s-%d" % (kind, role, port)
    d = os.path.join(workdir, name)
    os.makedirs(d)
    if kind == "redis":
        cmd = ["redis-server", "--port", str(port), "--dir", d, "--protected-mode", "no"] + node_args(fsync)
        if role != "primary":
            cmd += ["--replicaof", "127.0.0.1", str(primary.port)]
    elif role == "same-host":
        cmd = vellum_java() + ["replica", "--follow-dir", primary.dir, "--dir", d, "--port", str(port)] + node_args(fsync)
    else:
        cmd = vellum_java() + ["server", "--port", str(port), "--dir", d] + node_args(fsync)
        if role == "tcp":
            cmd += ["--replicaof", "127.0.0.1", str(primary.port)]
    if GC_LOG and kind == "vellum":
        cmd.insert(1, "-Xlog:gc:file=%s:time" % os.path.join(workdir, name + ".gc.log"))
    if JFR and kind == "vellum":
        cmd.insert(1, "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=%s" % os.path.join(workdir, name + ".jfr"))
    log = open(os.path.join(workdir, name + ".log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    sbs.wait_for(port, proc)
    return Node(name, proc, port, d)


def info(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", "replication"], capture_output=True, text=True,
                         timeout=10).stdout
    return dict(line.strip().split(":", 1) for line in out.splitlines() if ":" in line)


def wait_online(primary, replicas, timeout=120):
    """Every replica's link is up and it has applied all the primary has logged."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        target = int(info(primary.port).get("master_repl_offset", "0"))
        ok = True
        for r in replicas:
            i = info(r.port)
            if i.get("master_link_status") != "up" or int(i.get("slave_repl_offset", "-1")) < target:
                ok = False
        if ok:
            return
        time.sleep(0.2)
    raise RuntimeError("replicas not online/caught up after %ds: %s" % (timeout, [info(r.port) for r in replicas]))


def start_cluster(kind, n_replicas, workdir, fsync):
    primary = start_node(kind, "primary", workdir, fsync)
    replicas = []
    try:
        roles = ["tcp", "same-host" if kind == "vellum" else "tcp"][:n_replicas]
        for role in roles:
            replicas.append(start_node(kind, role, workdir, fsync, primary))
        wait_online(primary, replicas)
    except Exception:
        stop_cluster(primary, replicas)
        raise
    return primary, replicas


def stop_cluster(primary, replicas):
    for n in replicas + [primary]:
        sbs.stop(n.proc)


def thread_cpu(pid):
    """{thread name: [cpu seconds, context switches]} of one process, from /proc (threads of one name summed)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                st = f.read()
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                ctx = sum(int(l.split()[1]) for l in f if "ctxt_switches" in l)
        except OSError:
            continue
        name = re.sub(r"[0-9]+$", "#", st[st.index("(") + 1:st.rindex(")")])
        fields = st.rsplit(")", 1)[1].split()
        acc = out.setdefault(name, [0.0, 0])
        acc[0] += (int(fields[11]) + int(fields[12])) / tick
        acc[1] += ctx
    return out


def applied(port):
    """A replica's slave_repl_offset: the serial of the last record it applied."""
    return int(info(port).get("slave_repl_offset", "0"))


def fill(port, records):
    """records SETs of key:<0..99999> to a 3-byte value (redis-benchmark -t set -r 100000's shape), through
    redis-cli --pipe."""
    cmds = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n" % (len(k), k)
                    for k in (b"key:%d" % (i % 100000) for i in range(records)))
    out = subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=cmds, capture_output=True, timeout=600)
    if out.returncode != 0 or b"errors: 0" not in out.stdout:
        raise RuntimeError("filling the primary failed: %s %s" % (out.stdout[-300:], out.stderr[-300:]))


def apply_cost(a, work):
    primary = start_node("vellum", "primary", work, a.appendfsync)
    try:
        fill(primary.port, a.records)
        total = int(info(primary.port).get("master_repl_offset", "0"))
        print("primary %s: %d records in its log" % (primary.name, total), flush=True)
        for role in a.replica.split(","):
            replica = start_node("vellum", role, work, a.appendfsync, primary)
            try:
                while applied(replica.port) < a.skip:
                    time.sleep(0.02)
                t0 = time.time()
                first = applied(replica.port)
                r0, p0 = thread_cpu(replica.proc.pid), thread_cpu(primary.proc.pid)
                c0 = sbs.cpu_seconds(replica.proc.pid)
                while applied(replica.port) < total:
                    time.sleep(0.02)
                c1 = sbs.cpu_seconds(replica.proc.pid)
                r1, p1 = thread_cpu(replica.proc.pid), thread_cpu(primary.proc.pid)
                t1 = time.time()
                n = total - first
                if n <= 0 or t1 - t0 < 1.0:
                    # /proc counts CPU in clock ticks (10 ms): a catch-up shorter than a second
                    # measures nothing (a per-record figure of 0, or a division by zero when the
                    # replica had applied everything before the first poll)
                    print("%s replica: %d records applied after the skip, in %.2f s: too short to measure;"
                          " run again with more --records (or a smaller --skip)" % (role, n, t1 - t0), flush=True)
                    continue
                print("%s replica: %d records (serials %d..%d) in %.2f s: %.2f us CPU per record (%.0f records/s)" % (
                    role, n, first + 1, total, t1 - t0, (c1 - c0) * 1e6 / n, n / (t1 - t0)), flush=True)
                for label, before, after in (("replica", r0, r1), ("primary", p0, p1)):
                    rows = sorted(((after[k][0] - before.get(k, [0, 0])[0], after[k][1] - before.get(k, [0, 0])[1], k)
                                   for k in after), reverse=True)
                    for cpu, ctx, name in rows[:6 if label == "replica" else 3]:
                        print("    %-8s %-32s %7.2f us/record %7.3f switches/record" % (label, name, cpu * 1e6 / n, ctx / n))
                if GC_LOG:
                    print_gc_pauses([replica], work, t0, t1, n)
            finally:
                sbs.stop(replica.proc)
    finally:
        sbs.stop(primary.proc)


def print_gc_pauses(nodes, workdir, since, until, commands):
    """Each Vellum node's GC pauses between two wall-clock times (the measured part of the run):
    count, total, longest, and the bytes its young collections found allocated per command sent."""
    for n in nodes:
        path = os.path.join(workdir, n.name + ".gc.log")
        if not os.path.exists(path):
            continue
        pauses, allocated, after = [], 0, None
        for m in re.finditer(r"^\[([^\]]+)\].*Pause (Young|Remark|Cleanup|Full)\S*.* (\d+)M->(\d+)M\(\d+M\) ([0-9.]+)ms$",
                             open(path).read(), re.M):
            at = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            before_mb, after_mb = int(m.group(3)), int(m.group(4))
            if since <= at <= until:
                pauses.append(float(m.group(5)))
                if after is not None:
                    allocated += max(0, before_mb - after)
            after = after_mb
        print("  %s: %d GC pauses, %.1f ms in all, longest %.2f ms; about %.0f bytes allocated per command" % (
            n.name, len(pauses), sum(pauses), max(pauses, default=0), allocated * 1048576 / max(1, commands)))


def print_thread_cpu(nodes, before, seconds):
    """The busiest threads of each node over the measured run: CPU % of one core, context switches a second."""
    for n in nodes:
        after = thread_cpu(n.proc.pid)
        rows = []
        for name, (cpu, ctx) in after.items():
            c0, x0 = before[n.name].get(name, [0.0, 0])
            rows.append((cpu - c0, ctx - x0, name))
        rows.sort(reverse=True)
        total = sum(r[0] for r in rows)
        print("  %s: %.0f%% of a core in all; busiest threads:" % (n.name, 100 * total / seconds))
        for cpu, ctx, name in rows[:6]:
            print("    %-32s %5.1f%% %9.0f switches/s" % (name, 100 * cpu / seconds, ctx / seconds))


def lag(a, kind, work):
    primary, replicas = start_cluster(kind, 2, work, a.appendfsync)
    try:
        cmd = ["java", "-cp", BENCH_JAR, "io.vellum.bench.replication.LagProbe", "--primary", "127.0.0.1:%d" % primary.port,
               "--rate", str(a.rate), "--seconds", str(a.seconds), "--warmup", str(a.warmup),
               "--probe-every", str(a.probe_every)]
        for i, r in enumerate(replicas):
            label = "%s replica %s" % (kind, "same-host" if "same-host" in r.name else "tcp" + ("" if i == 0 else str(i + 1)))
            cmd += ["--replica", "%s=127.0.0.1:%d" % (label, r.port)]
        print("== %s: %s" % (kind, " ".join(n.name for n in [primary] + replicas)), flush=True)
        before = {n.name: thread_cpu(n.proc.pid) for n in [primary] + replicas}
        t0 = time.time()
        subprocess.run(cmd, check=True, timeout=a.seconds + a.warmup + 180)
        if a.threads:
            print_thread_cpu([primary] + replicas, before, time.time() - t0)
        if GC_LOG:
            print_gc_pauses([primary] + replicas, work, t0 + a.warmup, time.time(), a.rate * a.seconds)
    finally:
        stop_cluster(primary, replicas)


def throughput_round(a, kind, n, work):
    primary, replicas = start_cluster(kind, n, os.path.join(work, "%s-%d-%d" % (kind, n, time.monotonic_ns())), a.appendfsync)
    try:
        sbs.bench(primary.port, "set", a.pipeline, min(a.requests, 100000), a.clients)  # warm-up
        wait_online(primary, replicas)
        p0 = sbs.cpu_seconds(primary.proc.pid)
        r0 = sum(sbs.cpu_seconds(r.proc.pid) for r in replicas)
        rps = sbs.bench(primary.port, "set", a.pipeline, a.requests, a.clients)
        t0 = time.time()
        wait_online(primary, replicas, timeout=300)
        catch_up = time.time() - t0
        pcpu = (sbs.cpu_seconds(primary.proc.pid) - p0) * 1e6 / a.requests
        rcpu = (sum(sbs.cpu_seconds(r.proc.pid) for r in replicas) - r0) * 1e6 / a.requests
        return rps, pcpu, rcpu, catch_up
    finally:
        stop_cluster(primary, replicas)


def throughput(a, kinds, work):
    counts = [int(c) for c in a.replicas.split(",")]
    res = {(k, n): [] for k in kinds for n in counts}
    for run in range(a.runs):
        for k in (kinds if run % 2 == 0 else kinds[::-1]):
            for n in (counts if run % 2 == 0 else counts[::-1]):
                r = throughput_round(a, k, n, work)
                res[(k, n)].append(r)
                print("run %d %-6s %d replicas: %10.0f rps  primary %6.2f us/req  replicas %6.2f us/req  caught up %.1f s after"
                      % (run, k, n, r[0], r[1], r[2], r[3]), flush=True)
    print("redis-benchmark -t set -P %d -c %d -n %d, appendfsync %s, medians of %d runs"
          % (a.pipeline, a.clients, a.requests, a.appendfsync, a.runs))
    print("%-7s %-9s %12s %9s %14s %15s" % ("server", "replicas", "rps", "ratio", "primary cpu", "replicas cpu"))
    for k in kinds:
        base = statistics.median(x[0] for x in res[(k, counts[0])])
        for n in counts:
            rps = statistics.median(x[0] for x in res[(k, n)])
            print("%-7s %-9d %12.0f %9.3f %11.2f us %12.2f us" % (
                k, n, rps, rps / base, statistics.median(x[1] for x in res[(k, n)]),
                statistics.median(x[2] for x in res[(k, n)])))
    print("ratio = rps over rps with %d replicas; cpu = user+sys per request of the primary, and of its replicas together"
          % counts[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["lag", "throughput", "apply"])
    ap.add_argument("--server", default="both", choices=["vellum", "redis", "both"])
    ap.add_argument("--appendfsync", default="everysec", choices=["everysec", "always", "no"])
    ap.add_argument("--rate", type=int, default=50000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--probe-every", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--requests", type=int, default=500000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--pipeline", type=int, default=16)
    ap.add_argument("--replicas", default="0,1,2")
    ap.add_argument("--threads", action="store_true", help="lag: print each node's busiest threads (CPU, switches)")
    ap.add_argument("--gc-log", action="store_true", help="lag: run Vellum's JVMs with -Xlog:gc and print their pauses")
    ap.add_argument("--rewrites", action="store_true", help="keep auto-aof-rewrite on (snapshots during the run)")
    ap.add_argument("--records", type=int, default=1000000, help="apply: records in the primary's log")
    ap.add_argument("--skip", type=int, default=300000, help="apply: records applied before counting (warm-up)")
    ap.add_argument("--replica", default="tcp,same-host", help="apply: replica kinds, one after the other")
    ap.add_argument("--jfr", action="store_true", help="run Vellum's JVMs with JFR (profile settings; implies --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the nodes' directories and logs")
    a = ap.parse_args()
    for tool in ("redis-server", "redis-benchmark", "redis-cli", "java"):
        if shutil.which(tool) is None:
            sys.exit("%s not found" % tool)
    global GC_LOG, REWRITES, JFR
    GC_LOG = a.gc_log
    JFR = a.jfr
    a.keep = a.keep or a.jfr
    REWRITES = a.rewrites
    kinds = ["vellum", "redis"] if a.server == "both" else [a.server]
    work = tempfile.mkdtemp(prefix="repl-processes-")
    print("load average before: %s" % " ".join(open("/proc/loadavg").read().split()[:3]), flush=True)
    try:
        if a.mode == "apply":
            apply_cost(a, work)
        elif a.mode == "lag":
            for k in kinds:
                lag(a, k, os.path.join(work, k))
        else:
            throughput(a, kinds, work)
    finally:
        print("load average after: %s" % " ".join(open("/proc/loadavg").read().split()[:3]), flush=True)
        if a.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
