package io.vellum.aof;

import static io.vellum.aof.LogDamageTest.RECORDS;
import static io.vellum.aof.LogDamageTest.assertHoldsFirst;
import static io.vellum.aof.LogDamageTest.backups;
import static io.vellum.aof.LogDamageTest.flip;
import static io.vellum.aof.LogDamageTest.relocate;
import static io.vellum.aof.LogDamageTest.zero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery's walk to the base's record (DEVELOPERS.md, "Finding the base's record") when the
 * base knows that record's serial (a snapshot's header base_serial): damage only in the content
 * of records the base covers opens (those records are not needed), while a damaged Chronicle
 * header before the base, which shifts every position after it, is still refused. Without the
 * serial, the walk refuses damage in the first record it walks, as before.
 *
 * <p>The template holds records 0..5 (serials 1..6) in one file, all after one index entry; the
 * base covers records 0..3 (the record at its position has serial 4).
 */
class AnchoredBaseWalkTest {
    static final int BASE = 3;
    static final long BASE_SERIAL = BASE + 1;

    @TempDir
    Path tmp;
    DamageAfterBaseTest t = new DamageAfterBaseTest();
    LogDamageTest.Extent[] extents;

    @BeforeEach
    void writeTemplate() throws Exception {
        t.tmp = tmp;
        t.writeTemplate();
        extents = t.extents;
        assertEquals(LogFiles.sequenceOf(extents[0].position()) % LogFiles.ROLL_CYCLE.defaultIndexSpacing(), 0,
                "the walk to the base starts at record 0");
    }

    Path file(Path dir, int record) {
        return relocate(extents[record].file(), t.template, dir);
    }

    /** Flips a byte in the middle of record {@code i}'s content; its Chronicle header stays intact. */
    void flipContent(Path dir, int i) throws IOException {
        LogDamageTest.Extent e = extents[i];
        flip(file(dir, i), e.header() + 4 + (e.end() - e.header() - 4) / 2);
    }

    /** Rewrites the length in record {@code i}'s Chronicle header (its flag bits kept). */
    void setLength(Path dir, int i, long length) throws IOException {
        long at = extents[i].header();
        try (RandomAccessFile f = new RandomAccessFile(file(dir, i).toFile(), "rw")) {
            f.seek(at);
            int header = Integer.reverseBytes(f.readInt());
            header = (header & 0xC000_0000) | (int) length;
            f.seek(at);
            f.writeInt(Integer.reverseBytes(header));
        }
    }

    LogStore open(Path dir, long serial) throws IOException {
        return LogStore.open(dir, o -> o.base(t.baseThrough(BASE, serial)));
    }

    void assertRefused(Path dir, long serial, String what) {
        RecoveryException e = assertThrows(RecoveryException.class, () -> open(dir, serial).close(), what);
        assertTrue(e.getMessage().contains("vellum check-aof " + dir), what + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("position"), what + ": " + e.getMessage());
        try {
            assertEquals(0, backups(dir).size(), what + ": recovery changes nothing");
        } catch (IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void contentDamageInTheFirstRecordWalkedOpensWithTheSerialAndIsRefusedWithout() throws Exception {
        Path dir = t.copyOfTemplate("first");
        flipContent(dir, 0);
        RecoveryException e = assertThrows(RecoveryException.class, () -> open(dir, 0).close());
        assertTrue(e.getMessage().contains("cannot be found with certainty"), e.getMessage());
        try (LogStore s = open(dir, BASE_SERIAL)) {
            assertHoldsFirst(s, RECORDS); // the base (records 0..3), then records 4 and 5 replayed
            assertEquals(extents[RECORDS - 1].position(), s.log.lastPosition());
            assertEquals(RECORDS, s.log.lastSerial());
        }
        assertEquals(0, backups(dir).size(), "nothing dropped");
        try (LogStore s = open(dir, BASE_SERIAL)) {
            assertHoldsFirst(s, RECORDS);
        }
    }

    @Test
    void contentDamageInEveryCoveredRecordOpensWithTheSerial() throws Exception {
        for (List<Integer> damaged : List.of(List.of(0, 1, 2), List.of(1), List.of(2), List.of(0, 2), List.of(0, 1, 2, 3))) {
            Path dir = t.copyOfTemplate("covered" + damaged.toString().replaceAll("\\D", ""));
            for (int i : damaged) {
                flipContent(dir, i);
            }
            try (LogStore s = open(dir, BASE_SERIAL)) {
                assertHoldsFirst(s, RECORDS);
                assertEquals(RECORDS, s.log.lastSerial(), damaged.toString());
            }
            assertEquals(0, backups(dir).size(), damaged + ": nothing dropped");
        }
    }

    @Test
    void aCoveredRecordSwallowingTheNextThroughItsHeaderIsRefusedWithTheSerial() throws Exception {
        // Record i's length made to span record i+1 too: Chronicle's walk sees one record fewer,
        // so every position after it names the record after the one it should.
        for (int i : new int[] {0, 1, 2}) {
            Path dir = t.copyOfTemplate("swallow" + i);
            setLength(dir, i, extents[i + 2].header() - extents[i].header() - 4);
            assertRefused(dir, BASE_SERIAL, "record " + i + " swallowing record " + (i + 1));
            assertRefused(dir, 0, "record " + i + " swallowing record " + (i + 1) + ", serial unknown");
        }
        // Records 0 and 1 swallowed by record 0: Chronicle's position 2 is record 3, 3 is record 4.
        Path dir = t.copyOfTemplate("swallow-two");
        setLength(dir, 0, extents[3].header() - extents[0].header() - 4);
        assertRefused(dir, BASE_SERIAL, "record 0 swallowing records 1 and 2");
    }

    @Test
    void aShiftedFramingShowsAsASerialMismatch() throws Exception {
        Path dir = t.copyOfTemplate("mismatch");
        setLength(dir, 0, extents[2].header() - extents[0].header() - 4);
        RecoveryException e = assertThrows(RecoveryException.class, () -> open(dir, BASE_SERIAL).close());
        assertTrue(e.getMessage().contains("does not follow the record the snapshot covers (serial " + BASE_SERIAL),
                e.getMessage());
        assertTrue(e.getMessage().contains("framing of the log before position"), e.getMessage());
    }

    @Test
    void otherDamageToACoveredHeaderIsRefusedWithTheSerial() throws Exception {
        for (int i : new int[] {0, 1, 2}) {
            Path shrunk = t.copyOfTemplate("shrunk" + i);
            setLength(shrunk, i, 8);
            assertRefused(shrunk, BASE_SERIAL, "record " + i + "'s length shrunk");
            Path zeroed = t.copyOfTemplate("zeroed" + i);
            zero(file(zeroed, i), extents[i].header(), extents[i].header() + 4);
            assertRefused(zeroed, BASE_SERIAL, "record " + i + "'s header zeroed");
        }
    }

    @Test
    void aLogCutInACoveredRecordIsRefusedWithTheSerial() throws Exception {
        // Not a torn tail: the snapshot was written after the log was synced past its position,
        // so a log that ends before that position lost records (and the positions the next
        // records would take are ones the snapshot covers).
        for (int i : new int[] {0, 1, 2}) {
            Path dir = t.copyOfTemplate("cut" + i);
            LogDamageTest.Extent e = extents[i];
            try (RandomAccessFile f = new RandomAccessFile(file(dir, i).toFile(), "rw")) {
                f.setLength(e.header() + 4 + (e.end() - e.header() - 4) / 2);
            }
            RecoveryException refused = assertThrows(RecoveryException.class, () -> open(dir, BASE_SERIAL).close());
            assertTrue(refused.getMessage().contains("vellum check-aof " + dir), refused.getMessage());
            assertTrue(refused.getMessage().contains("the record the snapshot loaded covers last"), refused.getMessage());
            assertEquals(0, backups(dir).size(), "record " + i + " cut: recovery changes nothing");
        }
    }

    @Test
    void theWrongSerialForTheBaseIsRefused() throws Exception {
        // A base whose serial does not name the record at its position (the log is not the one
        // it was taken from, or its framing moved) is never replayed onto.
        Path dir = t.copyOfTemplate("wrong");
        RecoveryException e = assertThrows(RecoveryException.class, () -> open(dir, BASE_SERIAL + 1).close());
        assertTrue(e.getMessage().contains("vellum check-aof " + dir), e.getMessage());
        try (LogStore s = open(dir, BASE_SERIAL)) {
            assertHoldsFirst(s, RECORDS);
        }
    }
}
