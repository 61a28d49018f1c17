package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store without a log ({@code appendonly no}: every position is -1) numbers its snapshots
 * 1, 2, 3...: each has its own file, the newest loads, a damaged newest falls back to the one
 * before, retention keeps two, and nothing asks the log to drop what a sequence number "covers".
 */
class SnapshotWithoutLogTest {
    @TempDir
    Path dir;

    /** appendonly no: positions are -1; records what retention asks of it. */
    private static final class NoLog implements CommandLog {
        final List<Long> released = new ArrayList<>();

        @Override
        public long append(UnitRecord record) {
            return -1;
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return -1;
        }

        @Override
        public int releaseCoveredBy(long position) {
            released.add(position);
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private ProtoSnapshotStore snaps;

    private TestStore store(NoLog log) {
        snaps = new ProtoSnapshotStore(dir);
        TestStore st = new TestStore(Engine.builder().commands(snaps.commands()));
        st.engine.setLog(log);
        st.engine.config().save.set(List.of());
        snaps.attach(st.engine);
        return st;
    }

    private List<String> names() throws Exception {
        return SnapshotFormat.snapshots(SnapshotFormat.directory(dir)).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void snapshotsWithoutALogGetTheirOwnOrderedNamesAndFallBack() throws Exception {
        NoLog log = new NoLog();
        try (TestStore st = store(log)) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            assertEquals(TestStore.OK, c.call("SAVE"));
            c.call("SET", "b", "2");
            assertEquals(TestStore.OK, c.call("SAVE"));
            assertEquals(List.of(SnapshotFormat.fileName(2), SnapshotFormat.fileName(1)), names());
            // a third by BGSAVE (the engine is not started: it runs to the end at once)
            c.call("SET", "c", "3");
            c.call("BGSAVE");
            long deadline = System.currentTimeMillis() + 10_000;
            while (snaps.inProgressVolatile() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5); // the writer thread finishes it
            }
            assertEquals(List.of(SnapshotFormat.fileName(3), SnapshotFormat.fileName(2)), names(), "retention keeps two");
            assertTrue(log.released.isEmpty(), "a sequence number is no log position: " + log.released);
        }
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            assertEquals(TestStore.integer(3), st.client().call("DBSIZE"));
        }
        // the newest damaged: the one before it (a and b) is loaded
        Path newest = SnapshotFormat.directory(dir).resolve(SnapshotFormat.fileName(3));
        byte[] good = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(good, good.length - 1));
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            TestStore.Client c = st.client();
            assertEquals(TestStore.integer(2), c.call("DBSIZE"));
            assertEquals(TestStore.bulk("2"), c.call("GET", "b"));
            assertEquals(TestStore.integer(0), c.call("EXISTS", "c"));
        }
    }

    @Test
    void aSnapshotNamedZeroByAnOlderBuildIsFollowedByOne() throws Exception {
        NoLog log = new NoLog();
        try (TestStore st = store(log)) {
            st.client().call("SET", "a", "1");
            assertEquals(TestStore.OK, st.client().call("SAVE"));
            Files.move(SnapshotFormat.directory(dir).resolve(SnapshotFormat.fileName(1)),
                    SnapshotFormat.directory(dir).resolve(SnapshotFormat.fileName(0)));
            st.client().call("SET", "b", "1");
            assertEquals(TestStore.OK, st.client().call("SAVE"));
            assertEquals(List.of(SnapshotFormat.fileName(1), SnapshotFormat.fileName(0)), names());
        }
    }

    @Test
    void namesAreLogPositionsWhenThereIsALogAndNeverGoBackwards() {
        assertEquals(700, SnapshotFormat.nameNumber(700, -2));
        assertEquals(700, SnapshotFormat.nameNumber(700, 700)); // same position, same content: replaced
        assertEquals(1, SnapshotFormat.nameNumber(-1, -2));
        assertEquals(6, SnapshotFormat.nameNumber(-1, 5));
        assertEquals(10, SnapshotFormat.nameNumber(3, 9)); // a log after sequence-named snapshots
    }
}
