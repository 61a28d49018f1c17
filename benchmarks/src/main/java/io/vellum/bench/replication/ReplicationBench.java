package io.vellum.bench.replication;

import io.vellum.Vellum;
import io.vellum.VellumConnection;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Replication measurements, in one process (a primary, a TCP replica over loopback and a
 * same-host follower, each a store of its own on its own directory):
 *
 * <ul>
 *   <li>{@code lag}: writes {@code SET} at a fixed rate (default 50,000/s) for some seconds
 *       and measures, per record, the time from the primary releasing the reply to the
 *       replica having applied it (p50, p99, p99.9, max), for the TCP replica and the
 *       same-host follower. Negative lags (applied before the client saw its reply: the
 *       stream reads the log as soon as a record is appended) count as 0.</li>
 *   <li>{@code throughput}: pipelined {@code SET}s as fast as the primary takes them, with
 *       no replica and with both replicas attached, alternating rounds; prints each round,
 *       the medians and their ratio.</li>
 * </ul>
 *
 * <p>Three stores in one JVM share its GC and, on a small host, its cores: this measures the
 * replication code, not what a user running separate processes sees. For that, each node in
 * its own process and the same figures for Redis: {@code benchmarks/replication-processes.py}.
 *
 * <pre>
 * mvn -B -o -q package -pl benchmarks -am -DskipTests
 * java $(cat server/target/jvm.flags) -cp benchmarks/target/benchmarks.jar io.vellum.bench.replication.ReplicationBench lag [rate] [seconds]
 * java $(cat server/target/jvm.flags) -cp benchmarks/target/benchmarks.jar io.vellum.bench.replication.ReplicationBench throughput [writes] [rounds]
 * </pre>
 */
public final class ReplicationBench {
    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "lag";
        if (mode.equals("lag")) {
            lag(args.length > 1 ? Integer.parseInt(args[1]) : 50_000, args.length > 2 ? Integer.parseInt(args[2]) : 10);
        } else {
            throughput(args.length > 1 ? Integer.parseInt(args[1]) : 200_000, args.length > 2 ? Integer.parseInt(args[2]) : 3);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ lag

    static void lag(int rate, int seconds) throws Exception {
        Path root = Files.createTempDirectory("vellum-repl-bench");
        int total = rate * seconds;
        long[] replied = new long[total + 1];
        long[] tcpApplied = new long[total + 1];
        long[] sameApplied = new long[total + 1];
        try (Vellum primary = Vellum.open(root.resolve("p"))) {
            RespServer ps = primary.serve(0);
            try (Vellum tcp = Vellum.builder().dir(root.resolve("tcp")).replicaOf("127.0.0.1", ps.port()).open();
                 Vellum same = Vellum.builder().dir(root.resolve("same")).followDir(root.resolve("p")).open()) {
                // warm up: the code paths, the links
                writeAtRate(primary, rate, rate * 2, null, 0);
                waitFor(primary, tcp, same);
                long base = primary.replication().offset();
                tcp.replication().onApplied(s -> record(tcpApplied, s - base));
                same.replication().onApplied(s -> record(sameApplied, s - base));
                System.out.printf("lag: %d SET/s for %d s (%d records)%n", rate, seconds, total);
                long t0 = System.nanoTime();
                writeAtRate(primary, rate, total, replied, 0);
                double achieved = total / ((System.nanoTime() - t0) / 1e9);
                waitFor(primary, tcp, same);
                System.out.printf("achieved rate: %.0f writes/s%n", achieved);
                report("TCP replica (loopback)", replied, tcpApplied);
                report("same-host follower", replied, sameApplied);
            }
        } finally {
            delete(root);
        }
    }

    private static void record(long[] at, long i) {
        if (i >= 1 && i < at.length) {
            at[(int) i] = System.nanoTime();
        }
    }

    /** Sends {@code count} SETs, {@code rate} per second in 1 ms slices; records reply times at index 1..count. */
    private static void writeAtRate(Vellum primary, int rate, int count, long[] replied, int unused) throws Exception {
        try (VellumConnection c = primary.connect()) {
            byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
            byte[] value = "value-of-some-bytes".getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            CompletableFuture<Reply> last = null;
            for (int i = 1; i <= count; i++) {
                long due = start + (long) ((i - 1) * (1e9 / rate));
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(50_000);
                }
                final int n = i;
                last = c.executeAsync(set, ("key:" + (i % 100_000)).getBytes(StandardCharsets.US_ASCII), value);
                if (replied != null) {
                    last.thenRun(() -> replied[n] = System.nanoTime());
                }
            }
            last.get(60, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(Vellum primary, Vellum... replicas) throws InterruptedException {
        long target = primary.replication().offset();
        for (Vellum r : replicas) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (r.replication().offset() < target) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("replica stuck at " + r.replication().offset() + " of " + target
                            + ": " + r.replication().lastError());
                }
                Thread.sleep(10);
            }
        }
    }

    private static void report(String what, long[] replied, long[] applied) {
        long[] lags = new long[replied.length - 1];
        int before = 0;
        for (int i = 1; i < replied.length; i++) {
            long l = applied[i] - replied[i];
            if (l < 0) {
                before++;
                l = 0;
            }
            lags[i - 1] = l;
        }
        Arrays.sort(lags);
        System.out.printf("%s: lag p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (%.1f%% applied before the reply was seen)%n",
                what, pct(lags, 0.50), pct(lags, 0.99), pct(lags, 0.999), lags[lags.length - 1] / 1e6,
                100.0 * before / lags.length);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    // ------------------------------------------------------------------ throughput

    static void throughput(int writes, int rounds) throws Exception {
        List<Double> none = new ArrayList<>();
        List<Double> two = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            none.add(throughputRound(writes, false));
            two.add(throughputRound(writes, true));
            System.out.printf("round %d: no replica %.0f writes/s, two replicas %.0f writes/s%n", r + 1,
                    none.get(r), two.get(r));
        }
        double m0 = median(none);
        double m2 = median(two);
        System.out.printf("median: no replica %.0f writes/s, two replicas %.0f writes/s, ratio %.3f%n", m0, m2, m2 / m0);
    }

    private static double throughputRound(int writes, boolean replicas) throws Exception {
        Path root = Files.createTempDirectory("vellum-repl-bench");
        try (Vellum primary = Vellum.open(root.resolve("p"))) {
            RespServer ps = primary.serve(0);
            Vellum tcp = null;
            Vellum same = null;
            if (replicas) {
                tcp = Vellum.builder().dir(root.resolve("tcp")).replicaOf("127.0.0.1", ps.port()).open();
                same = Vellum.builder().dir(root.resolve("same")).followDir(root.resolve("p")).open();
            }
            pipelined(primary, writes / 5); // warm-up
            long t0 = System.nanoTime();
            pipelined(primary, writes);
            double rate = writes / ((System.nanoTime() - t0) / 1e9);
            if (replicas) {
                waitFor(primary, tcp, same);
                tcp.close();
                same.close();
            }
            return rate;
        } finally {
            delete(root);
        }
    }

    /** {@code count} SETs with up to 1000 outstanding. */
    private static void pipelined(Vellum primary, int count) throws Exception {
        Semaphore window = new Semaphore(1000);
        try (VellumConnection c = primary.connect()) {
            byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
            byte[] value = "value-of-some-bytes".getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<Reply> last = null;
            for (int i = 0; i < count; i++) {
                window.acquire();
                last = c.executeAsync(set, ("key:" + (i % 100_000)).getBytes(StandardCharsets.US_ASCII), value);
                last.whenComplete((r, e) -> window.release());
            }
            last.get(60, TimeUnit.SECONDS);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        return s.get(s.size() / 2);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
