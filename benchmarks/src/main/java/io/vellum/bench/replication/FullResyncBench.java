package io.vellum.bench.replication;

import io.vellum.Vellum;
import io.vellum.VellumConnection;
import io.vellum.server.RespServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Full resync time over TCP (loopback): a primary holding {@code keys} keys of mixed small
 * types (60% strings, 10% each of hashes of 10 fields, sets of 10 members, sorted sets of 10
 * members, lists of 10 elements); a replica with an unrelated history of its own (so the
 * primary cannot continue it) runs {@code REPLICAOF}; timed from the command to the replica
 * having applied the primary's last record. Each round uses a fresh replica directory and
 * includes everything a resync does: the primary's fresh snapshot (BGSAVE, the first round;
 * later rounds send the newest snapshot, still covering a position in the log), the transfer,
 * the replica's checks, load, log restart and own snapshot. Prints each round and the median.
 *
 * <pre>
 * mvn -B -o -q package -pl benchmarks -am -DskipTests
 * java $(cat server/target/jvm.flags) -cp benchmarks/target/benchmarks.jar io.vellum.bench.replication.FullResyncBench [keys] [rounds]
 * </pre>
 */
public final class FullResyncBench {
    private FullResyncBench() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory("vellum-resync-bench");
        try (Vellum primary = Vellum.open(root.resolve("p"))) {
            RespServer ps = primary.serve(0);
            long t0 = System.nanoTime();
            fill(primary, keys);
            System.out.printf("primary: %d keys loaded in %d ms%n", keys, (System.nanoTime() - t0) / 1_000_000);
            List<Long> times = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Path dir = root.resolve("r" + r);
                try (Vellum replica = Vellum.open(dir)) {
                    replica.execute("SET", "own-history", "1");
                    long target = primary.replication().offset();
                    long start = System.nanoTime();
                    replica.execute("REPLICAOF", "127.0.0.1", Integer.toString(ps.port()));
                    while (replica.replication().offset() < target || !replica.replication().linkUp()) {
                        if (replica.replication().lastError() != null && !replica.replication().linkUp()
                                && System.nanoTime() - start > 600_000_000_000L) {
                            throw new IllegalStateException(replica.replication().lastError());
                        }
                        Thread.sleep(1);
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    times.add(ms);
                    String snapBytes = size(root.resolve("p").resolve("snapshots"));
                    System.out.printf("round %d: full resync of %d keys in %d ms (snapshot %s bytes); digests %s%n", r,
                            keys, ms, snapBytes, digest(primary).equals(digest(replica)) ? "equal" : "DIFFER");
                }
                delete(dir);
            }
            times.sort(Comparator.naturalOrder());
            System.out.printf("median full resync of %d keys: %d ms over %d rounds %s%n", keys, times.get(times.size() / 2),
                    rounds, times);
        } finally {
            delete(root);
        }
        System.exit(0);
    }

    /** {@code keys} keys of mixed small types, written in MULTI/EXEC batches of 1000 commands. */
    static void fill(Vellum s, int keys) {
        try (VellumConnection c = s.connect()) {
            int inBatch = 0;
            c.execute("MULTI");
            for (int i = 0; i < keys; i++) {
                String k = "k" + i;
                switch (i % 10) {
                    case 6 -> c.execute(args("HSET", k, 10, i));
                    case 7 -> c.execute(args("SADD", k, 10, i));
                    case 8 -> c.execute(zadd(k, i));
                    case 9 -> c.execute(args("RPUSH", k, 10, i));
                    default -> c.execute("SET", k, "value-" + i);
                }
                if (++inBatch == 1000) {
                    c.execute("EXEC");
                    c.execute("MULTI");
                    inBatch = 0;
                }
            }
            c.execute("EXEC");
        }
    }

    private static String[] args(String cmd, String key, int n, int seed) {
        boolean pairs = cmd.equals("HSET");
        String[] a = new String[2 + (pairs ? 2 * n : n)];
        a[0] = cmd;
        a[1] = key;
        int j = 2;
        for (int i = 0; i < n; i++) {
            a[j++] = "m" + i;
            if (pairs) {
                a[j++] = "v" + (seed + i);
            }
        }
        return a;
    }

    private static String[] zadd(String key, int seed) {
        String[] a = new String[2 + 20];
        a[0] = "ZADD";
        a[1] = key;
        for (int i = 0; i < 10; i++) {
            a[2 + 2 * i] = Integer.toString((seed + i) % 1000);
            a[3 + 2 * i] = "m" + i;
        }
        return a;
    }

    private static String digest(Vellum s) {
        return String.valueOf(s.execute("DEBUG", "DIGEST"));
    }

    private static String size(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".vsnap")).map(p -> {
                try {
                    return Long.toString(Files.size(p));
                } catch (IOException e) {
                    return "?";
                }
            }).reduce((a, b) -> a + "," + b).orElse("?");
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
