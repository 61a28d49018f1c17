package io.vellum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.reply.Reply;
import io.vellum.snapshot.Datasets;
import io.vellum.snapshot.SnapshotFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery from snapshot plus log through the façade: a reopened store answers every read as
 * the store that wrote it, and a BGSAVE taken while clients write holds exactly the state at
 * its position. Seeds are fixed and printed in failure messages.
 */
class SnapshotRecoveryTest {
    @TempDir
    Path dir;

    private static Vellum open(Path d) {
        return Vellum.builder().dir(d).configure(c -> c.save.set(List.of())).open();
    }

    private static List<String> dump(VellumConnection c) {
        return Datasets.dump(c::execute, 4);
    }

    /** DEBUG DIGEST (contents and TTLs) and each database's KEYS order: cheaper than a dump of 50k keys. */
    private static List<String> digestAndOrder(VellumConnection c) {
        List<String> out = new ArrayList<>();
        out.add(Datasets.text(c.execute("DEBUG", "DIGEST")));
        for (int db = 0; db < 4; db++) {
            c.execute("SELECT", Integer.toString(db));
            out.add(Datasets.text(c.execute("KEYS", "*")));
            out.add(Datasets.text(c.execute("SCAN", "100", "COUNT", "1000")));
        }
        c.execute("SELECT", "0");
        return out;
    }

    private static String info(VellumConnection c, String field) {
        String text = Datasets.text(c.execute("INFO", "persistence"));
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field + " in " + text);
    }

    @Test
    void openLoadsTheNewestSnapshotThenReplaysTheLogAfterIt() {
        List<String> expected;
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            Datasets.populate(pipelined(c), 2);
            assertEquals(new Reply.Simple("OK"), c.execute("SAVE"));
            Random r = new Random(3);
            for (int i = 0; i < 500; i++) {
                c.executeAsync(bytes(Datasets.randomWrite(r)));
            }
            expected = dump(c);
        }
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            Datasets.assertSameDump(expected, dump(c), "seed 2/3");
            assertTrue(Long.parseLong(info(c, "rdb_last_load_keys_loaded")) > 40);
        }
    }

    @Test
    void aBgsaveTakenWhileClientsWriteHoldsTheStateAtItsPosition() throws Exception {
        String digestAtSnapshot;
        List<String> atEnd;
        long seed = 7;
        AtomicLong writesDuring = new AtomicLong();
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            v.snapshots().sliceMicros(5);
            Datasets.populate(pipelined(c), seed);
            for (int i = 0; i < 500; i++) {
                List<String> mset = new ArrayList<>(List.of("MSET"));
                for (int j = 0; j < 100; j++) {
                    mset.add("bulk:" + i + ":" + j);
                    mset.add("value-" + j);
                }
                c.execute(mset.toArray(new String[0]));
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                Random r = new Random(seed);
                try (VellumConnection w = v.connect()) {
                    while (!stop.get()) {
                        // 200 commands in flight: many units run between two slices of the snapshot
                        List<java.util.concurrent.CompletableFuture<Reply>> inFlight = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            inFlight.add(w.executeAsync(bytes(Datasets.randomWrite(r))));
                            inFlight.add(w.executeAsync(bytes("DEL", "bulk:" + r.nextInt(500) + ":" + r.nextInt(100))));
                            inFlight.add(w.executeAsync(bytes("APPEND", "bulk:" + r.nextInt(500) + ":" + r.nextInt(100), "+")));
                            inFlight.add(w.executeAsync(bytes("SET", "new:" + r.nextInt(), "x")));
                        }
                        for (var f : inFlight) {
                            f.join();
                        }
                        writesDuring.addAndGet(inFlight.size());
                    }
                }
            });
            writer.start();
            while (writesDuring.get() < 400) {
                Thread.sleep(1);
            }
            // The digest and the snapshot's start at the same point between units.
            // A burst of writes sent with it: they are queued before the snapshot's second slice.
            c.execute("MULTI");
            c.execute("DEBUG", "DIGEST");
            c.execute("BGSAVE");
            var exec = c.executeAsync(bytes("EXEC"));
            Random burst = new Random(seed + 1);
            for (int i = 0; i < 2000; i++) {
                c.executeAsync(bytes("DEL", "bulk:" + burst.nextInt(500) + ":" + burst.nextInt(100)));
            }
            List<Reply> r = ((Reply.Array) exec.get()).items();
            digestAtSnapshot = Datasets.text(r.get(0));
            assertEquals(new Reply.Simple("Background saving started"), r.get(1));
            long before = writesDuring.get();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (info(c, "rdb_bgsave_in_progress").equals("1") && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            long during = writesDuring.get() - before;
            stop.set(true);
            writer.join();
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertTrue(Long.parseLong(info(c, "rdb_last_cow_size")) > 0,
                    "no key was copied before a change (" + during + " writes while the snapshot ran)");
            atEnd = digestAndOrder(c);
        }
        // The snapshot alone (no log): the state when BGSAVE started.
        Path only = dir.resolve("copy");
        Files.createDirectories(only.resolve(SnapshotFormat.DIR));
        try (Stream<Path> s = Files.list(SnapshotFormat.directory(dir))) {
            for (Path p : s.toList()) {
                Files.copy(p, only.resolve(SnapshotFormat.DIR).resolve(p.getFileName()));
            }
        }
        try (Vellum v = Vellum.builder().dir(only).appendOnly(false).configure(c -> c.save.set(List.of())).open();
             VellumConnection c = v.connect()) {
            assertEquals(digestAtSnapshot, Datasets.text(c.execute("DEBUG", "DIGEST")), "seed " + seed);
        }
        // The snapshot plus the log after its position: the state at the end.
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            Datasets.assertSameDump(atEnd, digestAndOrder(c), "seed " + seed);
        }
    }

    @Test
    void shutdownSavesWithSavePointsOrWhenAskedAndNotWithNosave() throws Exception {
        try (Vellum v = Vellum.open(dir); VellumConnection c = v.connect()) {
            c.execute("SET", "a", "1");
            c.execute("SET", "b", "1");
            shutdown(v, c, "NOSAVE");
            assertEquals(0, snapshotCount());
        }
        assertEquals(0, snapshotCount(), "close after SHUTDOWN NOSAVE takes no snapshot");
        try (Vellum v = Vellum.open(dir); VellumConnection c = v.connect()) {
            c.execute("SET", "c", "1");
            shutdown(v, c);
            assertEquals(1, snapshotCount(), "default save points: SHUTDOWN saves");
        }
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            assertEquals(new Reply.Int(3), c.execute("DBSIZE"));
            c.execute("SET", "d", "1");
            shutdown(v, c);
            assertEquals(1, snapshotCount(), "no save points: SHUTDOWN does not save");
            shutdown(v, v.connect(), "SAVE");
            assertEquals(2, snapshotCount());
        }
        try (Vellum v = Vellum.open(dir); VellumConnection c = v.connect()) {
            c.execute("SET", "e", "1");
        }
        assertEquals(2, snapshotCount(), "retention keeps two");
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            assertEquals(new Reply.Int(5), c.execute("DBSIZE"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
        }
    }

    @Test
    void bgrewriteaofTakesASnapshotAndSaveRefusesWhileOneRuns() throws Exception {
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            v.snapshots().sliceMicros(1);
            for (int i = 0; i < 100; i++) {
                List<String> mset = new ArrayList<>(List.of("MSET"));
                for (int j = 0; j < 100; j++) {
                    mset.add("k" + i + ":" + j);
                    mset.add("v");
                }
                c.execute(mset.toArray(new String[0]));
            }
            // Sent together: the commands after the first run while its snapshot does.
            List<java.util.concurrent.CompletableFuture<Reply>> f = new ArrayList<>();
            for (String[] cmd : new String[][] {{"BGREWRITEAOF"}, {"BGREWRITEAOF"}, {"BGSAVE"}, {"BGSAVE", "SCHEDULE"},
                    {"SAVE"}, {"INFO", "persistence"}}) {
                byte[][] argv = new byte[cmd.length][];
                for (int i = 0; i < cmd.length; i++) {
                    argv[i] = cmd[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                f.add(c.executeAsync(argv));
            }
            List<Reply> r = new ArrayList<>();
            for (var x : f) {
                r.add(x.get());
            }
            String infoText = Datasets.text(r.get(5));
            assertTrue(infoText.contains("aof_rewrite_in_progress:1"), infoText);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!info(c, "rdb_saves").equals("2") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("2", info(c, "rdb_saves"), "the rewrite and the scheduled BGSAVE");
            assertEquals("1", info(c, "aof_rewrites"));
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
        }
    }

    /** Sends without waiting (replies in order on the connection; the next synchronous call waits for them). */
    private static java.util.function.Function<String[], Reply> pipelined(VellumConnection c) {
        return argv -> {
            c.executeAsync(bytes(argv));
            return null;
        };
    }

    private static byte[][] bytes(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return b;
    }

    /** SHUTDOWN answers nothing when it succeeds: send it, then wait on another connection. */
    private static void shutdown(Vellum v, VellumConnection c, String... flags) {
        String[] argv = new String[flags.length + 1];
        argv[0] = "SHUTDOWN";
        System.arraycopy(flags, 0, argv, 1, flags.length);
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            b[i] = argv[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        c.executeAsync(b);
        try (VellumConnection other = v.connect()) {
            other.execute("PING");
        }
    }

    private long snapshotCount() throws Exception {
        Path d = SnapshotFormat.directory(dir);
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".vsnap")).count();
        }
    }
}
