package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.command.CommandFlag;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * Expiry as a whole: a key past its TTL is gone for every read (lazy expiry hides it and
 * never deletes it), the active expiry unit reclaims keys and is logged as a DEL, and
 * replaying a store's records rebuilds the same keyspace (order and sequence numbers included).
 */
class KeyExpiryTest {

    // ------------------------------------------------------------------ lazy expiry

    /** The argument lists tried for each read command: the key first, then fillers. */
    private static final List<List<String>> FILLERS = List.of(
            List.of("0", "-1", "5", "x", "1", "2", "3", "4"),
            List.of("k", "k", "k", "k", "k", "k", "k", "k"),
            List.of("1", "2", "3", "4", "5", "6", "7", "8"),
            List.of("*", "0", "COUNT", "10", "x", "y", "z", "w"));

    /**
     * Every bound read command that takes keys answers for an expired key exactly as for a
     * key that never existed, and does not delete it (reads stay out of the log).
     */
    @Test
    void anExpiredKeyReadsAsAMissingOneForEveryReadCommand() {
        try (TestStore expired = new TestStore(); TestStore empty = new TestStore()) {
            List<String[]> tried = new ArrayList<>();
            for (CommandSpec spec : expired.engine.table().allBound()) {
                if (!spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.BLOCKING) || !spec.hasKeys()) {
                    continue;
                }
                String[] prefix = spec.fullName().split("\\|");
                int min = Math.abs(spec.arity()) - prefix.length;
                int max = spec.arity() < 0 ? min + 2 : min;
                for (int n = Math.max(1, min); n <= max; n++) {
                    for (List<String> fill : FILLERS) {
                        String[] argv = new String[prefix.length + n];
                        System.arraycopy(prefix, 0, argv, 0, prefix.length);
                        argv[prefix.length] = "k";
                        for (int i = 1; i < n; i++) {
                            argv[prefix.length + i] = fill.get((i - 1) % fill.size());
                        }
                        tried.add(argv);
                    }
                }
            }
            assertTrue(tried.size() > 20, "read commands with keys found: " + tried.size());
            for (int protocol : new int[] {2, 3}) {
                TestStore.Client a = expired.client(protocol);
                TestStore.Client b = empty.client(protocol);
                for (String[] argv : tried) {
                    a.call("SET", "k", "v", "PX", "1");
                    expired.advanceMillis(2);
                    empty.micros.set(expired.micros.get());
                    int records = expired.records.size();
                    String what = String.join(" ", argv) + " (RESP" + protocol + ")";
                    assertEquals(b.call(argv), a.call(argv), what);
                    assertEquals(records, expired.records.size(), what + " is not logged");
                    assertNotNull(expired.engine.keyspace().db(0).peek(bytes("k")), what + " did not delete");
                }
            }
        }
    }

    @Test
    void readsNeverDeleteButWritesDo() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "PX", "5");
            st.advanceMillis(6);
            assertEquals(NULL, c.call("GET", "k"));
            assertEquals(integer(1), c.call("DBSIZE"), "a read leaves the key for active expiry");
            assertEquals(integer(0), c.call("DEL", "k"), "DEL of an expired key deletes nothing visible");
            assertEquals(integer(0), c.call("DBSIZE"), "but the write reclaimed it");
            assertEquals(1, st.engine.keyspace().expiredKeys());
        }
    }

    // ------------------------------------------------------------------ active expiry

    @Test
    void activeExpiryReclaimsExpiredKeysInALoggedDel() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 60; i++) {
                c.call("SET", "t" + i, "v", "PX", Integer.toString(100 + i));
                c.call("SET", "p" + i, "v");
            }
            c.call("SELECT", "5");
            c.call("SET", "other", "v", "PX", "10");
            st.advanceMillis(130); // t0..t29 and other are past their time
            int before = st.records.size();
            // Each pass samples (as Redis's does) and stops when few samples were expired; the
            // keys are all reclaimed within a few passes.
            Keyspace ks = st.engine.keyspace();
            for (int pass = 0; pass < 200 && ks.db(0).size() > 90; pass++) {
                st.engine.activeExpireCycle();
            }
            assertEquals(90, ks.db(0).size());
            assertEquals(0, ks.db(5).size());
            Set<String> deleted = new TreeSet<>();
            for (UnitRecord r : st.records.subList(before, st.records.size())) {
                assertEquals(UnitRecord.Kind.EXPIRY, r.kind());
                assertEquals(1, r.commands().size());
                byte[][] argv = r.commands().get(0);
                assertEquals("DEL", new String(argv[0], StandardCharsets.US_ASCII));
                for (int i = 1; i < argv.length; i++) {
                    assertTrue(deleted.add(r.db() + ":" + new String(argv[i], StandardCharsets.UTF_8)), "deleted once");
                }
            }
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 30; i++) {
                expected.add("0:t" + i);
            }
            expected.add("5:other");
            assertEquals(expected, deleted);
            assertEquals(31, ks.expiredKeys());
            int after = st.records.size();
            st.engine.activeExpireCycle();
            assertEquals(after, st.records.size(), "nothing left to reclaim, nothing logged");
        }
    }

    @Test
    void activeExpiryReclaimsWhatReadsSaw() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "seen", "v", "PX", "10");
            st.advanceMillis(11);
            assertEquals(NULL, c.call("GET", "seen"));
            st.engine.activeExpireCycle();
            assertEquals(integer(0), c.call("DBSIZE"));
            UnitRecord last = st.records.get(st.records.size() - 1);
            assertEquals("DEL seen", last.describe());
            assertEquals(UnitRecord.Kind.EXPIRY, last.kind());
        }
    }

    @Test
    void activeExpiryWithNothingExpiredLogsNothing() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "v", "EX", "100");
            c.call("SET", "b", "v");
            int n = st.records.size();
            st.engine.activeExpireCycle();
            assertEquals(n, st.records.size());
            assertEquals(integer(2), c.call("DBSIZE"));
        }
    }

    // ------------------------------------------------------------------ replay

    @Test
    void replayingTheRecordsRebuildsTheSameKeyspace() {
        for (long seed = 1; seed <= 5; seed++) {
            try (TestStore primary = new TestStore(); TestStore replica = new TestStore()) {
                runWorkload(primary, seed, 3000);
                for (UnitRecord r : primary.records) {
                    replica.engine.applyRecord(r, false);
                }
                replica.micros.set(primary.micros.get());
                assertEquals(image(primary.engine.keyspace()), image(replica.engine.keyspace()), "seed " + seed);
                // and the two answer reads alike, expired keys included
                TestStore.Client p = primary.client();
                TestStore.Client q = replica.client();
                for (int db = 0; db < 4; db++) {
                    p.call("SELECT", Integer.toString(db));
                    q.call("SELECT", Integer.toString(db));
                    assertEquals(p.call("KEYS", "*"), q.call("KEYS", "*"));
                    assertEquals(p.call("SCAN", "0", "COUNT", "7"), q.call("SCAN", "0", "COUNT", "7"));
                    for (int k = 0; k < 12; k++) {
                        assertEquals(p.call("PTTL", "k" + k), q.call("PTTL", "k" + k));
                        assertEquals(p.call("GET", "k" + k), q.call("GET", "k" + k));
                    }
                }
            }
        }
    }

    @Test
    void expiredKeyIsGoneAfterReplay() {
        try (TestStore primary = new TestStore(); TestStore replica = new TestStore()) {
            TestStore.Client c = primary.client();
            c.call("SET", "k", "v", "PX", "50");
            c.call("SET", "keep", "v");
            primary.advanceMillis(60);
            primary.engine.activeExpireCycle();
            for (UnitRecord r : primary.records) {
                replica.engine.applyRecord(r, false);
            }
            // the replica's own clock is far in the past: only the logged DEL removed the key
            replica.micros.set(0);
            assertEquals(1, replica.engine.keyspace().db(0).size());
            assertEquals(integer(-2), replica.client().call("PTTL", "k"));
        }
    }

    /** A seeded mix of key commands, writes, clock steps and active expiry passes. */
    private static void runWorkload(TestStore st, long seed, int steps) {
        RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        TestStore.Client c = st.client();
        byte[] payload = null;
        for (int i = 0; i < steps; i++) {
            String k = "k" + r.nextInt(12);
            String k2 = "k" + r.nextInt(12);
            String db = Integer.toString(r.nextInt(4));
            switch (r.nextInt(20)) {
                case 0, 1 -> c.call("SET", k, "v" + i);
                case 2 -> c.call("SET", k, "v" + i, "PX", Integer.toString(1 + r.nextInt(200)));
                case 3 -> c.call("PEXPIRE", k, Integer.toString(r.nextInt(300) - 20), pick(r, "", "NX", "XX", "GT", "LT"));
                case 4 -> c.call("EXPIREAT", k, Long.toString(st.micros.get() / 1_000_000 + r.nextInt(5) - 1));
                case 5 -> c.call("DEL", k, k2);
                case 6 -> c.call("RENAME", k, k2);
                case 7 -> c.call("RENAMENX", k, k2);
                case 8 -> c.call("COPY", k, k2, "DB", db, "REPLACE");
                case 9 -> c.call("MOVE", k, db);
                case 10 -> c.call("SWAPDB", db, Integer.toString(r.nextInt(4)));
                case 11 -> c.call("SELECT", db);
                case 12 -> c.call("PERSIST", k);
                case 13 -> {
                    Reply d = c.call("DUMP", k);
                    if (d instanceof Reply.Bulk bulk) {
                        payload = bulk.value();
                    }
                }
                case 14 -> {
                    if (payload != null) {
                        c.call(bytes("RESTORE"), bytes(k2), bytes(Integer.toString(r.nextInt(3) * 100)), payload,
                                bytes("REPLACE"));
                    }
                }
                case 15 -> c.call("GET", k);
                case 16 -> c.call("UNLINK", k);
                case 17 -> st.engine.activeExpireCycle();
                default -> st.advanceMillis(r.nextInt(40));
            }
        }
    }

    private static String pick(RandomGenerator r, String... options) {
        String o = options[r.nextInt(options.length)];
        return o.isEmpty() ? "NX" : o;
    }

    /** Every database's keys in iteration order with sequence number, value and expiry. */
    private static List<String> image(Keyspace ks) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            OrderedDict<io.vellum.core.types.Value> d = db.dict();
            out.add("db" + i + " next=" + d.nextSeq());
            for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                byte[] key = d.keyAt(e);
                out.add(new String(key, StandardCharsets.UTF_8) + " seq=" + d.seqAt(e) + " exp=" + db.expireAt(key)
                        + " val=" + hex.formatHex(ValueCodec.encode(d.valueAt(e)).toByteArray()));
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void imageSeesDifferences() {
        try (TestStore a = new TestStore(); TestStore b = new TestStore()) {
            a.client().call("SET", "k", "v");
            b.client().call("SET", "k", "v", "EX", "10");
            assertNotEquals(image(a.engine.keyspace()), image(b.engine.keyspace()));
        }
    }
}
