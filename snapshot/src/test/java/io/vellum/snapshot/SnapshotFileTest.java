package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and loading snapshot files: round trip, damage of every kind, fallback, leftovers. */
class SnapshotFileTest {
    @TempDir
    Path dir;

    private TestStore writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    /** A TestStore with the snapshot commands, saving into {@code storeDir}. */
    static TestStore store(Path storeDir) {
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(storeDir);
        TestStore st = new TestStore(Engine.builder().commands(snaps.commands()));
        st.engine.config().save.set(List.of());
        snaps.attach(st.engine);
        return st;
    }

    /** A fresh engine loaded from the snapshots of {@code storeDir}. */
    static TestStore loaded(Path storeDir) {
        TestStore st = store(storeDir);
        st.engine.snapshots();
        ((ProtoSnapshotStore) st.engine.snapshots()).load(st.engine);
        return st;
    }

    static List<String> dump(TestStore st) {
        TestStore.Client c = st.client();
        return Datasets.dump(c::call, 4);
    }

    @Test
    void aLoadedSnapshotAnswersEveryReadAsTheStoreThatWroteIt() {
        writer = store(dir);
        TestStore.Client c = writer.client();
        Datasets.populate(c::call, 1);
        assertEquals(TestStore.OK, c.call("SAVE"));
        List<String> expected = dump(writer);
        try (TestStore st = loaded(dir)) {
            assertEquals(expected, dump(st));
            // keys added after the load get the sequence numbers (SCAN cursors) the writer's would
            writer.client().call("SET", "after", "1");
            st.client().call("SET", "after", "1");
            assertEquals(dump(writer), dump(st));
        }
    }

    @Test
    void lastsaveAndInfoFollowSaves() {
        writer = store(dir);
        TestStore.Client c = writer.client();
        c.call("SET", "a", "1");
        c.call("SET", "b", "1");
        String info = Datasets.text(c.call("INFO", "persistence"));
        assertTrue(info.contains("rdb_changes_since_last_save:2"), info);
        assertEquals(TestStore.OK, c.call("SAVE"));
        info = Datasets.text(c.call("INFO", "persistence"));
        assertTrue(info.contains("rdb_changes_since_last_save:0"), info);
        assertTrue(info.contains("rdb_saves:1"), info);
        assertTrue(info.contains("rdb_last_bgsave_status:ok"), info);
        long lastsave = ((Reply.Int) c.call("LASTSAVE")).value();
        assertTrue(Math.abs(lastsave - System.currentTimeMillis() / 1000) <= 2);
        assertEquals(TestStore.error("ERR syntax error"), c.call("BGSAVE", "NOW"));
    }

    /** Two snapshots: the older with {a}, the newer (small) with {a, b}; returns the newer file. */
    private Path twoSnapshots() throws Exception {
        writer = store(dir);
        TestStore.Client c = writer.client();
        c.call("SET", "a", "1");
        c.call("SET", "x", "1");
        assertEquals(TestStore.OK, c.call("SAVE"));
        c.call("HSET", "b", "f", "v");
        c.call("EXPIRE", "a", "1000");
        assertEquals(TestStore.OK, c.call("SAVE"));
        List<Path> files = SnapshotFormat.snapshots(SnapshotFormat.directory(dir));
        assertEquals(2, files.size());
        return files.get(0);
    }

    /** Loads {@code storeDir} into {@code st} (emptied first) with the newest file replaced by {@code damagedBytes}. */
    private void expectFallback(TestStore st, byte[] damagedBytes, Path newest, String what) throws Exception {
        Files.write(newest, damagedBytes);
        SnapshotLoader.Loaded l = SnapshotLoader.loadNewest(st.engine, SnapshotFormat.directory(dir), null,
                new LoadProgress());
        assertEquals(List.of(newest), l.damaged(), what);
        assertNotEquals(newest, l.file(), what);
        TestStore.Client c = st.client();
        assertEquals(TestStore.bulk("1"), c.call("GET", "a"), what);
        assertEquals(TestStore.integer(0), c.call("EXISTS", "b"), what);
        assertEquals(TestStore.integer(2), c.call("DBSIZE"), what);
    }

    @Test
    void aSnapshotCutAtEveryByteIsRejectedAndThePreviousOneIsLoaded() throws Exception {
        Path newest = twoSnapshots();
        byte[] good = Files.readAllBytes(newest);
        try (TestStore st = store(dir)) {
            for (int cut = 0; cut < good.length; cut++) {
                expectFallback(st, Arrays.copyOf(good, cut), newest, "cut at " + cut);
            }
        }
        Files.write(newest, good);
        try (TestStore st = loaded(dir)) {
            assertEquals(TestStore.integer(3), st.client().call("DBSIZE"));
        }
    }

    @Test
    void aFlippedByteAnywhereIsRejectedAndThePreviousOneIsLoaded() throws Exception {
        Path newest = twoSnapshots();
        byte[] good = Files.readAllBytes(newest);
        try (TestStore st = store(dir)) {
            for (int i = 0; i < good.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] bad = good.clone();
                    bad[i] ^= (byte) bit;
                    expectFallback(st, bad, newest, "flipped bit " + bit + " of byte " + i);
                }
            }
        }
    }

    @Test
    void damageMessagesSayWhatIsWrongAndWhere() throws Exception {
        Path newest = twoSnapshots();
        byte[] good = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(good, good.length - 3));
        SnapshotDamagedException e = assertThrows(SnapshotDamagedException.class,
                () -> SnapshotReader.read(newest, (db, k, s, h, x, v) -> { }));
        assertTrue(e.getMessage().contains("cut short") && e.getMessage().contains(newest.toString()), e.getMessage());
        byte[] bad = good.clone();
        bad[good.length - 20] ^= 0x40; // inside the scripts section or the last record: caught by the checksum
        Files.write(newest, bad);
        e = assertThrows(SnapshotDamagedException.class, () -> SnapshotReader.read(newest, (db, k, s, h, x, v) -> { }));
        assertTrue(e.getMessage().startsWith("Snapshot " + newest + " is damaged at byte "), e.getMessage());
    }

    @Test
    void whenEverySnapshotIsDamagedRecoveryStopsWithAClearMessage() throws Exception {
        Path newest = twoSnapshots();
        for (Path p : SnapshotFormat.snapshots(SnapshotFormat.directory(dir))) {
            Files.write(p, new byte[] {1, 2, 3});
        }
        try (TestStore st = store(dir)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () ->
                    SnapshotLoader.loadNewest(st.engine, SnapshotFormat.directory(dir), null, new LoadProgress()));
            assertTrue(e.getMessage().contains("No intact snapshot") && e.getMessage().contains(newest.getFileName().toString()),
                    e.getMessage());
        }
    }

    @Test
    void leftoverTemporaryFilesAreDeletedOnLoad() throws Exception {
        twoSnapshots();
        Path tmp = SnapshotFormat.directory(dir).resolve("snapshot-00000000000000000099.vsnap.tmp");
        Files.write(tmp, new byte[] {1, 2, 3});
        try (TestStore st = loaded(dir)) {
            assertTrue(Files.notExists(tmp));
            assertEquals(TestStore.integer(3), st.client().call("DBSIZE"));
        }
    }

    @Test
    void retentionKeepsTheNewestTwoSnapshots() throws Exception {
        writer = store(dir);
        TestStore.Client c = writer.client();
        for (int i = 0; i < 4; i++) {
            c.call("SET", "k" + i, "v");
            c.call("SET", "j" + i, "v");
            assertEquals(TestStore.OK, c.call("SAVE"));
        }
        List<Path> files = SnapshotFormat.snapshots(SnapshotFormat.directory(dir));
        assertEquals(2, files.size());
        assertEquals(SnapshotFormat.fileName(7), files.get(0).getFileName().toString());
        assertEquals(SnapshotFormat.fileName(5), files.get(1).getFileName().toString());
    }
}
