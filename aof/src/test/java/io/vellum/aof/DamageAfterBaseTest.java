package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static io.vellum.aof.LogDamageTest.RECORDS;
import static io.vellum.aof.LogDamageTest.assertHoldsFirst;
import static io.vellum.aof.LogDamageTest.backups;
import static io.vellum.aof.LogDamageTest.relocate;
import static io.vellum.aof.LogDamageTest.zero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the first record after the base (a snapshot's position), so that recovery reads
 * nothing after the base: it is judged exactly as without a base. A torn tail is dropped and
 * reported (or refused with aof-load-truncated no); intact records after it stop recovery
 * with the repair command. Never the base alone with the records after it silently lost.
 */
class DamageAfterBaseTest {
    @TempDir
    Path tmp;
    Path template;
    LogDamageTest.Extent[] extents;

    @BeforeEach
    void writeTemplate() throws Exception {
        template = tmp.resolve("template");
        try (LogStore s = LogStore.open(template)) {
            for (int i = 0; i < RECORDS; i++) {
                assertEquals(OK, s.client.call("SET", "k" + i, "value-" + i));
            }
        }
        extents = LogDamageTest.extents(template);
    }

    /** A base holding records 0..{@code upTo} of the (undamaged) template, as a snapshot would (its serial unknown). */
    BaseState baseThrough(int upTo) {
        return baseThrough(upTo, 0);
    }

    /**
     * {@link #baseThrough(int)}, knowing the serial of record {@code upTo} as a snapshot's header
     * does ({@code upTo + 1} for the template; 0: unknown).
     */
    BaseState baseThrough(int upTo, long serial) {
        long position = extents[upTo].position();
        return engine -> {
            BaseState.EMPTY.load(engine);
            try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(template)); LogScanner s = new LogScanner(q)) {
                s.seekAfter(-1);
                while (s.next() && s.position() <= position) {
                    engine.applyRecord(s.record(), false);
                }
            } catch (LogDamageException e) {
                throw new AssertionError(e);
            }
            return new BaseState.Base(position, serial);
        };
    }

    Path copyOfTemplate(String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(template)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(DirectoryLock.FILE)) {
                    LogDamageTest.sparseCopy(p, t);
                }
            }
        }
        return to;
    }

    /** Cuts the record at {@code i} from its first byte: its header zeroed with the rest, or the file truncated there. */
    void tearFromHeader(Path dir, int i, boolean truncateFile) throws IOException {
        LogDamageTest.Extent e = extents[i];
        Path file = relocate(e.file(), template, dir);
        if (truncateFile) {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(e.header());
            }
        } else {
            zero(file, e.header(), e.end());
        }
    }

    @Test
    void aTornFirstRecordAfterTheBaseIsDroppedAndReported() throws Exception {
        for (boolean truncateFile : new boolean[] {false, true}) {
            String name = truncateFile ? "truncated" : "zeroed";
            Path dir = copyOfTemplate(name);
            tearFromHeader(dir, RECORDS - 1, truncateFile);
            try (LogStore s = LogStore.open(dir, o -> o.base(baseThrough(RECORDS - 2)))) {
                assertHoldsFirst(s, RECORDS - 1);
                assertEquals(1, backups(dir).size(), name + ": the torn record is moved aside and reported");
                String readme = Files.readString(backups(dir).get(0).resolve("README.txt"));
                assertTrue(readme.contains(Long.toString(extents[RECORDS - 1].position())), readme);
            }
        }
    }

    @Test
    void aTornFirstRecordAfterTheBaseIsRefusedWhenAofLoadTruncatedIsNo() throws Exception {
        Path dir = copyOfTemplate("strict");
        tearFromHeader(dir, RECORDS - 1, false);
        RecoveryException e = assertThrows(RecoveryException.class,
                () -> LogStore.open(dir, o -> o.base(baseThrough(RECORDS - 2)).loadTruncated(false)));
        assertTrue(e.getMessage().contains("torn record"), e.getMessage());
        assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
        assertEquals(0, backups(dir).size(), "nothing is changed");
    }

    @Test
    void aDamagedFirstRecordAfterTheBaseWithIntactRecordsAfterItIsRefused() throws Exception {
        Path dir = copyOfTemplate("middle");
        zero(relocate(extents[3].file(), template, dir), extents[3].header(), extents[3].header() + 4);
        RecoveryException e = assertThrows(RecoveryException.class, () -> LogStore.open(dir, o -> o.base(baseThrough(2))));
        assertTrue(e.getMessage().contains("Intact records follow it"), e.getMessage());
        assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
        assertEquals(0, backups(dir).size(), "recovery changes nothing");
    }

    @Test
    void aDamagedBaseRecordWithIntactRecordsAfterItIsRefused() throws Exception {
        Path dir = copyOfTemplate("base");
        zero(relocate(extents[2].file(), template, dir), extents[2].header(), extents[2].header() + 4);
        RecoveryException e = assertThrows(RecoveryException.class, () -> LogStore.open(dir, o -> o.base(baseThrough(2))));
        assertTrue(e.getMessage().contains("vellum check-aof " + dir + " --fix"), e.getMessage());
        assertEquals(0, backups(dir).size(), "recovery changes nothing");
    }
}
