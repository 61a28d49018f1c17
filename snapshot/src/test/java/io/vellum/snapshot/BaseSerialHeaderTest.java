package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.StringValue;
import io.vellum.snapshot.proto.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header's base_serial: the serial of the log record at the snapshot's position, read from
 * the log with that position; written, loaded back ({@link ProtoSnapshotStore#loadedSerial}),
 * kept or cleared by a rebase; 0 (unknown) for the version 1 golden file written before it.
 */
class BaseSerialHeaderTest {
    @TempDir
    Path dir;

    /** A log whose positions are not its serials: record n (from 1) is at 1000 + 7 (n - 1). */
    static final class SpacedLog implements CommandLog {
        long records;

        @Override
        public long append(UnitRecord record) {
            records++;
            return lastPosition();
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return records == 0 ? -1 : 1000 + 7 * (records - 1);
        }

        @Override
        public long lastSerial() {
            return records;
        }

        @Override
        public void close() {
        }
    }

    private static Header newestHeader(Path storeDir) throws Exception {
        return SnapshotReader.header(SnapshotFormat.snapshots(SnapshotFormat.directory(storeDir)).get(0));
    }

    @Test
    void theHeaderHoldsTheSerialOfTheRecordAtItsPositionAndALoadReturnsIt() throws Exception {
        SpacedLog log = new SpacedLog();
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(dir);
        Engine engine = Engine.builder().commands(snaps.commands()).log(log).build();
        snaps.attach(engine);
        engine.config().save.set(List.of());
        try {
            assertTrue(snaps.save());
            Header empty = newestHeader(dir);
            assertEquals(-1, empty.getLogPosition());
            assertEquals(0, empty.getBaseSerial(), "no record: unknown");
            for (long n : new long[] {1, 2, 41}) {
                log.records = n;
                engine.keyspace().db(0).add(("k" + n).getBytes(StandardCharsets.UTF_8), StringValue.of(new byte[] {1}));
                assertTrue(snaps.save());
                Header h = newestHeader(dir);
                assertEquals(1000 + 7 * (n - 1), h.getLogPosition());
                assertEquals(n, h.getBaseSerial());
            }
        } finally {
            engine.close();
        }
        ProtoSnapshotStore reader = new ProtoSnapshotStore(dir);
        Engine fresh = Engine.builder().log(new SpacedLog()).build();
        try {
            assertEquals(1000 + 7 * 40, reader.load(fresh));
            assertEquals(41, reader.loadedSerial());
            assertEquals(3, fresh.keyspace().db(0).size());
        } finally {
            fresh.close();
        }
    }

    @Test
    void aRebaseStoresTheSerialItIsGivenAndForgetsTheSourcesOtherwise() throws Exception {
        SpacedLog log = new SpacedLog();
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(dir.resolve("a"));
        Engine engine = Engine.builder().commands(snaps.commands()).log(log).build();
        snaps.attach(engine);
        engine.config().save.set(List.of());
        try {
            log.records = 9;
            assertTrue(snaps.save());
        } finally {
            engine.close();
        }
        Path source = SnapshotFormat.snapshots(SnapshotFormat.directory(dir.resolve("a"))).get(0);
        assertEquals(9, SnapshotReader.header(source).getBaseSerial());
        Path kept = SnapshotRebase.install(source, SnapshotFormat.directory(dir.resolve("b")), 555, 12);
        assertEquals(555, SnapshotReader.header(kept).getLogPosition());
        assertEquals(12, SnapshotReader.header(kept).getBaseSerial());
        SnapshotRebase.verifyChecksum(kept);
        // another log's serial is no serial of this one: unknown
        Path unknown = SnapshotRebase.install(source, SnapshotFormat.directory(dir.resolve("c")), 555);
        assertEquals(0, SnapshotReader.header(unknown).getBaseSerial());
        SnapshotRebase.verifyChecksum(unknown);
        Path none = SnapshotRebase.install(source, SnapshotFormat.directory(dir.resolve("d")), -1, 12);
        assertEquals(0, SnapshotReader.header(none).getBaseSerial(), "no record at position -1");
    }

    @Test
    void theVersion1GoldenSnapshotHasAnUnknownSerial() throws Exception {
        Path snapsDir = SnapshotFormat.directory(dir);
        Files.createDirectories(snapsDir);
        Files.copy(Path.of("src/test/resources/golden/snapshot-v1.vsnap"), snapsDir.resolve(SnapshotFormat.fileName(1)));
        assertEquals(0, SnapshotReader.header(snapsDir.resolve(SnapshotFormat.fileName(1))).getBaseSerial());
        try (TestStore st = SnapshotFileTest.store(dir)) {
            ProtoSnapshotStore snaps = (ProtoSnapshotStore) st.engine.snapshots();
            snaps.load(st.engine);
            assertEquals(0, snaps.loadedSerial());
        }
    }
}
