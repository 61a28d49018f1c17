package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static io.vellum.aof.LogDamageTest.RECORDS;
import static io.vellum.aof.LogDamageTest.backups;
import static io.vellum.aof.LogDamageTest.relocate;
import static io.vellum.aof.LogDamageTest.zero;
import static io.vellum.core.TestStore.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.spi.UnitRecord;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torn last record that the base (a snapshot) already covers: the snapshot was synced, the
 * log's last record was not (a power loss with appendfsync everysec or no). Recovery opens the
 * base, drops the torn record (moved aside and reported), writes a stand-in at its position with
 * its serial, and retires the older bases; the log continues after it, and a second recovery
 * gives the same state plus what was written after the first.
 */
class TornCoveredRecordTest {
    @TempDir
    Path tmp;
    DamageAfterBaseTest t = new DamageAfterBaseTest();
    LogDamageTest.Extent[] extents;

    @BeforeEach
    void writeTemplate() throws Exception {
        t.tmp = tmp;
        t.writeTemplate();
        extents = t.extents;
    }

    /** A base holding every record of the template (the last one included), that records what it retires. */
    final class Snapshot implements BaseState {
        final BaseState inner = t.baseThrough(RECORDS - 1, RECORDS);
        final List<Long> retired = new ArrayList<>();

        @Override
        public BaseState.Base load(io.vellum.core.engine.Engine engine) {
            return inner.load(engine);
        }

        @Override
        public boolean retireOlderThan(long position) {
            retired.add(position);
            return true;
        }
    }

    /** The ways a crash cuts the last record: from its header, in its middle, zeroed or the file truncated. */
    void tear(Path dir, String how) throws Exception {
        LogDamageTest.Extent e = extents[RECORDS - 1];
        Path file = relocate(e.file(), t.template, dir);
        long mid = e.header() + (e.end() - e.header()) / 2;
        switch (how) {
            case "header-zeroed" -> zero(file, e.header(), e.end());
            case "middle-zeroed" -> zero(file, mid, e.end());
            case "crc-zeroed" -> zero(file, e.end() - 4, e.end());
            case "header-truncated", "middle-truncated" -> {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(how.startsWith("header") ? e.header() : mid);
                }
            }
            default -> throw new IllegalArgumentException(how);
        }
    }

    static void assertHoldsAll(LogStore s) {
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(bulk("value-" + i), s.client.call("GET", "k" + i), "k" + i);
        }
    }

    List<UnitRecord> records(Path dir) throws Exception {
        List<UnitRecord> out = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            while (s.next()) {
                out.add(s.record());
            }
        }
        return out;
    }

    @Test
    void aTornRecordTheBaseCoversIsReplacedAndTheLogContinuesAfterIt() throws Exception {
        long covered = extents[RECORDS - 1].position();
        for (String how : List.of("header-zeroed", "middle-zeroed", "crc-zeroed", "header-truncated", "middle-truncated")) {
            Path dir = t.copyOfTemplate(how);
            tear(dir, how);
            Snapshot snap = new Snapshot();
            String digest;
            try (LogStore s = LogStore.open(dir, o -> o.base(snap))) {
                assertHoldsAll(s);
                assertEquals(List.of(covered), snap.retired, how + ": the older bases are retired");
                assertEquals(1, backups(dir).size(), how + ": the torn record is moved aside and reported");
                assertEquals(covered, s.log.lastPosition(), how + ": the stand-in takes the torn record's position");
                assertEquals(RECORDS, s.log.lastSerial(), how + ": ... and its serial");
                assertEquals(OK, s.client.call("SET", "after", "1"));
                assertTrue(s.log.lastPosition() > covered, how + ": the next record comes after the covered position");
                assertEquals(RECORDS + 1, s.log.lastSerial(), how);
                digest = s.digest();
            }
            List<UnitRecord> log = records(dir);
            assertEquals(RECORDS + 1, log.size(), how);
            assertEquals(UnitRecord.Kind.LOST, log.get(RECORDS - 1).kind(), how);
            // reopened: the base again, then the write made after the first recovery
            try (LogStore s = LogStore.open(dir, o -> o.base(new Snapshot()))) {
                assertHoldsAll(s);
                assertEquals(bulk("1"), s.client.call("GET", "after"), how + ": the write after the recovery survives");
                assertEquals(digest, s.digest(), how);
                assertEquals(1, backups(dir).size(), how + ": nothing more is dropped");
                assertEquals(OK, s.client.call("SET", "after", "2"));
                assertEquals(RECORDS + 2, s.log.lastSerial(), how);
            }
            try (LogStore s = LogStore.open(dir, o -> o.base(new Snapshot()))) {
                assertEquals(bulk("2"), s.client.call("GET", "after"), how);
            }
        }
    }

    @Test
    void theStandInGoesWhereTheTornRecordWasEvenWhenTheClockMovedToALaterFile() throws Exception {
        Path dir = t.copyOfTemplate("later");
        tear(dir, "middle-zeroed");
        long covered = extents[RECORDS - 1].position();
        TimeProvider later = new TimeProvider() {
            @Override
            public long currentTimeMillis() {
                return System.currentTimeMillis() + 3 * 3_600_000L;
            }

            @Override
            public long currentTimeMicros() {
                return currentTimeMillis() * 1000;
            }

            @Override
            public long currentTimeNanos() {
                return currentTimeMicros() * 1000;
            }
        };
        try (LogStore s = LogStore.open(dir, o -> o.base(new Snapshot()).time(later))) {
            assertEquals(covered, s.log.lastPosition());
            assertEquals(OK, s.client.call("SET", "after", "1"));
            assertTrue(LogFiles.cycleOf(s.log.lastPosition()) > LogFiles.cycleOf(covered), "the log goes on in a later file");
        }
        try (LogStore s = LogStore.open(dir, o -> o.base(new Snapshot()).time(later))) {
            assertHoldsAll(s);
            assertEquals(bulk("1"), s.client.call("GET", "after"));
        }
    }

    @Test
    void aBaseThatCannotRetireTheOlderOnesIsRefusedAndNothingChanges() throws Exception {
        Path dir = t.copyOfTemplate("plain");
        tear(dir, "middle-zeroed");
        RecoveryException e = assertThrows(RecoveryException.class,
                () -> LogStore.open(dir, o -> o.base(t.baseThrough(RECORDS - 1))));
        assertTrue(e.getMessage().contains("retired"), e.getMessage());
        assertEquals(0, backups(dir).size(), "nothing is changed");
    }

    @Test
    void aTornCoveredRecordIsRefusedWhenAofLoadTruncatedIsNo() throws Exception {
        Path dir = t.copyOfTemplate("strict");
        tear(dir, "middle-zeroed");
        Snapshot snap = new Snapshot();
        RecoveryException e = assertThrows(RecoveryException.class,
                () -> LogStore.open(dir, o -> o.base(snap).loadTruncated(false)));
        assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
        assertEquals(List.of(), snap.retired);
        assertEquals(0, backups(dir).size(), "nothing is changed");
    }

    @Test
    void replayFromAnOlderBaseStopsAtTheStandIn() throws Exception {
        Path dir = t.copyOfTemplate("older");
        tear(dir, "middle-zeroed");
        try (LogStore s = LogStore.open(dir, o -> o.base(new Snapshot()))) {
            assertEquals(OK, s.client.call("SET", "after", "1"));
        }
        // an older base (one the recovery retired, put back by hand) cannot be replayed onto
        RecoveryException e = assertThrows(RecoveryException.class,
                () -> LogStore.open(dir, o -> o.base(t.baseThrough(RECORDS - 3))));
        assertTrue(e.getMessage().contains("a crash tore"), e.getMessage());
        RecoveryException fromEmpty = assertThrows(RecoveryException.class, () -> LogStore.open(dir));
        assertTrue(fromEmpty.getMessage().contains("a crash tore"), fromEmpty.getMessage());
    }
}
