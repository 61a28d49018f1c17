package io.vellum.aof;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the log and its documented outcome (Recovery's class comment): a torn tail is
 * dropped and reported; damage in the middle stops recovery naming the position and the repair
 * command; {@code check-aof --fix} then lets the store open with exactly the records before it.
 */
class LogDamageTest {
    static final int RECORDS = 6;

    @TempDir
    Path tmp;
    Path template;

    /** Where a record lies in its cycle file. */
    record Extent(long position, Path file, long header, long end) {
    }

    @BeforeEach
    void writeTemplate() throws Exception {
        template = tmp.resolve("template");
        try (LogStore s = LogStore.open(template)) {
            for (int i = 0; i < RECORDS; i++) {
                assertEquals(OK, s.client.call("SET", "k" + i, "value-" + i));
            }
        }
    }

    static Extent[] extents(Path storeDir) throws Exception {
        Path aof = LogFiles.aofDir(storeDir);
        Extent[] out = new Extent[RECORDS];
        try (SingleChronicleQueue q = LogFiles.openReadOnly(aof); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            for (int i = 0; i < RECORDS; i++) {
                assertTrue(s.next());
                Path file = aof.resolve(LogFiles.cycleFileName(LogFiles.cycleOf(s.position())));
                out[i] = new Extent(s.position(), file, s.headerOffset(), s.endOffset());
            }
            assertFalse(s.next());
        }
        return out;
    }

    Path copyOfTemplate(String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(template)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(DirectoryLock.FILE)) {
                    sparseCopy(p, t);
                }
            }
        }
        return to;
    }

    /** Copies a (mostly empty, sparse) Chronicle file without writing its holes. */
    static void sparseCopy(Path from, Path to) throws IOException {
        byte[] zero = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            while (true) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                if (Arrays.mismatch(buf.array(), 0, n, zero, 0, n) >= 0) {
                    buf.flip();
                    out.write(buf, pos);
                }
                pos += n;
            }
            if (out.size() < pos) {
                out.write(ByteBuffer.allocate(1), pos - 1);
            }
        }
    }

    static Path relocate(Path file, Path from, Path to) {
        return to.resolve(from.relativize(file).toString());
    }

    static void zero(Path file, long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(from);
            f.write(new byte[(int) (to - from)]);
        }
    }

    static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
    }

    static List<Path> backups(Path storeDir) throws IOException {
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(LogRepair.BACKUP_PREFIX)).toList();
        }
    }

    /** The store holds exactly k0..k(n-1). */
    static void assertHoldsFirst(LogStore s, int n) {
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(i < n ? bulk("value-" + i) : NULL, s.client.call("GET", "k" + i), "k" + i);
        }
    }

    @Test
    void aTornTailIsDroppedAndReportedWhereverTheLastRecordIsCut() throws Exception {
        Extent last = extents(template)[RECORDS - 1];
        for (long cut = last.header(); cut <= last.end(); cut++) {
            for (boolean truncateFile : new boolean[] {false, true}) {
                String name = "cut-" + cut + (truncateFile ? "-truncated" : "-zeroed");
                Path dir = copyOfTemplate(name);
                Path file = relocate(last.file(), template, dir);
                if (truncateFile) {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                        f.setLength(cut);
                    }
                } else {
                    zero(file, cut, last.end());
                }
                boolean intact = cut == last.end();
                try (LogStore s = LogStore.open(dir)) {
                    assertHoldsFirst(s, intact ? RECORDS : RECORDS - 1);
                    assertEquals(intact ? 0 : 1, backups(dir).size(), name + ": the removed tail is kept and reported");
                    assertEquals(OK, s.client.call("SET", "after", name));
                }
                if (truncateFile) {
                    // (zeroed tails leave the same files behind: checked once is enough)
                    try (LogStore s = LogStore.open(dir)) {
                        assertHoldsFirst(s, intact ? RECORDS : RECORDS - 1);
                        assertEquals(bulk(name), s.client.call("GET", "after"), name + ": a record written after the repair is read back");
                        assertEquals(intact ? 0 : 1, backups(dir).size(), name + ": the second open finds nothing to repair");
                    }
                }
                if (!intact) {
                    String readme = Files.readString(backups(dir).get(0).resolve("README.txt"), StandardCharsets.UTF_8);
                    assertTrue(readme.contains(Long.toString(last.position())), readme);
                }
                LogRepair.deleteRecursively(dir);
            }
        }
    }

    @Test
    void aTornTailStopsRecoveryWhenAofLoadTruncatedIsNo() throws Exception {
        Extent last = extents(template)[RECORDS - 1];
        Path dir = copyOfTemplate("strict");
        zero(relocate(last.file(), template, dir), last.header() + 7, last.end());
        RecoveryException e = assertThrows(RecoveryException.class, () -> LogStore.open(dir, o -> o.loadTruncated(false)));
        assertTrue(e.getMessage().contains("torn record at position " + last.position()), e.getMessage());
        assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
        assertEquals(0, backups(dir).size(), "nothing is changed");
        assertEquals(0, CheckAof.run(dir, true, new PrintStream(new ByteArrayOutputStream())));
        try (LogStore s = LogStore.open(dir, o -> o.loadTruncated(false))) {
            assertHoldsFirst(s, RECORDS - 1);
        }
    }

    @Test
    void aFlippedByteInAMiddleRecordStopsRecoveryUntilCheckAofFixesIt() throws Exception {
        Extent middle = extents(template)[2];
        for (long at = middle.header(); at < middle.end(); at++) {
            String name = "flip-" + at;
            Path dir = copyOfTemplate(name);
            flip(relocate(middle.file(), template, dir), at);

            RecoveryException e = assertThrows(RecoveryException.class, () -> LogStore.open(dir), name);
            assertTrue(e.getMessage().contains("damaged at position " + middle.position()), name + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
            assertEquals(0, backups(dir).size(), name + ": recovery changes nothing");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, CheckAof.run(dir, false, new PrintStream(out)), name);
            assertTrue(out.toString().contains("First bad record at position " + middle.position()), out.toString());
            out.reset();
            assertEquals(0, CheckAof.run(dir, true, new PrintStream(out)), name + ": " + out);
            assertEquals(1, backups(dir).size());

            try (LogStore s = LogStore.open(dir)) {
                assertHoldsFirst(s, 2);
            }
            LogRepair.deleteRecursively(dir);
        }
    }

    @Test
    void checkAofReportsAnIntactLog() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, CheckAof.run(template, false, new PrintStream(out)));
        assertTrue(out.toString().contains(RECORDS + " intact records"), out.toString());
        assertTrue(out.toString().contains("The log is intact."), out.toString());
    }
}
