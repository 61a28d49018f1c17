package io.vellum.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.commands.DumpPayload;
import io.vellum.core.engine.UnitClock;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.types.HashValue;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueCodec;
import io.vellum.core.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * Determinism rule 3 for random picks: the same random stream picks the same members from a
 * value before and after a ValueCodec round trip (snapshot) or a DUMP/RESTORE payload, and
 * the same keys from a database reloaded key by key, although the reloaded dictionaries have
 * no tombstones and the originals do.
 */
class RandomPickReloadTest {
    private static final long SEED = 7_331_2026L;
    private static final int PICKS = 200;
    private static final SetValue.Limits SET_LIMITS = new SetValue.Limits(512, 128, 64);
    private static final ZSetValue.Limits ZSET_LIMITS = new ZSetValue.Limits(128, 64);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** Members m0..m(n-1), then every third and a run in the middle deleted: holes everywhere. */
    private static List<String> deletions(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0 || (i > n / 2 && i < n / 2 + 20)) {
                out.add("m" + i);
            }
        }
        return out;
    }

    private static <V extends Value> List<String> picks(V v, Function<RandomGenerator, byte[]> pick) {
        RandomGenerator r = random(SEED);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < PICKS; i++) {
            out.add(new String(pick.apply(r), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static Value viaCodec(Value v) {
        return ValueCodec.decode(ValueCodec.encode(v));
    }

    private static Value viaDump(Value v) {
        return DumpPayload.decode(DumpPayload.encode(v));
    }

    private static <V extends Value> void assertSamePicks(V original, Function<V, Function<RandomGenerator, byte[]>> pick) {
        List<String> before = picks(original, pick.apply(original));
        for (UnaryOperator<Value> reload : List.<UnaryOperator<Value>>of(RandomPickReloadTest::viaCodec, RandomPickReloadTest::viaDump)) {
            @SuppressWarnings("unchecked")
            V copy = (V) reload.apply(original);
            assertEquals(original.encoding(), copy.encoding());
            assertEquals(before, picks(copy, pick.apply(copy)));
        }
    }

    @Test
    void setPicksSurviveReload() {
        SetValue s = SetValue.create(b("m0"), 300, SET_LIMITS);
        for (int i = 0; i < 300; i++) {
            s.add(b("m" + i), SET_LIMITS);
        }
        for (String m : deletions(300)) {
            s.remove(b(m));
        }
        assertEquals("hashtable", s.encoding());
        assertSamePicks(s, v -> v::randomMember);
    }

    @Test
    void smallListpackSetPicksSurviveReload() {
        SetValue s = SetValue.create(b("m0"), 40, SET_LIMITS);
        for (int i = 0; i < 40; i++) {
            s.add(b("m" + i), SET_LIMITS);
        }
        for (String m : deletions(40)) {
            s.remove(b(m));
        }
        assertEquals("listpack", s.encoding());
        assertSamePicks(s, v -> v::randomMember);
    }

    @Test
    void hashPicksSurviveReload() {
        HashValue h = HashValue.create();
        for (int i = 0; i < 300; i++) {
            h.set(b("m" + i), b("v" + i), 128, 64);
        }
        for (String m : deletions(300)) {
            h.delete(b(m));
        }
        assertEquals("hashtable", h.encoding());
        assertSamePicks(h, v -> r -> v.entries().keyAt(v.entries().randomEntry(r)));
    }

    @Test
    void zsetPicksSurviveReload() {
        ZSetValue z = ZSetValue.create(300, 3, ZSET_LIMITS);
        for (int i = 0; i < 300; i++) {
            z.add((i * 7919) % 1000, b("m" + i), 0, new double[1], ZSET_LIMITS);
        }
        for (String m : deletions(300)) {
            z.remove(b(m));
        }
        assertEquals("skiplist", z.encoding());
        assertSamePicks(z, v -> r -> v.randomNode(r).member());
    }

    @Test
    void randomKeySurvivesReload() {
        Keyspace ks = new Keyspace(1, new UnitClock(() -> 1_700_000_000_000_000L));
        Database db = ks.db(0);
        for (int i = 0; i < 300; i++) {
            db.add(b("m" + i), StringValue.of(b("v")));
        }
        for (String m : deletions(300)) {
            db.delete(b(m));
        }
        // what the snapshot loader does: the live keys in order, with their sequence numbers
        Keyspace reloaded = new Keyspace(1, new UnitClock(() -> 1_700_000_000_000_000L));
        OrderedDict<Value> d = db.dict();
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            reloaded.db(0).loadKey(d.keyAt(e), d.valueAt(e), -1, d.seqAt(e));
        }
        RandomGenerator r1 = random(SEED);
        RandomGenerator r2 = random(SEED);
        for (int i = 0; i < PICKS; i++) {
            byte[] k = db.randomKey(r1);
            assertNotNull(k);
            assertArrayEquals(k, reloaded.db(0).randomKey(r2));
        }
    }

    /** The pick is the live entry of a random rank, under any mix of inserts, deletes and compactions. */
    @Test
    void pickIsTheEntryOfARandomRankInOrder() {
        RandomGenerator ops = random(99);
        OrderedDict<Boolean> d = new OrderedDict<>();
        for (int step = 0; step < 20_000; step++) {
            int k = ops.nextInt(400);
            if (ops.nextInt(100) < 55) {
                d.put(b("k" + k), Boolean.TRUE);
            } else {
                d.remove(b("k" + k));
            }
            if (!d.isEmpty() && step % 7 == 0) {
                long seed = ops.nextLong();
                int rank = random(seed).nextInt(d.size());
                int e = d.firstEntry();
                for (int i = 0; i < rank; i++) {
                    e = d.nextEntry(e + 1);
                }
                assertEquals(e, d.randomEntry(random(seed)));
                assertTrue(d.keyAt(e) != null);
            }
        }
    }
}
