package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.core.TestStore;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.Reply;
import io.vellum.core.types.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** String commands on the synchronous test engine: encodings, TTLs, types, limits and logging. */
class StringCommandsTest {
    private static final long NOW = 1_700_000_000_000L;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Database db(TestStore st) {
        return st.engine.keyspace().db(0);
    }

    private static String encoding(TestStore st, String key) {
        return db(st).peek(b(key)).encoding();
    }

    private static long expireAt(TestStore st, String key) {
        return db(st).expireAt(b(key));
    }

    @Test
    void encodingsFollowRedis() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "i", "12345");
            c.call("SET", "e", "hello");
            c.call("SET", "r", "x".repeat(45));
            c.call("SET", "big", "12345678901234567890"); // 20 digits, past a long
            c.call("SET", "z", "0123");
            assertEquals("int", encoding(st, "i"));
            assertEquals("embstr", encoding(st, "e"));
            assertEquals("raw", encoding(st, "r"));
            assertEquals("embstr", encoding(st, "big"));
            assertEquals("embstr", encoding(st, "z"));
            c.call("APPEND", "i", "6");
            assertEquals("raw", encoding(st, "i")); // changed in place: raw even though numeric
            c.call("INCR", "i");
            assertEquals("int", encoding(st, "i"));
            c.call("APPEND", "new", "123");
            assertEquals("int", encoding(st, "new")); // APPEND to a missing key stores the argument as SET does
            c.call("INCRBYFLOAT", "f", "3");
            assertEquals(bulk("3"), c.call("GET", "f"));
            assertEquals("embstr", encoding(st, "f")); // createStringObject: never int
            c.call("SETRANGE", "sr", "0", "12");
            assertEquals("raw", encoding(st, "sr"));
            c.call("GETSET", "gs", "5");
            assertEquals("int", encoding(st, "gs"));
            c.call("MSET", "m1", "7", "m2", "seven");
            assertEquals("int", encoding(st, "m1"));
            assertEquals("embstr", encoding(st, "m2"));
            c.call("SET", "a", "12");
            c.call("SETBIT", "a", "0", "0"); // no change, but the value was unshared: raw
            assertEquals("raw", encoding(st, "a"));
        }
    }

    @Test
    void ttlIsKeptOrClearedAsInRedis() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(OK, c.call("SET", "k", "1", "EX", "100"));
            assertEquals(NOW + 100_000, expireAt(st, "k"));
            c.call("INCR", "k");
            c.call("INCRBYFLOAT", "k", "0.5");
            c.call("APPEND", "k", "0");
            c.call("SETRANGE", "k", "0", "9");
            c.call("SETBIT", "k", "3", "1");
            c.call("BITFIELD", "k", "SET", "u8", "0", "65");
            assertEquals(NOW + 100_000, expireAt(st, "k"));
            c.call("SET", "k", "v", "KEEPTTL");
            assertEquals(NOW + 100_000, expireAt(st, "k"));
            c.call("SET", "k", "v");
            assertEquals(-1, expireAt(st, "k"));
            c.call("SETEX", "k", "10", "v");
            assertEquals(NOW + 10_000, expireAt(st, "k"));
            assertEquals(bulk("v"), c.call("GETSET", "k", "w"));
            assertEquals(-1, expireAt(st, "k"));
            c.call("PSETEX", "k", "1500", "v");
            assertEquals(NOW + 1500, expireAt(st, "k"));
            c.call("MSET", "k", "x");
            assertEquals(-1, expireAt(st, "k"));
            c.call("SET", "k", "v", "PXAT", "1800000000000");
            assertEquals(1_800_000_000_000L, expireAt(st, "k"));
            c.call("SET", "k", "v", "EXAT", "1800000000", "EXAT", "1900000000");
            assertEquals(1_900_000_000_000L, expireAt(st, "k")); // a repeated form takes the last time
        }
    }

    @Test
    void getexSetsPersistsOrDeletes() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v");
            assertEquals(bulk("v"), c.call("GETEX", "k", "PX", "5000"));
            assertEquals(NOW + 5000, expireAt(st, "k"));
            assertEquals(bulk("v"), c.call("GETEX", "k"));
            assertEquals(NOW + 5000, expireAt(st, "k"));
            assertEquals(bulk("v"), c.call("GETEX", "k", "PERSIST"));
            assertEquals(-1, expireAt(st, "k"));
            int logged = st.records.size();
            c.call("GETEX", "k", "PERSIST"); // nothing to remove: not a change, not logged
            c.call("GETEX", "k");
            assertEquals(logged, st.records.size());
            assertEquals(bulk("v"), c.call("GETEX", "k", "PXAT", Long.toString(NOW)));
            assertNull(db(st).peek(b("k"))); // an absolute time not in the future deletes the key
            assertEquals(NULL, c.call("GETEX", "k", "EX", "0")); // missing key: nil before the time is checked
            c.call("SET", "k", "v");
            assertEquals(error("ERR invalid expire time in 'getex' command"), c.call("GETEX", "k", "EX", "0"));
        }
    }

    @Test
    void expiredKeysAreGoneForEveryCommand() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "5", "PX", "100");
            c.call("SET", "s", "abc", "PX", "100");
            st.advanceMillis(101);
            assertEquals(NULL, c.call("GET", "k"));
            assertEquals(integer(1), c.call("INCR", "k"));
            assertEquals(-1, expireAt(st, "k")); // a new key, without the old TTL
            assertEquals(integer(1), c.call("APPEND", "s", "x"));
            assertEquals(integer(1), c.call("SETNX", "s2", "y"));
            c.call("SET", "n", "1", "PX", "10");
            st.advanceMillis(11);
            assertEquals(integer(1), c.call("MSETNX", "n", "2"));
            assertEquals(bulk("2"), c.call("GET", "n"));
        }
    }

    @Test
    void wrongTypeIsRefusedWithoutChanges() {
        try (TestStore st = new TestStore()) {
            FakeListValue.put(st, "l");
            TestStore.Client c = st.client();
            FakeListValue.assertWrongType(c, new String[][] {
                    {"GET", "l"}, {"GETSET", "l", "v"}, {"GETDEL", "l"}, {"GETEX", "l", "PERSIST"},
                    {"SET", "l", "v", "GET"}, {"APPEND", "l", "x"}, {"STRLEN", "l"}, {"GETRANGE", "l", "0", "1"},
                    {"SUBSTR", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"}, {"SETRANGE", "l", "0", ""},
                    {"INCR", "l"}, {"DECR", "l"}, {"INCRBY", "l", "2"}, {"DECRBY", "l", "2"},
                    {"INCRBYFLOAT", "l", "1.5"}});
            assertEquals("listpack", encoding(st, "l"));
            // argument errors come first where Redis parses before looking the key up
            assertEquals(error("ERR value is not an integer or out of range"), c.call("INCRBY", "l", "x"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("GETRANGE", "l", "x", "1"));
            assertEquals(error("ERR offset is out of range"), c.call("SETRANGE", "l", "-1", "x"));
            assertEquals(error("ERR syntax error"), c.call("GETEX", "l", "BOGUS"));
            c.call("SET", "s0", "v");
            assertEquals(array(NULL, bulk("v")), c.call("MGET", "l", "s0"));
            assertEquals(error("ERR The specified keys must contain string values"), c.call("LCS", "l", "s0"));
            assertEquals(error("ERR The specified keys must contain string values"), c.call("LCS", "s0", "l", "BOGUS"));
            assertEquals(integer(0), c.call("MSETNX", "l", "v"));
            assertEquals(integer(0), c.call("SETNX", "l", "v"));
            assertEquals(OK, c.call("MSET", "l", "v")); // SET and MSET replace any type
            assertEquals(bulk("v"), c.call("GET", "l"));
        }
    }

    @Test
    void lengthLimitIsProtoMaxBulkLen() {
        try (TestStore st = new TestStore()) {
            st.engine.config().protoMaxBulkLen.set(1024L * 1024);
            TestStore.Client c = st.client();
            String tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
            c.call("SETRANGE", "k", Integer.toString(1024 * 1024 - 1), "x");
            assertEquals(integer(1024 * 1024), c.call("STRLEN", "k"));
            assertEquals(error(tooLong), c.call("APPEND", "k", "y"));
            assertEquals(error(tooLong), c.call("SETRANGE", "k", Integer.toString(1024 * 1024), "y"));
            assertEquals(error(tooLong), c.call("SETRANGE", "k2", "1048575", "yy"));
            assertEquals(error(tooLong), c.call("SETRANGE", "k2", "9223372036854775807", "y"));
            assertEquals(integer(0), c.call("SETRANGE", "k2", "9223372036854775807", ""));
            assertEquals(integer(1024 * 1024), c.call("STRLEN", "k"));
            assertEquals(integer(0), c.call("EXISTS", "k2"));
            c.call("SET", "a", "x".repeat(600));
            c.call("SET", "b", "y".repeat(600));
            assertEquals(error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"),
                    c.call("LCS", "a", "b"));
            c.call("SET", "b", "y".repeat(400));
            assertEquals(integer(0), c.call("LCS", "a", "b", "LEN"));
        }
    }

    @Test
    void counters() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(integer(-1), c.call("DECR", "n"));
            assertEquals(integer(9), c.call("INCRBY", "n", "10"));
            c.call("SET", "n", "9223372036854775806");
            assertEquals(integer(Long.MAX_VALUE), c.call("INCR", "n"));
            assertEquals(error("ERR increment or decrement would overflow"), c.call("INCR", "n"));
            assertEquals(error("ERR decrement would overflow"), c.call("DECRBY", "n", "-9223372036854775808"));
            assertEquals(integer(-1), c.call("INCRBY", "n", "-9223372036854775808"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("INCRBY", "n", "1.5"));
            c.call("SET", "s", " 1");
            assertEquals(error("ERR value is not an integer or out of range"), c.call("INCR", "s"));
            assertEquals(bulk("10.5"), c.call("INCRBYFLOAT", "f", "10.5"));
            assertEquals(bulk("10.6"), c.call("INCRBYFLOAT", "f", "0.1"));
            c.call("SET", "g", "5.0e3");
            assertEquals(bulk("5200"), c.call("INCRBYFLOAT", "g", "2.0e2"));
            assertEquals(error("ERR increment would produce NaN or Infinity"), c.call("INCRBYFLOAT", "g", "inf"));
            assertEquals(error("ERR value is not a valid float"), c.call("INCRBYFLOAT", "g", "x"));
            c.call("SET", "h", "1.1e4932"); // near the long double maximum (checked against redis-server)
            assertEquals(error("ERR increment would produce NaN or Infinity"), c.call("INCRBYFLOAT", "h", "1e4932"));
            assertEquals(bulk("0"), c.call("INCRBYFLOAT", "h", "-1.1e4932"));
            assertEquals(bulk("5200"), c.call("GET", "g"));
        }
    }

    @Test
    void unchangedValuesAreNotLogged() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "abc");
            int logged = st.records.size();
            c.call("SETRANGE", "k", "1", "");
            c.call("SETRANGE", "missing", "5", "");
            c.call("GETDEL", "missing");
            c.call("SETNX", "k", "x");
            c.call("MSETNX", "k", "x", "other", "y");
            c.call("SET", "k", "x", "NX");
            c.call("INCR", "k");
            c.call("APPEND", "k", "");
            assertEquals(logged + 1, st.records.size()); // only APPEND (Redis signals it even when empty)
            assertEquals(bulk("abc"), c.call("GET", "k"));
        }
    }

    @Test
    void inPlaceChangesNeverTouchLoggedArguments() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            byte[] value = b("hello");
            c.call(b("SET"), b("k"), value);
            c.call("SETRANGE", "k", "0", "J");
            c.call("APPEND", "k", "!");
            assertArrayEquals(b("hello"), value);
            assertArrayEquals(b("hello"), st.records.get(0).commands().get(0)[2]);
            assertEquals(bulk("Jello!"), c.call("GET", "k"));
        }
    }

    @Test
    void stringValueSharesCopyOnWrite() {
        byte[] arg = b("abc");
        StringValue v = StringValue.of(arg);
        v.append(b("d"));
        assertArrayEquals(b("abc"), arg);
        byte[] frozen = v.bytes();
        v.setRange(0, b("X"));
        assertArrayEquals(b("abcd"), frozen);
        StringValue copy = (StringValue) v.copy();
        copy.append(b("e"));
        v.growZero(6);
        assertArrayEquals(b("Xbcde"), copy.bytes());
        assertArrayEquals(new byte[] {'X', 'b', 'c', 'd', 0, 0}, v.bytes());
        StringValue grown = StringValue.of(b("x"));
        for (int i = 0; i < 10_000; i++) {
            grown.append(b("y"));
        }
        assertEquals(10_001, grown.length());
        assertEquals("raw", grown.encoding());
    }

    @Test
    void lcsMatchesAndLengths() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("MSET", "a", "ohmytext", "b", "mynewtext");
            assertEquals(bulk("mytext"), c.call("LCS", "a", "b"));
            assertEquals(integer(6), c.call("LCS", "a", "b", "LEN"));
            assertEquals(new Reply.Map(List.of(bulk("matches"),
                    array(array(array(integer(4), integer(7)), array(integer(5), integer(8)), integer(4))),
                    bulk("len"), integer(6))),
                    c.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN"));
            assertEquals(error("ERR If you want both the length and indexes, please just use IDX."),
                    c.call("LCS", "a", "b", "IDX", "LEN"));
        }
    }
}
