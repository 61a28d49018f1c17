package io.vellum.bench.replication;

import io.vellum.Vellum;
import io.vellum.server.RespServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What a replica spends per record it applies, in CPU and in allocation, over a fixed number of
 * records: a primary's log of {@code records} SETs (keys {@code key:0..99999}, 3-byte values,
 * the shape of {@code redis-benchmark -t set -r 100000}) is written once; then, each round, an
 * empty same-host follower of that log ({@code follow}) and an empty TCP replica of a primary
 * serving it ({@code tcp}) catch up. Once a replica has applied {@code skip} records (the JIT
 * warmed), the process's CPU time (user+sys) and the bytes every thread allocated
 * ({@code ThreadMXBean.getThreadAllocatedBytes}, exact, not sampled) are counted up to the last
 * record. For {@code tcp} the primary's streaming runs in the same process and is included.
 *
 * <p>CPU per record is steadier on a shared machine than any rate (a neighbour's load slows the
 * clock far more than it changes the work per record); allocation per record does not depend on
 * the machine at all. One process holds both stores: the figures are the code's, not a deployed
 * replica's latency (benchmarks/replication-processes.py).
 *
 * <pre>
 * java $(cat server/target/jvm.flags) -cp benchmarks/target/benchmarks.jar \
 *     io.vellum.bench.replication.ApplyCostBench [records 1000000] [skip 300000] [rounds 3] [kinds follow,tcp]
 * </pre>
 */
public final class ApplyCostBench {
    private ApplyCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int skip = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String[] kinds = (args.length > 3 ? args[3] : "follow,tcp").split(",");
        Path work = Files.createTempDirectory("vellum-apply-cost");
        try {
            Path p = work.resolve("primary");
            long t0 = System.nanoTime();
            try (Vellum primary = open(p)) {
                for (int i = 0; i < records; i++) {
                    primary.execute("SET", "key:" + (i % 100_000), "xxx");
                }
            }
            System.out.printf("primary log: %d SETs written in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
            List<String> rows = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (String kind : kinds) {
                    Path dir = work.resolve(kind + "-" + round);
                    String row;
                    if (kind.equals("follow")) {
                        try (Vellum r = builder(dir).followDir(p).open()) {
                            row = measure(kind, r, records, skip);
                        }
                    } else {
                        try (Vellum primary = open(p)) {
                            RespServer server = primary.serve(0);
                            try (Vellum r = builder(dir).replicaOf("127.0.0.1", server.port()).open()) {
                                row = measure(kind, r, records, skip);
                            }
                        }
                    }
                    System.out.println("round " + round + " " + row);
                    rows.add(row);
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** No automatic rewrite: its snapshot would let retention drop the records a replica starts from. */
    private static Vellum.Builder builder(Path dir) {
        return Vellum.builder().dir(dir).configure(c -> c.autoAofRewritePercentage.set(0L));
    }

    private static Vellum open(Path dir) {
        return builder(dir).open();
    }

    private static String measure(String kind, Vellum replica, long records, long skip) {
        waitFor(replica, skip);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long first = replica.replication().offset();
        long cpu0 = os.getProcessCpuTime();
        long alloc0 = allocated();
        long t0 = System.nanoTime();
        waitFor(replica, records);
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long alloc1 = allocated();
        long n = records - first;
        return String.format("%-6s %8d records: %6.2f us CPU/record, %6.0f bytes allocated/record, %8.0f records/s",
                kind, n, (cpu1 - cpu0) / 1e3 / n, (double) (alloc1 - alloc0) / n, n / ((t1 - t0) / 1e9));
    }

    private static void waitFor(Vellum replica, long serial) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (replica.replication().offset() < serial) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replica did not reach record " + serial + ": at "
                        + replica.replication().offset());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Bytes allocated so far by the live threads. */
    private static long allocated() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
