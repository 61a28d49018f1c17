package io.vellum.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.ValueCodec;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.types.proto.ZSetData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ZSetValue's encodings, the listpack's -0, the stored form and the digest. */
class ZSetEncodingTest {
    private static final ZSetValue.Limits DEFAULTS = new ZSetValue.Limits(128, 64);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ZSetValue of(ZSetValue.Limits l, Object... scoreMember) {
        ZSetValue z = ZSetValue.create(scoreMember.length / 2, ((String) scoreMember[1]).length(), l);
        double[] out = new double[1];
        for (int i = 0; i < scoreMember.length; i += 2) {
            z.add(((Number) scoreMember[i]).doubleValue(), b((String) scoreMember[i + 1]), 0, out, l);
        }
        return z;
    }

    private static List<String> elements(ZSetValue z) {
        List<String> out = new ArrayList<>();
        for (Node n = z.first(); n != null; n = n.next()) {
            out.add(new String(n.member(), StandardCharsets.ISO_8859_1) + "=" + n.score());
        }
        return out;
    }

    @Test
    void listpackUntilItsLimitsThenSkiplistForGood() {
        ZSetValue.Limits l = new ZSetValue.Limits(3, 4);
        ZSetValue z = of(l, 1, "a", 2, "b", 3, "c");
        assertEquals("listpack", z.encoding());
        double[] out = new double[1];
        z.add(4, b("d"), 0, out, l);
        assertEquals("skiplist", z.encoding());
        z.remove(b("d"));
        z.remove(b("c"));
        assertEquals("skiplist", z.encoding());
        ZSetValue w = of(l, 1, "a");
        w.add(2, b("longer"), 0, out, l);
        assertEquals("skiplist", w.encoding());
        assertEquals("skiplist", ZSetValue.create(4, 1, l).encoding());
        assertEquals("skiplist", ZSetValue.create(1, 5, l).encoding());
    }

    @Test
    void aListpackStoresMinusZeroAsZero() {
        ZSetValue lp = of(DEFAULTS, -0.0, "a");
        assertEquals(0, Double.doubleToRawLongBits(lp.score(b("a"))));
        ZSetValue sl = of(new ZSetValue.Limits(0, 64), -0.0, "a");
        assertEquals("skiplist", sl.encoding());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sl.score(b("a"))));
        // a result converted to a listpack loses the sign too
        ZSetValue built = ZSetValue.newSkiplist();
        built.insertNew(b("x"), -0.0);
        built.convertToListpackIfNeeded(1, DEFAULTS);
        assertEquals("listpack", built.encoding());
        assertEquals(0, Double.doubleToRawLongBits(built.score(b("x"))));
    }

    @Test
    void addFlagsFollowZsetAdd() {
        ZSetValue z = of(DEFAULTS, 5, "a");
        double[] out = new double[1];
        assertEquals(ZSetValue.OUT_NOP, z.add(1, b("a"), ZSetValue.IN_NX, out, DEFAULTS));
        assertEquals(ZSetValue.OUT_NOP, z.add(1, b("new"), ZSetValue.IN_XX, out, DEFAULTS));
        assertEquals(ZSetValue.OUT_NOP, z.add(4, b("a"), ZSetValue.IN_GT, out, DEFAULTS));
        assertEquals(ZSetValue.OUT_UPDATED, z.add(6, b("a"), ZSetValue.IN_GT, out, DEFAULTS));
        assertEquals(ZSetValue.OUT_NOP, z.add(7, b("a"), ZSetValue.IN_LT, out, DEFAULTS));
        assertEquals(0, z.add(6, b("a"), 0, out, DEFAULTS));
        assertEquals(ZSetValue.OUT_UPDATED, z.add(1.5, b("a"), ZSetValue.IN_INCR, out, DEFAULTS));
        assertEquals(7.5, out[0]);
        z.add(Double.POSITIVE_INFINITY, b("i"), 0, out, DEFAULTS);
        assertEquals(ZSetValue.OUT_NAN, z.add(Double.NEGATIVE_INFINITY, b("i"), ZSetValue.IN_INCR, out, DEFAULTS));
        assertEquals(Double.POSITIVE_INFINITY, z.score(b("i")));
        assertEquals(ZSetValue.OUT_NAN, z.add(Double.NaN, b("n"), 0, out, DEFAULTS));
    }

    @Test
    void storedFormRoundTrips() throws Exception {
        ZSetValue z = of(new ZSetValue.Limits(2, 64), 3, "c", 1, "a", -0.0, "z", Double.NEGATIVE_INFINITY, "lo");
        assertEquals("skiplist", z.encoding());
        StoredValue p = StoredValue.parseFrom(z.toProto().toByteArray());
        ZSetValue back = (ZSetValue) ValueCodec.decode(p);
        assertEquals(elements(z), elements(back));
        assertEquals("skiplist", back.encoding());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.score(b("z"))));
        List<String> scanned = new ArrayList<>();
        long cursor = z.scan(0, 2, n -> scanned.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
        back.scan(cursor, 10, n -> scanned.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
        assertEquals(4, scanned.size(), "a cursor from before the reload continues after it: " + scanned);
        ZSetValue lp = of(DEFAULTS, 2, "b", 1, "a");
        assertEquals("listpack", ValueCodec.decode(lp.toProto()).encoding());
        ZSetValue copy = (ZSetValue) z.copy();
        copy.remove(b("a"));
        assertEquals(4, z.size());
        assertEquals(elements(z), elements(back));
    }

    @Test
    void invalidStoredSortedSetsAreRefused() {
        StoredValue nan = StoredValue.newBuilder().setZset(ZSetData.newBuilder().setEncoding("skiplist")
                .addMember(com.google.protobuf.ByteString.copyFromUtf8("a")).addScore(Double.NaN).addSeqDelta(1)).build();
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(nan));
        StoredValue uneven = StoredValue.newBuilder().setZset(ZSetData.newBuilder().setEncoding("listpack")
                .addMember(com.google.protobuf.ByteString.copyFromUtf8("a"))).build();
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(uneven));
    }

    /** Digests from redis-server 7.0.15's DEBUG DIGEST-VALUE (scores whose %.17g is fpconv's). */
    @Test
    void digestMatchesRedis() {
        byte[] d = new byte[20];
        RedisDigest.objectDigest(d, of(DEFAULTS, 1, "a", 2.5, "b", -3, "c"), false);
        assertEquals("2dd2ef669bd842b340aed0cb20be587954151e2b", RedisDigest.hex(d));
        byte[] s = new byte[20];
        RedisDigest.objectDigest(s, of(new ZSetValue.Limits(0, 64), 1, "a", 2.5, "b", -3, "c"), false);
        assertEquals("2dd2ef669bd842b340aed0cb20be587954151e2b", RedisDigest.hex(s));
        byte[] inf = new byte[20];
        RedisDigest.objectDigest(inf, of(DEFAULTS, 0, "x", Double.POSITIVE_INFINITY, "y", Double.NEGATIVE_INFINITY, "w"), false);
        assertEquals("b785ff34fa59dae548b5306bfa23ef2e13fc7340", RedisDigest.hex(inf));
    }
}
