package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.await;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.info;
import static io.vellum.replication.ReplicaTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.aof.LogFiles;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full resync: a replica whose position is gone from the primary's log (retention deleted the
 * files while it was down) gets the primary's snapshot and then the records after it, over TCP
 * and on the same host; it survives a restart afterwards and keeps following.
 */
class FullResyncTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path tmp;

    /** Mixed small types, {@code n} of each, named after {@code tag}. */
    static void load(Vellum s, String tag, int n) {
        for (int i = 0; i < n; i++) {
            s.execute("SET", tag + ":s" + i, "v" + i);
            s.execute("HSET", tag + ":h" + (i % 10), "f" + i, "v" + i);
            s.execute("SADD", tag + ":set" + (i % 7), "m" + i);
            s.execute("RPUSH", tag + ":l" + (i % 5), "e" + i);
            s.execute("ZADD", tag + ":z" + (i % 3), Integer.toString(i), "m" + i);
        }
        s.execute("PEXPIRE", tag + ":s0", "100000000");
        s.execute("SCRIPT", "LOAD", "return redis.call('GET', KEYS[1])");
    }

    /**
     * Writes on the primary while the replica is down, with the log rolling to a new hourly file
     * and two snapshots, so retention deletes the file that held the replica's position.
     */
    static void writeAndRetainPastTheReplica(Vellum primary, SetTimeProvider clock, Path pdir) throws Exception {
        int filesBefore = LogFiles.cycleFiles(LogFiles.aofDir(pdir)).size();
        load(primary, "gone", 50); // after the replica's position, in the file about to go
        clock.advanceMillis(HOUR);
        load(primary, "later", 50);
        assertEquals("OK", text(primary.execute("SAVE")));
        clock.advanceMillis(HOUR);
        load(primary, "last", 50);
        assertEquals("OK", text(primary.execute("SAVE")));
        var files = LogFiles.cycleFiles(LogFiles.aofDir(pdir));
        assertTrue(files.size() <= filesBefore + 1, "retention deleted the oldest log file: " + files);
    }

    /**
     * The snapshot a full resync installed (the replica's newest) names, as its base_serial, the
     * serial the replica's own log gives the record at its position: recovery anchors its walk
     * to that record with it.
     */
    static void assertInstalledSnapshotNamesItsRecord(Path dir) throws Exception {
        var h = io.vellum.snapshot.SnapshotReader.header(io.vellum.snapshot.SnapshotFormat.snapshots(
                io.vellum.snapshot.SnapshotFormat.directory(dir)).get(0));
        assertTrue(h.getBaseSerial() > 0, "the installed snapshot knows its record's serial: " + h);
        try (var q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); var s = new io.vellum.aof.LogScanner(q)) {
            s.seekAfter(-1);
            boolean found = false;
            while (!found && s.next()) {
                found = s.position() == h.getLogPosition();
            }
            assertTrue(found, "the replica's log holds the record at " + h.getLogPosition());
            assertEquals(h.getBaseSerial(), s.serial(), "the serial of the record at the installed snapshot's position");
        }
    }

    @Test
    void aTcpReplicaWhosePositionRetentionDeletedResyncsFromASnapshot() throws Exception {
        Path pdir = tmp.resolve("p");
        SetTimeProvider clock = new SetTimeProvider(System.currentTimeMillis() * 1_000_000L);
        try (Vellum primary = Vellum.builder().dir(pdir).logClock(clock).open()) {
            RespServer ps = primary.serve(0);
            Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            load(primary, "first", 100);
            awaitCaughtUp(primary, replica, 10_000);
            replica.close();

            writeAndRetainPastTheReplica(primary, clock, pdir);

            replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            try {
                awaitCaughtUp(primary, replica, 20_000);
                assertSameData(primary, replica);
                assertEquals("0", info(replica, "master_sync_in_progress"));
                assertEquals(info(primary, "master_repl_offset"), info(replica, "master_repl_offset"));
                assertInstalledSnapshotNamesItsRecord(tmp.resolve("r"));
                // EVALSHA of a script the snapshot carried
                assertEquals("v1", text(replica.execute("EVALSHA", "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f", "1",
                        "gone:s1")));
                load(primary, "after", 20);
                awaitCaughtUp(primary, replica, 10_000);
                assertSameData(primary, replica);
            } finally {
                replica.close();
            }
            // the resynced replica restarts from its own snapshot and log, and continues
            load(primary, "while-down", 20);
            replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            try {
                awaitCaughtUp(primary, replica, 10_000);
                assertSameData(primary, replica);
                assertEquals(null, replica.replication().lastError());
                primary.execute("SET", "before-the-crash", "1");
                awaitCaughtUp(primary, replica, 10_000);
            } finally {
                replica.close();
            }
            // a resync stopped in the middle (its marker left behind): the replica is resynced again
            java.nio.file.Files.writeString(tmp.resolve("r").resolve(FullResync.INCOMPLETE), "x");
            String idBefore = info(primary, "master_replid");
            replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            try {
                Vellum r = replica;
                await("the interrupted resync to be redone", 20_000,
                        () -> !java.nio.file.Files.exists(tmp.resolve("r").resolve(FullResync.INCOMPLETE))
                                && r.replication().linkUp());
                awaitCaughtUp(primary, replica, 10_000);
                assertSameData(primary, replica);
                assertEquals(idBefore, info(replica, "master_replid"));
            } finally {
                replica.close();
            }
        }
    }

    @Test
    void aSameHostFollowerWhosePositionIsGoneLoadsThePrimarysNewestSnapshot() throws Exception {
        Path pdir = tmp.resolve("p");
        SetTimeProvider clock = new SetTimeProvider(System.currentTimeMillis() * 1_000_000L);
        try (Vellum primary = Vellum.builder().dir(pdir).logClock(clock).open()) {
            Vellum follower = Vellum.builder().dir(tmp.resolve("f")).followDir(pdir).open();
            load(primary, "first", 100);
            awaitCaughtUp(primary, follower, 10_000);
            follower.close();

            writeAndRetainPastTheReplica(primary, clock, pdir);

            follower = Vellum.builder().dir(tmp.resolve("f")).followDir(pdir).open();
            try {
                awaitCaughtUp(primary, follower, 20_000);
                assertSameData(primary, follower);
                load(primary, "after", 20);
                awaitCaughtUp(primary, follower, 10_000);
                assertSameData(primary, follower);
            } finally {
                follower.close();
            }
            follower = Vellum.builder().dir(tmp.resolve("f")).followDir(pdir).open();
            try {
                load(primary, "reopened", 5);
                awaitCaughtUp(primary, follower, 10_000);
                assertSameData(primary, follower);
            } finally {
                follower.close();
            }
        }
    }

    @Test
    void aSameHostFollowerOfAPrimaryWhoseLogWasReplacedResyncsNotMerges() throws Exception {
        Path pdir = tmp.resolve("p");
        Vellum follower;
        try (Vellum primary = Vellum.open(pdir)) {
            follower = Vellum.builder().dir(tmp.resolve("f")).followDir(pdir).open();
            load(primary, "old", 30);
            awaitCaughtUp(primary, follower, 10_000);
        }
        try {
            // another store takes the primary's directory: a log that does not continue the follower's
            try (var files = java.nio.file.Files.walk(pdir)) {
                for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    java.nio.file.Files.delete(f);
                }
            }
            try (Vellum primary = Vellum.open(pdir)) {
                load(primary, "new", 10);
                assertEquals("OK", text(primary.execute("SAVE")));
                Vellum f = follower;
                await("the follower to resync", 20_000, () -> "1".equals(text(f.execute("EXISTS", "new:s1")))
                        && f.replication().offset() >= primary.replication().offset());
                assertSameData(primary, follower);
                assertEquals(new Reply.Int(0), follower.execute("EXISTS", "old:s1"), "replaced, never merged");
            }
        } finally {
            follower.close();
        }
    }

    @Test
    void progressIsReportedOnBothSides() throws Exception {
        Path pdir = tmp.resolve("p");
        try (Vellum primary = Vellum.open(pdir);
             Vellum replica = Vellum.open(tmp.resolve("r"))) {
            RespServer ps = primary.serve(0);
            replica.execute("SET", "own", "history"); // its own log: it cannot continue the primary's
            var c = primary.connect();
            String pad = "x".repeat(300); // a few MB to transfer: long enough to be seen in progress
            for (int i = 0; i < 20_000; i += 1000) {
                String[] argv = new String[2001];
                argv[0] = "MSET";
                for (int j = 0; j < 1000; j++) {
                    argv[1 + 2 * j] = "k" + (i + j);
                    argv[2 + 2 * j] = "value-" + (i + j) + pad;
                }
                c.execute(argv);
            }
            c.close();
            Set<String> replicaSide = ConcurrentHashMap.newKeySet();
            Set<String> primarySide = ConcurrentHashMap.newKeySet();
            replica.execute("REPLICAOF", "127.0.0.1", Integer.toString(ps.port()));
            long deadline = System.currentTimeMillis() + 20_000;
            while (replica.replication().offset() < primary.replication().offset() && System.currentTimeMillis() < deadline) {
                String inProgress = info(replica, "master_sync_in_progress");
                if ("1".equals(inProgress)) {
                    replicaSide.add("in_progress");
                    String total = info(replica, "master_sync_total_bytes");
                    String read = info(replica, "master_sync_read_bytes");
                    if (total != null && Long.parseLong(total) > 0 && read != null) {
                        replicaSide.add("bytes");
                    }
                }
                String slave = info(primary, "slave0");
                if (slave != null) {
                    primarySide.add(slave.replaceAll(".*state=([a-z_]+).*", "$1"));
                }
            }
            awaitCaughtUp(primary, replica, 20_000);
            assertEquals(ReplicaTestSupport.digest(primary), ReplicaTestSupport.digest(replica));
            assertEquals(new Reply.Int(0), replica.execute("EXISTS", "own"), "the replica's own history is replaced, never merged");
            assertTrue(replicaSide.contains("in_progress") && replicaSide.contains("bytes"),
                    "the replica reported the transfer: " + replicaSide);
            assertTrue(primarySide.contains("wait_bgsave") || primarySide.contains("send_bulk"),
                    "the primary reported the transfer: " + primarySide);
            await("the replica online", 5000, () -> info(primary, "slave0") != null
                    && info(primary, "slave0").contains("state=online"));
        }
    }
}
