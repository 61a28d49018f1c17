package io.vellum.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.aof.AofCommands;
import io.vellum.aof.AofOptions;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.BaseState;
import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.UnitRecord;
import io.vellum.snapshot.ProtoSnapshotStore;
import io.vellum.snapshot.SnapshotFormat;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary whose last record was torn by a crash after the snapshot covering it was synced:
 * recovery puts a stand-in where the record was and retires the older snapshot. A replica
 * that has not applied the lost record cannot continue (it gets a full resync); one that has
 * continues; a full resync sends the snapshot with the stand-in as the record it ends with.
 */
class TornCoveredResyncTest {
    @TempDir
    Path dir;

    static TestStore open(Path dir) throws Exception {
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(dir);
        TestStore st = new TestStore(Engine.builder().commands(new AofCommands()).commands(snaps.commands()));
        AppendOnlyLog.open(st.engine, AofOptions.of(dir).base(BaseState.of(snaps::load, snaps::retireOlderThan)));
        snaps.attach(st.engine);
        return st;
    }

    /** Zeroes the second half of the log's last record (a write the crash cut). */
    void tearLastRecord() throws Exception {
        long header = -1;
        long end = -1;
        long position = -1;
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            while (s.next()) {
                header = s.headerOffset();
                end = s.endOffset();
                position = s.position();
            }
        }
        Path file = LogFiles.aofDir(dir).resolve(LogFiles.cycleFileName(LogFiles.cycleOf(position)));
        long mid = header + (end - header) / 2;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(mid);
            f.write(new byte[(int) (end - mid)]);
        }
    }

    static List<String> names(Path snapshots) throws Exception {
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aReplicaBehindTheLostRecordGetsAFullResyncAndOneAtItContinues() throws Exception {
        try (TestStore st = open(dir)) {
            var c = st.client();
            c.call("SET", "a", "1");
            assertEquals(TestStore.OK, c.call("SAVE"));
            c.call("SET", "b", "2");
            c.call("SET", "c", "3");
            assertEquals(TestStore.OK, c.call("SAVE"));
        }
        tearLastRecord();
        Path snapshots = SnapshotFormat.directory(dir);
        try (TestStore st = open(dir)) {
            var c = st.client();
            assertEquals(TestStore.bulk("3"), c.call("GET", "c"), "the snapshot holds the torn record's effects");
            assertEquals(3, ((AppendOnlyLog) st.engine.log()).lastSerial());
            assertEquals(1, names(snapshots).stream().filter(n -> n.endsWith(SnapshotFormat.RETIRED_SUFFIX)).count(),
                    "the older snapshot is retired: " + names(snapshots));
            c.call("SET", "d", "4");
            assertEquals(4, ((AppendOnlyLog) st.engine.log()).lastSerial());
        }

        try (LogTail t = new LogTail(dir)) {
            assertEquals(LogTail.Seek.GONE, t.seekAfter(2), "a replica that applied record 2 cannot continue");
            assertEquals(LogTail.Seek.OK, t.seekAfter(3), "a replica that applied the lost record 3 can");
            assertTrue(t.next());
            assertEquals(4, t.serial());
            // a replica tailing from record 1 meets the stand-in in the stream: it stops there
            assertEquals(LogTail.Seek.OK, t.seekAfter(1));
            assertTrue(t.next());
            assertEquals(2, t.serial());
            LogDamageException e = assertThrows(LogDamageException.class, t::next);
            assertTrue(e.getMessage().contains("full resync"), e.getMessage());
        }

        // a full resync sends the newest snapshot, then the stand-in as the record it ends with
        try (SnapshotSource.Prepared p = SnapshotSource.newestUsable(dir)) {
            assertNotNull(p);
            assertEquals(3, p.serial());
            try (LogTail t = new LogTail(dir)) {
                assertEquals(LogTail.Seek.OK, t.seekToSnapshotRecord(p.serial() - 1));
                assertTrue(t.next());
                assertEquals(UnitRecord.Kind.LOST, t.record().kind());
                assertTrue(t.next());
                assertEquals(4, t.serial());
                assertFalse(t.next());
            }
        }

        // the next snapshot's retention deletes the retired one; the store reopens the same
        try (TestStore st = open(dir)) {
            assertEquals(TestStore.bulk("4"), st.client().call("GET", "d"));
            assertEquals(TestStore.OK, st.client().call("SAVE"));
            assertEquals(0, names(snapshots).stream().filter(n -> n.endsWith(SnapshotFormat.RETIRED_SUFFIX)).count());
        }
        try (TestStore st = open(dir)) {
            assertEquals(TestStore.bulk("3"), st.client().call("GET", "c"));
            assertEquals(TestStore.bulk("4"), st.client().call("GET", "d"));
        }
    }
}
