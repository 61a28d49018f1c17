package io.vellum.bench.snapshot;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import io.vellum.snapshot.ProtoSnapshotStore;
import io.vellum.snapshot.SnapshotFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshot figures of the issue, with 1 million keys of mixed types (70% strings, 10%
 * hashes, 10% sets, 5% lists, 5% sorted sets, five elements each; 10% of the keys with a TTL):
 * <ol>
 *   <li>SAVE time (target under 2 s) and BGSAVE time on an idle engine;</li>
 *   <li>file size against redis-server's RDB of the same data ({@code redis-cli --pipe}, SAVE);</li>
 *   <li>load rate (target at least 1 million keys/s);</li>
 *   <li>p99 latency of SETs from 2 closed-loop clients while BGSAVE runs back to back, against
 *       without (target at most 2x);</li>
 *   <li>extra heap during a BGSAVE under that write load (target under 20% of the dataset's
 *       heap): the most retained heap (after a full GC, sampled between units) above the same
 *       measure without a snapshot.</li>
 * </ol>
 * Run by hand (a main class, not JMH: each figure is one long operation):
 * <pre>mvn -q -o -pl benchmarks -am package -DskipTests
 * java -Xmx4g -cp "benchmarks/target/benchmarks.jar" io.vellum.bench.snapshot.SnapshotBenchmark [keys [sliceMicros [phases]]]</pre>
 * {@code phases} is a comma-separated subset of {@code save,rdb,load,latency,heap} (default all).
 * SAVE and load run {@code -Dvellum.bench.runs=N} times (default 3) and print their median; the
 * latency figure is the median p99 ratio of {@code -Dvellum.bench.pairs=N} (default 3) pairs of
 * 4-second phases without then with BGSAVE, so that both halves of a pair see the same machine.
 * Times are wall clock, with the working thread's CPU time and the GC time beside them: on a
 * shared machine the wall clock also counts waiting for a processor. Repeated loads run in a
 * warm JVM; {@link SnapshotColdLoad} measures one in a fresh JVM, as a restart does
 * ({@code -Dvellum.bench.keep=true} keeps the store directory for it).
 * The engine runs with a log that keeps nothing, so the figures are the snapshot's alone.
 * {@code benchmarks/bgsave-latency.py} measures the latency figure through the network path
 * instead (redis-benchmark against a server, and against redis-server for reference).
 */
public final class SnapshotBenchmark {
    private static final AtomicLong POSITION = new AtomicLong(1000);
    private static final CommandLog LOG = new CommandLog() {
        @Override
        public long append(UnitRecord record) {
            return POSITION.incrementAndGet();
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return POSITION.get();
        }

        @Override
        public void close() {
        }
    };

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long sliceMicros = args.length > 1 ? Long.parseLong(args[1]) : 250;
        // Which figures: any of save, rdb, load, latency, heap (comma-separated); default all.
        java.util.Set<String> phases = java.util.Set.of((args.length > 2 ? args[2] : "save,rdb,load,latency,heap").split(","));
        int runs = Integer.getInteger("vellum.bench.runs", 3);
        Path dir = Files.createTempDirectory("vellum-snapshot-bench");
        Path commands = dir.resolve("commands.resp");
        long heapBefore = usedHeap();
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(dir).sliceMicros(sliceMicros);
        Engine engine = Engine.builder().commands(snaps.commands()).log(LOG).seed(1).build();
        engine.config().save.set(List.of());
        snaps.attach(engine);
        populate(engine, keys, commands);
        long datasetHeap = usedHeap() - heapBefore;
        System.out.printf("dataset: %d keys, %.1f MB of heap%n", keys, datasetHeap / 1e6);

        // 1. SAVE time (engine not started: this thread owns it). Wall and this thread's CPU time
        // (the machine may be shared: CPU time shows the work itself).
        if (phases.contains("save") || !phases.contains("load")) {
            long[] wall = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                long c = cpuNanos();
                long a = allocatedBytes();
                if (!snaps.save()) {
                    throw new IllegalStateException("SAVE failed");
                }
                wall[i] = System.nanoTime() - t;
                System.out.printf("SAVE #%d: %d ms (engine thread CPU %d ms, allocated %.1f MB)%n", i + 1, wall[i] / 1_000_000,
                        (cpuNanos() - c) / 1_000_000, (allocatedBytes() - a) / 1e6);
            }
            System.out.printf("SAVE median: %d ms%n", median(wall) / 1_000_000);
        } else if (!snaps.save()) {
            throw new IllegalStateException("SAVE failed");
        }
        Path file = SnapshotFormat.snapshots(snaps.directory()).get(0);
        long size = Files.size(file);
        System.out.printf("file size: %d bytes (%.1f MB)%n", size, size / 1e6);

        // 2. Redis's RDB of the same data.
        if (phases.contains("rdb")) {
            long rdb = redisRdbSize(commands, dir);
            System.out.printf("redis-server RDB: %d bytes (%.1f MB); ratio %.2f%n", rdb, rdb / 1e6,
                    rdb > 0 ? (double) size / rdb : Double.NaN);
        }

        // 3. Load rate (and reading and verifying alone, to show what decoding into values costs).
        if (phases.contains("load")) {
            for (int i = 0; i < 2; i++) {
                long t = System.nanoTime();
                long c = cpuNanos();
                long[] n = new long[1];
                io.vellum.snapshot.SnapshotReader.read(file, (db, k, seq, he, x, v) -> n[0]++);
                long ns = System.nanoTime() - t;
                System.out.printf("read and verify only #%d: %d ms, %.2f M keys/s (CPU %d ms)%n", i + 1, ns / 1_000_000,
                        n[0] / (ns / 1e9) / 1e6, (cpuNanos() - c) / 1_000_000);
            }
            for (int i = 0; i < 2; i++) {
                long t = System.nanoTime();
                long c = cpuNanos();
                long[] n = new long[1];
                io.vellum.snapshot.SnapshotReader.readValues(file, (db, k, seq, he, x, v) -> n[0]++);
                long ns = System.nanoTime() - t;
                System.out.printf("read, verify and decode values (no keyspace) #%d: %d ms, %.2f M keys/s (CPU %d ms)%n", i + 1,
                        ns / 1_000_000, n[0] / (ns / 1e9) / 1e6, (cpuNanos() - c) / 1_000_000);
            }
            long[] wall = new long[runs];
            for (int i = 0; i < runs; i++) {
                Engine fresh = Engine.builder().log(LOG).build();
                long gc = gcMillis();
                long t = System.nanoTime();
                long c = cpuNanos();
                new ProtoSnapshotStore(dir).load(fresh);
                wall[i] = System.nanoTime() - t;
                System.out.printf("load #%d: %d ms, %.2f M keys/s (loading thread CPU %d ms, GC %d ms)%n", i + 1,
                        wall[i] / 1_000_000, keys / (wall[i] / 1e9) / 1e6, (cpuNanos() - c) / 1_000_000, gcMillis() - gc);
                fresh.close();
                fresh = null;
                usedHeap();
            }
            long m = median(wall);
            System.out.printf("load median: %d ms, %.2f M keys/s%n", m / 1_000_000, keys / (m / 1e9) / 1e6);
        }
        if (Boolean.getBoolean("vellum.bench.keep")) {
            System.out.println("store directory kept (for SnapshotColdLoad): " + dir);
        }
        if (!phases.contains("latency") && !phases.contains("heap")) {
            engine.close();
            return;
        }

        // 4 and 5: a started engine, writes from 2 clients, with and without BGSAVE.
        engine.start();
        long t = System.nanoTime();
        engine.call(() -> {
            snaps.bgsave();
            return null;
        }).get();
        while (snaps.inProgressVolatile()) {
            Thread.sleep(1);
        }
        System.out.printf("BGSAVE on an idle engine: %d ms%n", (System.nanoTime() - t) / 1_000_000);
        // Latency phases sample no heap (a full GC would stall the engine in both).
        if (phases.contains("latency")) {
            // Pairs of phases, without then with BGSAVE, so that both see the same machine (a shared
            // one varies by the minute); the figure is the median of the pairs' p99 ratios.
            int pairs = Integer.getInteger("vellum.bench.pairs", 3);
            long[] ratios = new long[pairs];
            for (int p = 0; p < pairs; p++) {
                long[] without = writeLoad(engine, keys, null, 4, false);
                long[] with = writeLoad(engine, keys, snaps, 4, false);
                System.out.printf("pair %d: SET latency without BGSAVE: p50 %d us, p99 %d us, p999 %d us (%d ops)%n", p + 1,
                        without[0], without[1], without[2], without[3]);
                System.out.printf("pair %d: SET latency during BGSAVE:  p50 %d us, p99 %d us, p999 %d us (%d ops, %d snapshots)%n",
                        p + 1, with[0], with[1], with[2], with[3], with[5]);
                ratios[p] = with[1] * 1000 / Math.max(1, without[1]);
                System.out.printf("pair %d: p99 ratio %.2f%n", p + 1, ratios[p] / 1000.0);
            }
            System.out.printf("p99 ratio, median of %d pairs: %.2f%n", pairs, median(ratios) / 1000.0);
        }
        if (phases.contains("heap")) {
            long[] heapWithout = writeLoad(engine, keys, null, 4, true);
            long[] heapWith = writeLoad(engine, keys, snaps, 8, true);
            System.out.printf("retained heap under writes: %.1f MB without, %.1f MB at most during BGSAVE (%d snapshots);"
                    + " extra %.1f MB = %.1f%% of the dataset's heap%n", heapWithout[4] / 1e6, heapWith[4] / 1e6, heapWith[5],
                    (heapWith[4] - heapWithout[4]) / 1e6, 100.0 * (heapWith[4] - heapWithout[4]) / datasetHeap);
        }
        engine.close();
    }

    /** The dataset, applied to the engine and written as RESP for redis-cli --pipe. */
    private static void populate(Engine engine, int keys, Path commands) throws IOException {
        Session s = engine.openSession(new LocalConnection(2, r -> { }, "bench"));
        Random r = new Random(1);
        List<byte[][]> batch = new ArrayList<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(commands), 1 << 20)) {
            for (int i = 0; i < keys; i++) {
                String k = "key:" + i;
                int kind = r.nextInt(100);
                String[] cmd;
                if (kind < 70) {
                    cmd = new String[] {"SET", k, "value-" + r.nextInt(1_000_000) + "-abcdefgh"};
                } else if (kind < 80) {
                    cmd = new String[] {"HSET", k, "f1", "v" + r.nextInt(1000), "f2", "v2", "f3", "v" + r.nextInt(100), "f4", "x", "f5", "y"};
                } else if (kind < 90) {
                    cmd = new String[] {"SADD", k, "m" + r.nextInt(1000), "m" + r.nextInt(1000), "a", "b", "c"};
                } else if (kind < 95) {
                    cmd = new String[] {"RPUSH", k, "e1", "e2", "e" + r.nextInt(1000), "e4", "e5"};
                } else {
                    cmd = new String[] {"ZADD", k, "1", "a", "2", "b", Integer.toString(r.nextInt(100)), "c", "4", "d", "5", "e"};
                }
                add(batch, out, cmd);
                if (r.nextInt(10) == 0) {
                    add(batch, out, new String[] {"PEXPIREAT", k, Long.toString(4_102_444_800_000L + i)});
                }
                if (batch.size() >= 1000) {
                    engine.submit(s, new ArrayList<>(batch));
                    batch.clear();
                }
            }
        }
        engine.submit(s, batch);
        engine.closeSession(s);
    }

    private static void add(List<byte[][]> batch, OutputStream out, String[] cmd) throws IOException {
        byte[][] argv = new byte[cmd.length][];
        StringBuilder sb = new StringBuilder("*").append(cmd.length).append("\r\n");
        for (int i = 0; i < cmd.length; i++) {
            argv[i] = cmd[i].getBytes(StandardCharsets.US_ASCII);
            sb.append('$').append(argv[i].length).append("\r\n").append(cmd[i]).append("\r\n");
        }
        batch.add(argv);
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Loads the same commands into a redis-server, SAVEs, returns dump.rdb's size (-1 without redis-server). */
    private static long redisRdbSize(Path commands, Path dir) throws Exception {
        int port = 17000 + new Random().nextInt(1000);
        Process server;
        try {
            server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--dbfilename", "dump.rdb").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            System.out.println("redis-server not found: no RDB comparison");
            return -1;
        }
        try {
            Thread.sleep(500);
            Process pipe = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "--pipe")
                    .redirectInput(commands.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("pipe.log").toFile()).start();
            pipe.waitFor(600, TimeUnit.SECONDS);
            Process save = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "SAVE").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("save.log").toFile()).start();
            save.waitFor(600, TimeUnit.SECONDS);
            return Files.size(dir.resolve("dump.rdb"));
        } finally {
            new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "SHUTDOWN", "NOSAVE").start().waitFor(10, TimeUnit.SECONDS);
            server.destroy();
        }
    }

    /**
     * Two closed-loop clients SET random existing string keys for {@code seconds}; with
     * {@code snaps}, BGSAVE runs back to back meanwhile. Returns p50, p99, p999 (µs), ops, the most
     * retained heap seen (bytes), snapshots taken.
     */
    private static long[] writeLoad(Engine engine, int keys, ProtoSnapshotStore snaps, int seconds, boolean sampleHeap)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> samples = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            long[] lat = new long[10_000_000];
            samples.add(lat);
            int id = c;
            Thread t = new Thread(() -> {
                Semaphore done = new Semaphore(0);
                Session s = engine.openSession(new LocalConnection(2, r -> done.release(), "load" + id));
                Random r = new Random(id);
                int n = 0;
                while (!stop.get() && n < lat.length - 1) {
                    byte[][] argv = {{'S', 'E', 'T'}, ("key:" + r.nextInt(keys)).getBytes(StandardCharsets.US_ASCII),
                            ("w" + r.nextInt()).getBytes(StandardCharsets.US_ASCII)};
                    long t0 = System.nanoTime();
                    engine.submit(s, List.<byte[][]>of(argv));
                    done.acquireUninterruptibly();
                    lat[++n] = (System.nanoTime() - t0) / 1000;
                }
                lat[0] = n;
                engine.closeSession(s);
            });
            clients.add(t);
        }
        clients.forEach(Thread::start);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long maxHeap = 0;
        long snapshots = 0;
        while (System.nanoTime() < end) {
            if (snaps != null) {
                boolean started = engine.call(() -> {
                    if (!snaps.inProgressVolatile()) {
                        snaps.bgsave();
                        return true;
                    }
                    return false;
                }).get();
                if (started) {
                    snapshots++;
                }
            }
            Thread.sleep(sampleHeap ? 250 : 20);
            if (sampleHeap) {
                // Retained heap, measured between units (the engine thread runs the GC).
                maxHeap = Math.max(maxHeap, engine.call(SnapshotBenchmark::usedHeap).get());
            }
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join();
        }
        while (snaps != null && snaps.inProgressVolatile()) {
            Thread.sleep(1);
        }
        int total = 0;
        for (long[] l : samples) {
            total += (int) l[0];
        }
        long[] all = new long[total];
        int k = 0;
        for (long[] l : samples) {
            System.arraycopy(l, 1, all, k, (int) l[0]);
            k += (int) l[0];
        }
        Arrays.sort(all);
        return new long[] {all[total / 2], all[(int) (total * 0.99)], all[(int) (total * 0.999)], total, maxHeap, snapshots};
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Bytes this thread allocated so far (the engine thread's garbage during a SAVE). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long gcMillis() {
        long t = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

}
