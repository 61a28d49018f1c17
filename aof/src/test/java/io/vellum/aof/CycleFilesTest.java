package io.vellum.aof;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log over several hourly files (Chronicle's clock moved by the test): replay across files,
 * damage in an earlier file, and a repair that a crash interrupted.
 */
class CycleFilesTest {
    static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L * 1_000_000L);

    LogStore open() throws Exception {
        return LogStore.open(dir, o -> o.time(time));
    }

    /** Writes k<file>-<i>, {@code perFile} per hour, over {@code files} hours. */
    void write(int files, int perFile) throws Exception {
        try (LogStore s = open()) {
            for (int f = 0; f < files; f++) {
                for (int i = 0; i < perFile; i++) {
                    assertEquals(OK, s.client.call("SET", "k" + f + "-" + i, "v"));
                }
                time.advanceMillis(HOUR);
            }
        }
    }

    List<Long> positions() throws Exception {
        List<Long> out = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            while (s.next()) {
                out.add(s.position());
            }
        }
        return out;
    }

    @Test
    void recordsOverSeveralFilesReplayInOrder() throws Exception {
        write(3, 4);
        assertEquals(3, LogFiles.cycleFiles(LogFiles.aofDir(dir)).size());
        List<Long> p = positions();
        assertEquals(12, p.size());
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i) > p.get(i - 1));
        }
        assertEquals(0, LogFiles.sequenceOf(p.get(4)), "a new file starts at sequence 0");
        try (LogStore s = open()) {
            for (int f = 0; f < 3; f++) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(bulk("v"), s.client.call("GET", "k" + f + "-" + i));
                }
            }
            assertEquals(p.get(11), s.log.lastPosition());
        }
    }

    @Test
    void damageInAnEarlierFileIsRefusedAndTheFixKeepsTheLaterFiles() throws Exception {
        write(3, 4);
        List<Long> p = positions();
        long bad = p.get(5); // the second record of the second file
        Path file = LogFiles.aofDir(dir).resolve(LogFiles.cycleFileName(LogFiles.cycleOf(bad)));
        long offset;
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(bad - 1);
            assertTrue(s.next());
            assertEquals(bad, s.position());
            offset = s.headerOffset() + 8;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
        RecoveryException e = assertThrows(RecoveryException.class, this::open);
        assertTrue(e.getMessage().contains("damaged at position " + bad), e.getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, CheckAof.run(dir, true, new PrintStream(out)), out.toString());
        try (LogStore s = open()) {
            assertEquals(bulk("v"), s.client.call("GET", "k1-0"));
            assertEquals(NULL, s.client.call("GET", "k1-1"));
            assertEquals(NULL, s.client.call("GET", "k2-0"));
        }
        Path backup;
        try (var l = Files.list(dir)) {
            backup = l.filter(x -> x.getFileName().toString().startsWith(LogRepair.BACKUP_PREFIX)).findFirst().orElseThrow();
        }
        assertEquals(2, LogFiles.cycleFiles(backup).size(), "the damaged file and the one after it are kept");
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        assertEquals(1, LogDump.run(backup, -1, Long.MAX_VALUE, new PrintStream(dump)), "the kept files still hold the damage");
        assertTrue(dump.toString().contains("SET k1-0 v"), dump.toString());
    }

    @Test
    void aRepairACrashInterruptedIsFinishedOnOpen() throws Exception {
        write(2, 3);
        List<Long> p = positions();
        LogRepair.prepare(dir, p.get(4), "test: a crash after the manifest");
        assertTrue(Files.exists(dir.resolve(LogRepair.REPAIR_DIR).resolve(LogRepair.MANIFEST)));
        try (LogStore s = open()) {
            assertEquals(bulk("v"), s.client.call("GET", "k1-0"));
            assertEquals(NULL, s.client.call("GET", "k1-1"));
            assertEquals(p.get(3), s.log.lastPosition());
        }
        assertFalse(Files.exists(dir.resolve(LogRepair.REPAIR_DIR)));
    }

    @Test
    void aHalfBuiltRepairIsDiscardedOnOpen() throws Exception {
        write(1, 3);
        Files.createDirectories(dir.resolve(LogRepair.REPAIR_DIR));
        Files.writeString(dir.resolve(LogRepair.REPAIR_DIR).resolve("junk.cq4"), "half");
        try (LogStore s = open()) {
            assertEquals(bulk("v"), s.client.call("GET", "k0-2"));
        }
        assertFalse(Files.exists(dir.resolve(LogRepair.REPAIR_DIR)));
    }

    @Test
    void logDumpPrintsPositionsTimesAndCommands() throws Exception {
        write(2, 2);
        List<Long> p = positions();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, LogDump.run(dir, p.get(1), p.get(2), new PrintStream(out)));
        String[] lines = out.toString().trim().split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[0].startsWith(p.get(1) + " 2023-11-14T22:13:20Z db=0 SET k0-1 v"), lines[0]);
        assertTrue(lines[1].startsWith(p.get(2) + " "), lines[1]);
        assertTrue(lines[1].endsWith("SET k1-0 v"), lines[1]);
    }

    @Test
    void retentionDeletesOnlyTheFilesWhollyCoveredByAPosition() throws Exception {
        write(4, 3);
        List<Long> p = positions();
        List<Path> files = LogFiles.cycleFiles(LogFiles.aofDir(dir));
        assertEquals(4, files.size());
        // A snapshot covering the second record of the third file: the first two files go.
        long covered = p.get(7);
        try (LogStore s = LogStore.open(dir, o -> o.time(time).base(e -> {
            BaseState.EMPTY.load(e);
            return BaseState.Base.NONE;
        }))) {
            assertEquals(2, s.log.releaseCoveredBy(covered));
            assertEquals(files.subList(2, 4), LogFiles.cycleFiles(LogFiles.aofDir(dir)));
            assertEquals(0, s.log.releaseCoveredBy(covered), "nothing more is wholly covered");
            assertEquals(OK, s.client.call("SET", "after", "retention"));
        }
        // The rest of the log still replays after the covered position (what recovery does then).
        List<Long> left = positions();
        assertEquals(p.subList(6, 12), left.subList(0, 6));
        try (LogStore s = LogStore.open(dir, o -> o.time(time).base(e -> {
            BaseState.EMPTY.load(e);
            return new BaseState.Base(covered, 8); // the serial of record 7 of a log numbered from 1
        }))) {
            assertEquals(NULL, s.client.call("GET", "k2-1"), "covered by the (absent) snapshot: not replayed");
            assertEquals(bulk("v"), s.client.call("GET", "k2-2"));
            assertEquals(bulk("v"), s.client.call("GET", "k3-0"));
            assertEquals(bulk("retention"), s.client.call("GET", "after"));
        }
    }

    @Test
    void aNewestFileWithoutItsHeaderIsDroppedWithoutWaitingForIt() throws Exception {
        write(2, 3);
        Path aof = LogFiles.aofDir(dir);
        List<Path> files = LogFiles.cycleFiles(aof);
        int last = LogFiles.cycleOfFileName(files.get(files.size() - 1).getFileName().toString());
        // what a process killed while creating the next hour's file leaves: the file, no header yet
        Path headless = aof.resolve(LogFiles.cycleFileName(last + 1));
        Files.write(headless, new byte[64 * 1024]);
        assertTrue(LogFiles.headerUnfinished(headless));
        assertFalse(LogFiles.headerUnfinished(files.get(0)));
        long t0 = System.nanoTime();
        try (LogStore s = open()) {
            // Chronicle itself waits out its timeout (10 s and more) for the header of such a file
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 8_000, "recovery waited " + ms + " ms");
            assertFalse(Files.exists(headless), "moved aside");
            assertEquals(bulk("v"), s.client.call("GET", "k1-2"));
            assertEquals(OK, s.client.call("SET", "after", "v")); // (in that hour's file, made again)
        }
        try (var removed = Files.list(dir)) {
            assertEquals(1, removed.filter(p -> p.getFileName().toString().startsWith("aof-removed-")).count());
        }
        try (LogStore s = open()) {
            assertEquals(bulk("v"), s.client.call("GET", "after"));
        }
    }

    /**
     * The damage property's find (soak seed 21211869626431): one flipped byte in a cycle file's
     * header made Chronicle throw from deep inside its index setup. Opening must refuse with a
     * message that says what is damaged and what to do, and check-aof must say it cannot check.
     */
    @Test
    void aDamagedFileHeaderIsRefusedClearly() throws Exception {
        try (LogStore s = open()) {
            assertEquals(OK, s.client.call("SET", "k", "v"));
        }
        Path file = LogFiles.cycleFiles(LogFiles.aofDir(dir)).get(0);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(131);
            int b = f.read();
            f.seek(131);
            f.write(~b);
        }
        RecoveryException e = assertThrows(RecoveryException.class, this::open);
        assertTrue(e.getMessage().contains("header") && e.getMessage().contains("check-aof"), e.getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = CheckAof.run(dir, false, new PrintStream(out, true));
        assertEquals(2, status, out.toString());
        assertTrue(out.toString().startsWith("Cannot check the log"), out.toString());
    }

    /**
     * After a power loss, a file's header (Chronicle's write position, at the start of the
     * file) may be older than its records if only the records' pages were synced. Recovery
     * must still find every record after it, and the next record must continue the sequence.
     */
    @Test
    void aStaleWritePositionInTheHeaderLosesNoRecordAndTheSequenceContinues() throws Exception {
        try (LogStore s = open()) {
            for (int i = 0; i < 10; i++) {
                assertEquals(OK, s.client.call("SET", "k" + i, "v"));
            }
        }
        Path file = LogFiles.cycleFiles(LogFiles.aofDir(dir)).get(0);
        byte[] header = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.readFully(header);
        }
        try (LogStore s = open()) {
            for (int i = 10; i < 15; i++) {
                assertEquals(OK, s.client.call("SET", "k" + i, "v"));
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] now = new byte[header.length];
            f.readFully(now);
            assertFalse(java.util.Arrays.equals(header, now), "the 5 records moved the header's write position");
            f.seek(0);
            f.write(header); // the header page as it was 5 records ago
        }
        try (LogStore s = open()) {
            for (int i = 0; i < 15; i++) {
                assertEquals(bulk("v"), s.client.call("GET", "k" + i), "k" + i);
            }
            assertEquals(OK, s.client.call("SET", "after", "v"));
        }
        List<Long> ps = positions();
        assertEquals(16, ps.size(), "records: " + ps);
        for (int i = 1; i < ps.size(); i++) {
            assertEquals(ps.get(i - 1) + 1, ps.get(i), "positions follow each other: " + ps);
        }
        try (LogStore s = open()) {
            assertEquals(bulk("v"), s.client.call("GET", "after"));
            assertEquals(bulk("v"), s.client.call("GET", "k14"));
        }
    }
}
