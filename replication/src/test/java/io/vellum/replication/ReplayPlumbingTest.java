package io.vellum.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.aof.AofOptions;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.Role;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica's apply path: the primary's records, read from its files, applied with their
 * digests checked into the replica's own log (same serials); a divergent record stops
 * replication naming the record and the unit; a replica never expires keys itself.
 */
class ReplayPlumbingTest {
    @TempDir
    Path tmp;

    /** A TestStore (engine on the test thread) with a real log in {@code dir}. */
    record Store(TestStore store, AppendOnlyLog log) implements AutoCloseable {
        static Store open(Path dir) throws Exception {
            TestStore st = new TestStore(Engine.builder());
            return new Store(st, AppendOnlyLog.open(st.engine, AofOptions.of(dir)));
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private static List<RecordApplier.Item> readAll(Path dir, long after) throws Exception {
        List<RecordApplier.Item> out = new ArrayList<>();
        try (LogTail t = new LogTail(dir)) {
            assertEquals(LogTail.Seek.OK, t.seekAfter(after));
            while (t.next()) {
                out.add(new RecordApplier.Item(t.serial(), t.record()));
            }
        }
        return out;
    }

    @Test
    void recordsAppliedOnAReplicaGoToItsOwnLogWithThePrimarysSerials() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            var c = p.store().client();
            c.call("SET", "a", "1");
            c.call("SADD", "s", "x", "y");
            c.call("MULTI");
            c.call("INCR", "n");
            c.call("HSET", "h", "f", "v");
            c.call("EXEC");
            assertEquals(3, p.log().lastSerial());
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "id");
            a.apply(readAll(tmp.resolve("p"), 0));
            assertNull(a.error());
            assertEquals(3, a.applied());
            assertEquals(3, r.log().lastSerial());
            assertEquals(digest(p), digest(r));
        }
        // the replica's log replays to the same state, and tails from where it is
        try (Store r = Store.open(tmp.resolve("r"))) {
            assertEquals(3, r.log().lastSerial());
            assertEquals(TestStore.bulk("1"), r.store().client().call("GET", "n"));
        }
        assertEquals(2, readAll(tmp.resolve("p"), 1).size());
        assertEquals(0, readAll(tmp.resolve("p"), 3).size());
        try (LogTail t = new LogTail(tmp.resolve("p"))) {
            assertEquals(LogTail.Seek.AHEAD, t.seekAfter(9));
            assertEquals(LogTail.Seek.OK, t.seekAfter(2));
            assertTrue(t.next());
            assertEquals(3, t.serial());
            assertFalse(t.next());
        }
    }

    @Test
    void aDivergentRecordStopsReplicationNamingTheRecordAndTheUnit() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            var c = p.store().client();
            c.call("SET", "k1", "v1");
            c.call("SET", "k2", "v2");
            c.call("SET", "k3", "v3");
            c.call("SET", "k4", "v4");
            List<RecordApplier.Item> items = new ArrayList<>(readAll(tmp.resolve("p"), 0));
            UnitRecord third = items.get(2).record();
            items.set(2, new RecordApplier.Item(3, new UnitRecord(third.kind(), third.db(), third.protocol(),
                    third.timeMicros(), third.seed(), third.commands(), third.effectDigest() ^ 1)));
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "abc");
            a.apply(items);
            assertEquals(2, a.applied());
            assertEquals(2, r.log().lastSerial(), "the divergent record is not in the replica's log");
            String e = a.error();
            assertTrue(e.contains("record 3 of log abc") && e.contains("SET k3 v3") && e.contains("diverged"), e);
            assertEquals(TestStore.NULL, r.store().client().call("GET", "k4"), "nothing after it is applied");
        }
    }

    @Test
    void aGapInSerialsStopsReplication() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            var c = p.store().client();
            c.call("SET", "k1", "v1");
            c.call("SET", "k2", "v2");
            List<RecordApplier.Item> items = readAll(tmp.resolve("p"), 0);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "abc");
            a.apply(List.of(items.get(1)));
            assertTrue(a.error().contains("follows record 0: records are missing"), a.error());
            assertEquals(0, a.applied());
        }
    }

    @Test
    void aReplicaNeverExpiresKeysItself() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            p.store().client().call("SET", "t", "x", "PX", "10");
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "abc");
            a.apply(readAll(tmp.resolve("p"), 0));
            r.store().advanceMillis(1000);
            r.store().engine.activeExpireCycle();
            assertEquals(1, r.store().engine.keyspace().db(0).size(), "still there: only the primary's DEL removes it");
            assertEquals(TestStore.NULL, r.store().client().call("GET", "t"), "but reads see it expired");
            assertEquals(1, r.log().lastSerial(), "the replica logged nothing of its own");
            // the primary's active expiry is a logged DEL that the replica applies
            p.store().advanceMillis(1000);
            p.store().engine.activeExpireCycle();
            a.apply(readAll(tmp.resolve("p"), 1));
            assertEquals(0, r.store().engine.keyspace().db(0).size());
        }
    }

    private static String digest(Store s) {
        return io.vellum.core.keyspace.RedisDigest.hex(io.vellum.core.keyspace.RedisDigest.dataset(s.store().engine.keyspace()));
    }
}
