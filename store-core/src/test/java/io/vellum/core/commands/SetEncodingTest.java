package io.vellum.core.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.ValueCodec;
import io.vellum.core.types.proto.SetData;
import io.vellum.core.types.proto.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SetValue's encodings and conversions (Redis 7.2's t_set.c), stored form and digest. */
class SetEncodingTest {
    private static final SetValue.Limits DEFAULTS = new SetValue.Limits(512, 128, 64);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<String> members(SetValue s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static SetValue of(SetValue.Limits l, String... members) {
        SetValue s = SetValue.create(b(members[0]), members.length, l);
        for (String m : members) {
            s.add(b(m), l);
        }
        return s;
    }

    @Test
    void integersStayAnIntsetInNumericOrder() {
        SetValue s = of(DEFAULTS, "10", "-3", "7", "9223372036854775807", "-9223372036854775808");
        assertEquals("intset", s.encoding());
        assertEquals(List.of("-9223372036854775808", "-3", "7", "10", "9223372036854775807"), members(s));
        // not canonical integers: a string member
        s.add(b("010"), DEFAULTS);
        assertEquals("listpack", s.encoding());
        // the intset's order becomes the insertion order
        assertEquals(List.of("-9223372036854775808", "-3", "7", "10", "9223372036854775807", "010"), members(s));
    }

    @Test
    void listpackKeepsInsertionOrderUntilItsLimits() {
        SetValue.Limits l = new SetValue.Limits(512, 3, 5);
        SetValue s = of(l, "b", "a", "c");
        assertEquals("listpack", s.encoding());
        assertEquals(List.of("b", "a", "c"), members(s));
        s.add(b("d"), l);
        assertEquals("hashtable", s.encoding());
        s.remove(b("d"));
        s.remove(b("a"));
        assertEquals("hashtable", s.encoding(), "never back");
        SetValue t = of(l, "ab");
        t.add(b("toolong"), l);
        assertEquals("hashtable", t.encoding());
    }

    @Test
    void intsetConversionFollowsRedissChecks() {
        // an intset of 3 with listpack entries 3: a string goes straight to hashtable
        SetValue.Limits l = new SetValue.Limits(512, 3, 64);
        SetValue s = of(l, "1", "2", "3");
        s.add(b("x"), l);
        assertEquals("hashtable", s.encoding());
        // the longest intset member must fit the listpack value limit
        SetValue.Limits narrow = new SetValue.Limits(512, 128, 2);
        SetValue t = of(narrow, "5", "-10");
        t.add(b("x"), narrow);
        assertEquals("hashtable", t.encoding());
        // too many integers
        SetValue.Limits small = new SetValue.Limits(2, 128, 64);
        SetValue u = of(small, "1", "2");
        assertEquals("intset", u.encoding());
        u.add(b("3"), small);
        assertEquals("hashtable", u.encoding());
        // SADD's size hint decides up front (7.2): many arguments, hashtable at once
        SetValue v = SetValue.create(b("1"), 600, DEFAULTS);
        assertEquals("hashtable", v.encoding());
        SetValue w = SetValue.create(b("x"), 129, DEFAULTS);
        assertEquals("hashtable", w.encoding());
        SetValue x = SetValue.create(b("1"), 129, DEFAULTS);
        assertEquals("intset", x.encoding());
        x.maybeConvert(513, DEFAULTS);
        assertEquals("hashtable", x.encoding());
    }

    @Test
    void backToIntsetOnlyWhenEveryMemberIsAnInteger() {
        SetValue s = of(DEFAULTS, "a", "3", "1");
        s.remove(b("a"));
        s.maybeConvertToIntset(DEFAULTS);
        assertEquals("intset", s.encoding());
        assertEquals(List.of("1", "3"), members(s));
        SetValue t = of(DEFAULTS, "a", "3");
        t.maybeConvertToIntset(DEFAULTS);
        assertEquals("listpack", t.encoding());
    }

    @Test
    void storedFormKeepsOrderEncodingAndScanCursors() throws Exception {
        SetValue.Limits l = new SetValue.Limits(512, 2, 64);
        SetValue s = of(l, "x", "y", "z", "w");
        s.remove(b("y"));
        assertEquals("hashtable", s.encoding());
        List<String> firstHalf = new ArrayList<>();
        long cursor = s.scan(0, 1, m -> firstHalf.add(new String(m, StandardCharsets.ISO_8859_1)));
        StoredValue p = s.toProto();
        SetValue back = (SetValue) ValueCodec.decode(StoredValue.parseFrom(p.toByteArray()));
        assertEquals(members(s), members(back));
        assertEquals("hashtable", back.encoding());
        List<String> rest = new ArrayList<>();
        back.scan(cursor, 10, m -> rest.add(new String(m, StandardCharsets.ISO_8859_1)));
        assertEquals(List.of("x"), firstHalf);
        assertEquals(List.of("z", "w"), rest);
        SetValue ints = of(DEFAULTS, "3", "1");
        assertEquals(members(ints), members((SetValue) ValueCodec.decode(ints.toProto())));
        assertEquals("intset", ValueCodec.decode(ints.toProto()).encoding());
        SetValue copy = (SetValue) s.copy();
        copy.add(b("new"), l);
        assertEquals(3, s.size());
    }

    @Test
    void invalidStoredSetsAreRefused() {
        StoredValue dup = StoredValue.newBuilder().setSet(SetData.newBuilder().setEncoding("intset")
                .addMember(com.google.protobuf.ByteString.copyFromUtf8("1"))
                .addMember(com.google.protobuf.ByteString.copyFromUtf8("1"))).build();
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(dup));
        StoredValue bad = StoredValue.newBuilder().setSet(SetData.newBuilder().setEncoding("quicklist")).build();
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(bad));
    }

    /** Digests from redis-server 7.0.15's DEBUG DIGEST-VALUE of the same sets. */
    @Test
    void digestIsRedissXorOfMembers() {
        byte[] d = new byte[20];
        RedisDigest.objectDigest(d, of(DEFAULTS, "a", "b", "c"), false);
        assertEquals("593c2414786d75446e97f4ea5d4b731f3313da72", RedisDigest.hex(d));
        byte[] i = new byte[20];
        RedisDigest.objectDigest(i, of(DEFAULTS, "1", "2", "3", "-5"), false);
        assertEquals("5e497276f46b9037a75afe0286ef7a77cbed85e4", RedisDigest.hex(i));
        byte[] h = new byte[20];
        RedisDigest.objectDigest(h, of(new SetValue.Limits(0, 128, 64), "1", "2", "3", "-5"), false);
        assertArrayEquals(i, h, "the encoding does not change the digest");
    }
}
