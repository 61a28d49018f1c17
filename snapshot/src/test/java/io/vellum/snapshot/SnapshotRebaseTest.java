package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vellum.core.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot installed under another log position loads as the original; a changed byte fails the checksum. */
class SnapshotRebaseTest {
    @TempDir
    Path dir;

    @Test
    void anInstalledSnapshotLoadsAsTheOriginalAtItsNewPosition() throws Exception {
        try (TestStore writer = SnapshotFileTest.store(dir.resolve("a"))) {
            TestStore.Client c = writer.client();
            Datasets.populate(c::call, 7);
            c.call("SCRIPT", "LOAD", "return 1");
            assertEquals(TestStore.OK, c.call("SAVE"));
            List<String> expected = SnapshotFileTest.dump(writer);
            Path source = SnapshotFormat.snapshots(SnapshotFormat.directory(dir.resolve("a"))).get(0);
            SnapshotRebase.verifyChecksum(source);
            Path target = SnapshotRebase.install(source, SnapshotFormat.directory(dir.resolve("b")), 123_456_789L);
            assertEquals(SnapshotFormat.fileName(123_456_789L), target.getFileName().toString());
            SnapshotRebase.verifyChecksum(target);
            SnapshotReader.Summary sum = SnapshotReader.read(target, (db, key, seq, hasExpire, expireAt, value) -> {
            });
            assertEquals(123_456_789L, sum.header().getLogPosition());
            try (TestStore st = SnapshotFileTest.loaded(dir.resolve("b"))) {
                assertEquals(expected, SnapshotFileTest.dump(st));
            }
            // a position that needs fewer varint bytes (-1: no record) changes the header's length
            Path none = SnapshotRebase.install(source, SnapshotFormat.directory(dir.resolve("c")), -1);
            assertEquals(-1, SnapshotReader.read(none, (db, key, seq, hasExpire, expireAt, value) -> {
            }).header().getLogPosition());
        }
    }

    @Test
    void aChangedByteFailsTheChecksum() throws Exception {
        try (TestStore writer = SnapshotFileTest.store(dir)) {
            Datasets.populate(writer.client()::call, 3);
            assertEquals(TestStore.OK, writer.client().call("SAVE"));
            Path f = SnapshotFormat.snapshots(SnapshotFormat.directory(dir)).get(0);
            byte[] b = Files.readAllBytes(f);
            for (int at : new int[] {0, 20, b.length / 2, b.length - 1}) {
                byte[] damaged = b.clone();
                damaged[at] ^= 0x40;
                Path d = dir.resolve("damaged-" + at);
                Files.write(d, damaged);
                assertThrows(SnapshotDamagedException.class, () -> SnapshotRebase.verifyChecksum(d), "byte " + at);
            }
            Path cut = dir.resolve("cut");
            Files.write(cut, java.util.Arrays.copyOf(b, b.length - 3));
            assertThrows(SnapshotDamagedException.class, () -> SnapshotRebase.verifyChecksum(cut));
        }
    }
}
