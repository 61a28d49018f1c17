package io.vellum.aof;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import java.nio.file.Path;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash that tears the only record of a new log: a torn tail, dropped and reported, not damage in the middle. */
class FirstRecordTornTest {
    @TempDir
    Path tmp;

    @Test
    void aTornOnlyRecordIsDroppedAndTheStoreOpensEmpty() throws Exception {
        Path dir = tmp.resolve("store");
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(OK, s.client.call("SET", "k0", "value-0"));
        }
        Path aof = LogFiles.aofDir(dir);
        long position;
        Path file;
        long header;
        long end;
        try (SingleChronicleQueue q = LogFiles.openReadOnly(aof); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            assertTrue(sc.next());
            position = sc.position();
            file = aof.resolve(LogFiles.cycleFileName(LogFiles.cycleOf(position)));
            header = sc.headerOffset();
            end = sc.endOffset();
        }
        // cut anywhere: in the header, right after it, in the middle, one byte short; zeroed or the file truncated
        for (long cut : new long[] {header, header + 3, header + 4, (header + end) / 2, end - 1}) {
            for (boolean truncate : new boolean[] {false, true}) {
                String name = "cut-" + cut + (truncate ? "-truncated" : "-zeroed");
                Path copy = tmp.resolve(name);
                copyStore(dir, copy);
                Path torn = copy.resolve(dir.relativize(file).toString());
                if (truncate) {
                    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(torn.toFile(), "rw")) {
                        f.setLength(cut);
                    }
                } else {
                    LogDamageTest.zero(torn, cut, end);
                }
                try (LogStore s = LogStore.open(copy)) {
                    assertEquals(NULL, s.client.call("GET", "k0"), name);
                    assertEquals(1, LogDamageTest.backups(copy).size(), name + ": the removed tail is kept and reported");
                    assertEquals(OK, s.client.call("SET", "k1", "after"));
                }
                try (LogStore s = LogStore.open(copy)) {
                    assertEquals(TestStore.bulk("after"), s.client.call("GET", "k1"), name + ": written after the repair");
                }
            }
        }
    }

    private static void copyStore(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(DirectoryLock.FILE)) {
                    LogDamageTest.sparseCopy(p, t);
                }
            }
        }
    }
}
