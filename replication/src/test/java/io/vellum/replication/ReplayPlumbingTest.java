package io.vellum.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** A record read from a log: its serial, the record, its stored bytes. */
    record Item(long serial, UnitRecord record, byte[] raw) {
    }

    static List<Item> items(Path dir, long after) throws Exception {
        List<Item> out = new ArrayList<>();
        try (LogTail t = new LogTail(dir)) {
            assertEquals(LogTail.Seek.OK, t.seekAfter(after));
            while (t.next()) {
                out.add(new Item(t.serial(), t.record(), java.util.Arrays.copyOf(t.raw(), t.rawLength())));
            }
        }
        return out;
    }

    static RecordBatch batch(List<Item> items) {
        RecordBatch b = new RecordBatch();
        for (Item it : items) {
            b.addCopy(it.serial(), it.record(), it.raw(), it.raw().length);
        }
        return b;
    }

    private static RecordBatch readAll(Path dir, long after) throws Exception {
        return batch(items(dir, after));
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
    void aReplicasLogHoldsThePrimarysRecordBytesAsTheyCame() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            var c = p.store().client();
            c.call("SET", "a", "1", "PX", "100000");
            c.call("SADD", "s", "x", "y", "z");
            c.call("MULTI");
            c.call("INCR", "n");
            c.call("LPUSH", "l", "e1", "e2");
            c.call("EXEC");
            c.call("EVAL", "redis.call('SET', KEYS[1], math.random()); return 1", "1", "rnd");
            c.call("SPOP", "s");
            c.call("SELECT", "3");
            c.call("HSET", "h", "f", "v");
            p.store().advanceMillis(200_000);
            p.store().engine.activeExpireCycle(); // a logged DEL of "a"
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "id");
            // in two batches, as a link delivers them
            List<Item> all = items(tmp.resolve("p"), 0);
            a.apply(batch(all.subList(0, 3)));
            a.apply(batch(all.subList(3, all.size())));
            assertNull(a.error());
            assertEquals(p.log().lastSerial(), r.log().lastSerial());
            List<Item> copied = items(tmp.resolve("r"), 0);
            assertEquals(all.size(), copied.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(all.get(i).serial(), copied.get(i).serial());
                assertArrayEquals(all.get(i).raw(), copied.get(i).raw(), "record " + all.get(i).serial());
            }
            assertEquals(digest(p), digest(r));
        }
        // the copied log replays to the same state on a restart of the replica
        String expected;
        try (Store p = Store.open(tmp.resolve("p"))) {
            expected = digest(p);
        }
        try (Store r = Store.open(tmp.resolve("r"))) {
            assertEquals(expected, digest(r));
        }
    }

    @Test
    void aRecordWithAFieldThisVersionDoesNotKnowReachesTheReplicasLogWithIt() throws Exception {
        try (Store p = Store.open(tmp.resolve("p")); Store r = Store.open(tmp.resolve("r"))) {
            p.store().client().call("SET", "k", "v");
            p.store().client().call("SET", "k2", "v2");
            List<Item> all = items(tmp.resolve("p"), 0);
            // A newer primary's record: an extra field (number 20, varint 7) before the checksum.
            byte[] raw = all.get(0).raw();
            byte[] body = java.util.Arrays.copyOf(raw, raw.length - 5 + 3);
            body[raw.length - 5] = (byte) 0xa0;
            body[raw.length - 4] = 0x01;
            body[raw.length - 3] = 0x07;
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(body, 0, body.length);
            byte[] newer = java.util.Arrays.copyOf(body, body.length + 5);
            newer[body.length] = 0x7d;
            int v = (int) crc.getValue();
            for (int i = 0; i < 4; i++) {
                newer[body.length + 1 + i] = (byte) (v >>> (8 * i));
            }
            long[] serial = new long[1];
            UnitRecord decoded = io.vellum.aof.RecordCodec.decode(newer, 0, newer.length, serial);
            assertEquals(1, serial[0]);
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "id");
            a.apply(batch(List.of(new Item(1, decoded, newer), all.get(1))));
            assertNull(a.error());
            List<Item> copied = items(tmp.resolve("r"), 0);
            assertArrayEquals(newer, copied.get(0).raw(), "kept as it came, the unknown field included");
            assertArrayEquals(all.get(1).raw(), copied.get(1).raw());
            assertEquals(digest(p), digest(r));
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
            List<Item> items = new ArrayList<>(items(tmp.resolve("p"), 0));
            UnitRecord third = items.get(2).record();
            items.set(2, new Item(3, new UnitRecord(third.kind(), third.db(), third.protocol(),
                    third.timeMicros(), third.seed(), third.commands(), third.effectDigest() ^ 1), items.get(2).raw()));
            r.store().engine.setRole(Role.REPLICA);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "abc");
            a.apply(batch(items));
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
            List<Item> items = items(tmp.resolve("p"), 0);
            RecordApplier a = new RecordApplier(r.store().engine, r.log(), "test", "abc");
            a.apply(batch(List.of(items.get(1))));
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
