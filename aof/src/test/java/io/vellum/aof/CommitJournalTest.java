package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitJournalTest {
    @TempDir
    Path dir;

    private Path aof() throws Exception {
        Path aof = dir.resolve("aof");
        Files.createDirectories(aof);
        return aof;
    }

    /** A stand-in cycle file of {@code size} random bytes (seeded). */
    private Path cycleFile(String name, int size, long seed) throws Exception {
        Path f = aof().resolve(name);
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(f, b);
        return f;
    }

    private static byte[] slice(Path f, int from, int to) throws Exception {
        return Arrays.copyOfRange(Files.readAllBytes(f), from, to);
    }

    @Test
    void framesAreReadBackInOrderWithTheirFileAndOffset() throws Exception {
        Path a = cycleFile("20261207-14.cq4", 50_000, 1);
        Path b = cycleFile("20261207-15.cq4", 50_000, 2);
        try (CommitJournal j = CommitJournal.open(dir);
                FileChannel ca = FileChannel.open(a, StandardOpenOption.READ);
                FileChannel cb = FileChannel.open(b, StandardOpenOption.READ)) {
            j.write(a, ca, 100, 4_200);
            j.write(a, ca, 4_200, 4_201);
            j.write(b, cb, 0, 30_000);
        }
        List<CommitJournal.Range> r = CommitJournal.read(dir).ranges();
        assertEquals(3, r.size());
        assertEquals("20261207-14.cq4", r.get(0).name());
        assertEquals(100, r.get(0).offset());
        assertArrayEquals(slice(a, 100, 4_200), r.get(0).bytes());
        assertArrayEquals(slice(a, 4_200, 4_201), r.get(1).bytes());
        assertEquals("20261207-15.cq4", r.get(2).name());
        assertArrayEquals(slice(b, 0, 30_000), r.get(2).bytes());
    }

    @Test
    void aFrameCutShortOrDamagedEndsTheJournalThere() throws Exception {
        Path a = cycleFile("20261207-14.cq4", 20_000, 3);
        long[] second;
        try (CommitJournal j = CommitJournal.open(dir); FileChannel ca = FileChannel.open(a, StandardOpenOption.READ)) {
            j.write(a, ca, 0, 1_000);
            second = j.write(a, ca, 1_000, 2_000);
            j.write(a, ca, 2_000, 3_000);
        }
        Path jf = CommitJournal.path(dir);
        for (long at : new long[] {second[0] + 2, second[0] + 40, second[1] - 1}) {
            byte[] saved = Files.readAllBytes(jf);
            try (RandomAccessFile f = new RandomAccessFile(jf.toFile(), "rw")) {
                f.seek(at);
                int v = f.read();
                f.seek(at);
                f.write(v ^ 0x10);
            }
            assertEquals(1, CommitJournal.read(dir).ranges().size(), "a byte flipped at " + at);
            Files.write(jf, saved);
        }
        // cut short: the third frame's last bytes never reached the disk
        try (RandomAccessFile f = new RandomAccessFile(jf.toFile(), "rw")) {
            f.seek(second[1] + 500);
            f.write(new byte[600]);
        }
        assertEquals(2, CommitJournal.read(dir).ranges().size());
    }

    @Test
    void afterARestartOnlyTheNewGenerationIsRead() throws Exception {
        Path a = cycleFile("20261207-14.cq4", 20_000, 4);
        try (CommitJournal j = CommitJournal.open(dir); FileChannel ca = FileChannel.open(a, StandardOpenOption.READ)) {
            for (int i = 0; i < 5; i++) {
                j.write(a, ca, i * 1_000, i * 1_000 + 1_000);
            }
            j.restart();
            assertTrue(CommitJournal.read(dir).ranges().isEmpty(), "started over: nothing to write back");
            j.write(a, ca, 7_000, 7_100); // shorter than the old first frame: old frames follow it in the file
        }
        List<CommitJournal.Range> r = CommitJournal.read(dir).ranges();
        assertEquals(1, r.size());
        assertEquals(7_000, r.get(0).offset());
        // and a reopen (the log opening again) forgets it, after recovery wrote it back
        CommitJournal.open(dir).close();
        assertTrue(CommitJournal.read(dir).ranges().isEmpty());
    }

    @Test
    void redoWritesEachRangeBackAndClearsTheJournal() throws Exception {
        Path a = cycleFile("20261207-14.cq4", 20_000, 5);
        Path gone = cycleFile("20261207-13.cq4", 5_000, 6);
        byte[] original = Files.readAllBytes(a);
        try (CommitJournal j = CommitJournal.open(dir);
                FileChannel ca = FileChannel.open(a, StandardOpenOption.READ);
                FileChannel cg = FileChannel.open(gone, StandardOpenOption.READ)) {
            j.write(gone, cg, 0, 5_000);
            j.write(a, ca, 3_000, 9_000);
            j.write(a, ca, 12_000, 12_500);
        }
        // the power loss: the file lost those pages (zeros), the other file was deleted by retention
        try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "rw")) {
            f.seek(3_000);
            f.write(new byte[6_000]);
            f.seek(12_000);
            f.write(new byte[500]);
        }
        Files.delete(gone);
        assertEquals(2, CommitJournal.redo(dir, aof()));
        assertArrayEquals(original, Files.readAllBytes(a));
        assertFalse(Files.exists(gone), "a range of a file that is gone is not written back");
        assertTrue(CommitJournal.read(dir).ranges().isEmpty(), "cleared once written back");
        assertEquals(0, CommitJournal.redo(dir, aof()));
    }

    @Test
    void whileOneSlotIsBeingCoveredTheOtherIsWrittenAndBothAreReadOldestFirst() throws Exception {
        Path a = cycleFile("20261207-14.cq4", 40_000, 7);
        byte[] original = Files.readAllBytes(a);
        try (CommitJournal j = CommitJournal.open(dir); FileChannel ca = FileChannel.open(a, StandardOpenOption.READ)) {
            assertEquals(-1, j.switchSlots(), "nothing to cover");
            j.write(a, ca, 0, 1_000);
            j.write(a, ca, 1_000, 2_000);
            int first = j.switchSlots(); // a background sync begins
            assertEquals(-1, j.switchSlots(), "frames go to the other slot now, which has none yet");
            j.write(a, ca, 2_000, 3_000);
            assertEquals(-2, j.switchSlots(), "the first slot waits for its sync: no third slot");
            assertEquals(List.of(0L, 1_000L, 2_000L), offsets(CommitJournal.read(dir).ranges()));
            j.release(first); // its sync completed
            assertEquals(List.of(2_000L), offsets(CommitJournal.read(dir).ranges()));
            int second = j.switchSlots(); // the next second: back to the first slot, a newer generation
            assertEquals(first, 1 - second);
            j.write(a, ca, 3_000, 3_500);
            assertEquals(List.of(2_000L, 3_000L), offsets(CommitJournal.read(dir).ranges()),
                    "the older generation first, whichever slot holds it");
        }
        // a power loss now: the file lost all of it; both slots are written back, oldest first
        try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[3_500]);
        }
        CommitJournal.redo(dir, aof());
        assertArrayEquals(Arrays.copyOfRange(original, 2_000, 3_500), slice(a, 2_000, 3_500));
    }

    private static List<Long> offsets(List<CommitJournal.Range> ranges) {
        return ranges.stream().map(CommitJournal.Range::offset).toList();
    }

    @Test
    void aFullJournalIsNotWrittenTo() throws Exception {
        try (CommitJournal j = CommitJournal.open(dir)) {
            assertTrue(j.fits("20261207-14.cq4", 1 << 20));
            assertFalse(j.fits("20261207-14.cq4", CommitJournal.SLOT));
        }
    }

    @Test
    void theAlwaysCommitWritesToTheJournalAndTheBackgroundSyncStartsItOver() throws Exception {
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS))) {
            assertEquals(OK, s.client.call("SET", "a", "1"));
            assertEquals(OK, s.client.call("SET", "b", "2")); // the first commit of a file syncs it whole
            assertFalse(CommitJournal.read(dir).ranges().isEmpty(), "the second commit went to the journal");
            assertTrue(s.log.backgroundSyncDue());
            s.log.backgroundSync();
            assertTrue(CommitJournal.read(dir).ranges().isEmpty(), "a whole-file sync covers it: started over");
            assertFalse(s.log.backgroundSyncDue());
            assertEquals(OK, s.client.call("SET", "c", "3"));
            assertEquals(1, CommitJournal.read(dir).ranges().size());
        }
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS))) {
            assertEquals(bulk("3"), s.client.call("GET", "c"));
        }
    }
}
