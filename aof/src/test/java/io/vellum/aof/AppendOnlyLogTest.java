package io.vellum.aof;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendOnlyLogTest {
    @TempDir
    Path dir;

    @Test
    void writesSurviveAReopen() throws Exception {
        String digest;
        long last;
        try (LogStore s = LogStore.open(dir)) {
            TestStore.Client c = s.client;
            assertEquals(OK, c.call("SET", "a", "1"));
            assertEquals(OK, c.call("SET", "b", "2", "PX", "100000"));
            c.call("MULTI");
            c.call("SET", "c", "3");
            c.call("DEL", "a");
            c.call("EXEC");
            c.call("SELECT", "3");
            assertEquals(OK, c.call("SET", "in3", "x"));
            assertEquals(bulk("x"), c.call("GET", "in3"));
            digest = s.digest();
            last = s.log.lastPosition();
            assertEquals(4, s.log.appendedRecords());
        }
        try (LogStore s = LogStore.open(dir)) {
            TestStore.Client c = s.client;
            assertEquals(NULL, c.call("GET", "a"));
            assertEquals(bulk("2"), c.call("GET", "b"));
            assertEquals(bulk("3"), c.call("GET", "c"));
            c.call("SELECT", "3");
            assertEquals(bulk("x"), c.call("GET", "in3"));
            assertEquals(digest, s.digest());
            assertEquals(last, s.log.lastPosition());
            c.call("SELECT", "0");
            assertEquals(OK, c.call("SET", "d", "4"));
            assertTrue(s.log.lastPosition() > last);
        }
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(bulk("4"), s.client.call("GET", "d"));
        }
    }

    @Test
    void anEmptyDirectoryOpensAsAnEmptyStore() throws Exception {
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(-1, s.log.lastPosition());
            assertEquals(NULL, s.client.call("GET", "x"));
        }
        assertTrue(Files.isDirectory(dir.resolve("aof")));
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedClearly() throws Exception {
        try (LogStore s = LogStore.open(dir)) {
            s.client.call("SET", "k", "v");
            DirectoryLock.StoreLockedException e = assertThrows(DirectoryLock.StoreLockedException.class,
                    () -> LogStore.open(dir));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(bulk("v"), s.client.call("GET", "k"));
        }
    }

    @Test
    void alwaysSyncsEveryBatchAndEverysecAndNoDoNot() throws Exception {
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS))) {
            s.client.call("SET", "k", "v");
            assertEquals("0", s.log.info().get("aof_pending_bio_fsync"));
            assertTrue(!s.log.syncPending());
            s.engine().config().appendfsync.setText("no");
            s.client.call("SET", "k", "w");
            assertTrue(s.log.syncPending());
            s.engine().config().appendfsync.setText("always");
            s.client.call("SET", "k", "x");
            assertTrue(!s.log.syncPending());
        }
    }

    @Test
    void everysecSyncsInTheBackgroundWithinAboutASecond() throws Exception {
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.EVERYSEC))) {
            s.client.call("SET", "k", "v");
            assertTrue(s.log.syncPending(), "not synced by the write itself");
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (s.log.syncPending() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(!s.log.syncPending(), "synced by the background thread");
        }
    }

    @Test
    void appendonlyTurnedOffAndOnAfterWritesRefusesWrites() throws Exception {
        try (LogStore s = LogStore.open(dir)) {
            s.client.call("SET", "a", "1");
            s.engine().config().appendonly.set(false);
            s.client.call("SET", "b", "2");
            s.engine().config().appendonly.set(true);
            io.vellum.core.reply.Reply r = s.client.call("SET", "c", "3");
            assertTrue(r instanceof io.vellum.core.reply.Reply.Error e && e.text().startsWith("MISCONF")
                    && e.text().contains("appendonly was off"), r.toString());
            assertEquals(bulk("2"), s.client.call("GET", "b"), "reads keep working");
        }
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(bulk("1"), s.client.call("GET", "a"));
            assertEquals(NULL, s.client.call("GET", "b"), "what ran with appendonly off is not in the log");
        }
    }

    @Test
    void aDivergentReplayStopsRecoveryNamingThePositionTheUnitAndBothDigests() throws Exception {
        long bad;
        try (LogStore s = LogStore.open(dir)) {
            s.client.call("SET", "a", "1");
            // A record whose digest is not what its unit does (as a different build would write).
            bad = s.log.append(new io.vellum.core.spi.UnitRecord(io.vellum.core.spi.UnitRecord.Kind.COMMAND, 0, 2,
                    1_700_000_000_000_000L, 1, java.util.List.<byte[][]>of(new byte[][] {
                            "SET".getBytes(), "k".getBytes(), "v".getBytes()}), 0x1234));
            s.client.call("SET", "b", "2");
        }
        RecoveryException e = assertThrows(RecoveryException.class, () -> LogStore.open(dir));
        assertTrue(e.getMessage().contains("diverged at position " + bad), e.getMessage());
        assertTrue(e.getMessage().contains("unit [SET k v]"), e.getMessage());
        assertTrue(e.getMessage().contains("effect digest 0000000000001234 but replays with "), e.getMessage());
        assertTrue(Files.exists(dir.resolve("aof")), "the log is left as it was");
    }

    @Test
    void bgrewriteaofSaysItNeedsTheSnapshotStore() throws Exception {
        try (TestStore st = new TestStore(io.vellum.core.engine.Engine.builder().commands(new AofCommands()))) {
            assertEquals(error(AofCommands.NEEDS_SNAPSHOTS), st.client().call("BGREWRITEAOF"));
        }
    }
}
