package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static io.vellum.core.commands.ListCommandsTest.bulks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.HashValue;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hash commands against the synchronous test engine. */
class HashCommandsTest {
    private static final Reply WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");

    private TestStore st;
    private TestStore.Client c;

    @BeforeEach
    void open() {
        st = new TestStore();
        c = st.client();
    }

    @AfterEach
    void close() {
        st.close();
    }

    private static Reply map(Reply... items) {
        return new Reply.Map(List.of(items));
    }

    private String encoding(String key) {
        return st.engine.keyspace().db(0).peek(key.getBytes()).encoding();
    }

    @Test
    void setGetAndDelete() {
        assertEquals(integer(2), c.call("HSET", "h", "a", "1", "b", "2"));
        assertEquals(integer(1), c.call("HSET", "h", "a", "10", "c", "3"));
        assertEquals(OK, c.call("HMSET", "h", "d", "4"));
        assertEquals(error("ERR wrong number of arguments for 'hset' command"), c.call("HSET", "h", "a", "1", "b"));
        assertEquals(error("ERR wrong number of arguments for 'hmset' command"), c.call("HMSET", "h", "a", "1", "b"));
        assertEquals(bulk("10"), c.call("HGET", "h", "a"));
        assertEquals(NULL, c.call("HGET", "h", "zz"));
        assertEquals(NULL, c.call("HGET", "none", "a"));
        assertEquals(array(bulk("10"), NULL, bulk("4")), c.call("HMGET", "h", "a", "x", "d"));
        assertEquals(array(NULL, NULL), c.call("HMGET", "none", "a", "b"));
        assertEquals(integer(4), c.call("HLEN", "h"));
        assertEquals(integer(2), c.call("HSTRLEN", "h", "a"));
        assertEquals(integer(0), c.call("HSTRLEN", "h", "x"));
        assertEquals(integer(1), c.call("HEXISTS", "h", "b"));
        assertEquals(integer(0), c.call("HEXISTS", "none", "b"));
        assertEquals(integer(0), c.call("HSETNX", "h", "a", "x"));
        assertEquals(integer(1), c.call("HSETNX", "h", "e", "5"));
        assertEquals(integer(1), c.call("HSETNX", "new", "f", "v"));
        assertEquals(integer(2), c.call("HDEL", "h", "a", "a", "nope", "b"));
        assertEquals(integer(0), c.call("HDEL", "none", "a"));
        assertEquals(integer(3), c.call("HDEL", "h", "c", "d", "e", "zzz"));
        assertEquals(integer(0), c.call("EXISTS", "h"));
    }

    @Test
    void getallKeysAndValsInInsertionOrder() {
        c.call("HSET", "h", "z", "1", "a", "2", "m", "3");
        c.call("HDEL", "h", "a");
        c.call("HSET", "h", "a", "4", "z", "5");
        assertEquals(map(bulk("z"), bulk("5"), bulk("m"), bulk("3"), bulk("a"), bulk("4")), c.call("HGETALL", "h"));
        assertEquals(bulks("z", "m", "a"), c.call("HKEYS", "h"));
        assertEquals(bulks("5", "3", "4"), c.call("HVALS", "h"));
        assertEquals(map(), c.call("HGETALL", "none"));
        TestStore.Client c3 = st.client(3);
        assertEquals(map(bulk("z"), bulk("5"), bulk("m"), bulk("3"), bulk("a"), bulk("4")), c3.call("HGETALL", "h"));
        assertEquals(map(), c3.call("HGETALL", "none"));
    }

    @Test
    void hincrbyAndItsErrors() {
        assertEquals(integer(5), c.call("HINCRBY", "h", "n", "5"));
        assertEquals(integer(-1), c.call("HINCRBY", "h", "n", "-6"));
        c.call("HSET", "h", "s", "abc", "big", "9223372036854775807");
        assertEquals(error("ERR hash value is not an integer"), c.call("HINCRBY", "h", "s", "1"));
        assertEquals(error("ERR increment or decrement would overflow"), c.call("HINCRBY", "h", "big", "1"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("HINCRBY", "h", "n", "1.5"));
        assertEquals(integer(0), c.call("EXISTS", "other"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("HINCRBY", "other", "n", "x"));
        assertEquals(integer(0), c.call("EXISTS", "other"));
    }

    @Test
    void hincrbyfloatUsesLongDoubleArithmetic() {
        assertEquals(bulk("10.5"), c.call("HINCRBYFLOAT", "h", "f", "10.5"));
        assertEquals(bulk("10.6"), c.call("HINCRBYFLOAT", "h", "f", "0.1"));
        // as redis-server answers: 10.6 is not exact in a long double
        assertEquals(bulk("5010.60000000000000009"), c.call("HINCRBYFLOAT", "h", "f", "5.0e3"));
        c.call("HSET", "h", "s", "abc", "i", "3");
        assertEquals(bulk("4.5"), c.call("HINCRBYFLOAT", "h", "i", "1.5"));
        assertEquals(error("ERR hash value is not a float"), c.call("HINCRBYFLOAT", "h", "s", "1"));
        assertEquals(error("ERR value is not a valid float"), c.call("HINCRBYFLOAT", "h", "f", "x"));
        assertEquals(error("ERR value is NaN or Infinity"), c.call("HINCRBYFLOAT", "h", "f", "inf"));
        c.call("HSET", "h", "huge", "1e4932");
        assertEquals(error("ERR increment would produce NaN or Infinity"), c.call("HINCRBYFLOAT", "h", "huge", "1e4932"));
    }

    @Test
    void hscanOfASmallHashIsOneReply() {
        c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertEquals(array(bulk("0"), bulks("a", "1", "b", "2", "c", "3")), c.call("HSCAN", "h", "0", "COUNT", "1"));
        assertEquals(array(bulk("0"), bulks("b", "2")), c.call("HSCAN", "h", "123", "MATCH", "b*"));
        assertEquals(array(bulk("0"), array()), c.call("HSCAN", "none", "0", "COUNT", "0"));
        assertEquals(error("ERR syntax error"), c.call("HSCAN", "h", "0", "COUNT", "0"));
        assertEquals(error("ERR invalid cursor"), c.call("HSCAN", "h", "x"));
        assertEquals(error("ERR syntax error"), c.call("HSCAN", "h", "0", "TYPE", "hash"));
    }

    @Test
    void hscanOfALargeHashWalksSequenceCursors() {
        st.engine.config().hashMaxListpackEntries.set(4L);
        for (int i = 0; i < 20; i++) {
            c.call("HSET", "h", "f" + i, "v" + i);
        }
        assertEquals("hashtable", encoding("h"));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            Reply.Array r = (Reply.Array) c.call("HSCAN", "h", cursor, "COUNT", "3");
            cursor = ((Reply.Bulk) r.items().get(0)).utf8();
            List<Reply> items = ((Reply.Array) r.items().get(1)).items();
            assertTrue(items.size() <= 6);
            for (int i = 0; i < items.size(); i += 2) {
                assertTrue(seen.add(((Reply.Bulk) items.get(i)).utf8()));
            }
            rounds++;
        } while (!cursor.equals("0"));
        assertEquals(20, seen.size());
        assertEquals(7, rounds);
    }

    @Test
    void encodingFollowsThe72Thresholds() {
        st.engine.config().hashMaxListpackEntries.set(3L);
        st.engine.config().hashMaxListpackValue.set(8L);
        c.call("HSET", "a", "1", "x", "2", "x", "3", "x");
        assertEquals("listpack", encoding("a"));
        c.call("HSET", "a", "4", "x");
        assertEquals("hashtable", encoding("a"));
        c.call("HDEL", "a", "1", "2", "3");
        assertEquals("hashtable", encoding("a")); // never back

        c.call("HSET", "b", "f", "123456789");
        assertEquals("hashtable", encoding("b"));
        // four pairs in one HSET convert even when they name one field (hashTypeTryConversion)
        c.call("HSET", "c", "f", "1", "f", "2", "f", "3", "f", "4");
        assertEquals("hashtable", encoding("c"));
        assertEquals(integer(1), c.call("HLEN", "c"));
        // HINCRBY checks the field length itself (hashTypeSet)
        c.call("HINCRBY", "d", "a-long-field", "1");
        assertEquals("hashtable", encoding("d"));
        c.call("HSETNX", "e", "f", "v");
        assertEquals("listpack", encoding("e"));
    }

    @Test
    void hrandfieldShapes() {
        assertEquals(NULL, c.call("HRANDFIELD", "none"));
        assertEquals(array(), c.call("HRANDFIELD", "none", "3"));
        c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertTrue(Set.of(bulk("a"), bulk("b"), bulk("c")).contains(c.call("HRANDFIELD", "h")));
        assertEquals(array(), c.call("HRANDFIELD", "h", "0"));
        assertEquals(bulks("a", "b", "c"), c.call("HRANDFIELD", "h", "3"));
        assertEquals(bulks("a", "1", "b", "2", "c", "3"), c.call("HRANDFIELD", "h", "10", "WITHVALUES"));
        assertEquals(10, ((Reply.Array) c.call("HRANDFIELD", "h", "-10")).items().size());
        assertEquals(20, ((Reply.Array) c.call("HRANDFIELD", "h", "-10", "WITHVALUES")).items().size());
        Reply.Array two = (Reply.Array) c.call("HRANDFIELD", "h", "2");
        assertEquals(2, two.items().size());
        assertTrue(!two.items().get(0).equals(two.items().get(1)));
        TestStore.Client c3 = st.client(3);
        Reply.Array pairs = (Reply.Array) c3.call("HRANDFIELD", "h", "-4", "WITHVALUES");
        assertEquals(4, pairs.items().size());
        assertEquals(2, ((Reply.Array) pairs.items().get(0)).items().size());
        assertEquals(error("ERR syntax error"), c.call("HRANDFIELD", "h", "1", "WITHSCORES"));
        assertEquals(error("ERR value is out of range"), c.call("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"));
        assertEquals(error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
                c.call("HRANDFIELD", "h", "-9223372036854775808"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("HRANDFIELD", "h", "x"));
    }

    @Test
    void hrandfieldOfALargeHashPicksDistinctFields() {
        st.engine.config().hashMaxListpackEntries.set(4L);
        for (int i = 0; i < 100; i++) {
            c.call("HSET", "h", "f" + i, "v");
        }
        for (String count : new String[] {"5", "40", "99"}) {
            Reply.Array r = (Reply.Array) c.call("HRANDFIELD", "h", count);
            assertEquals(Integer.parseInt(count), new HashSet<>(r.items()).size());
        }
    }

    @Test
    void randomRepliesReplayIdentically() {
        c.call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4");
        c.call("MULTI");
        c.call("HRANDFIELD", "h", "-5", "WITHVALUES");
        c.call("HSET", "h", "e", "5");
        c.call("EXEC");
        try (TestStore replica = new TestStore()) {
            for (UnitRecord r : st.records) {
                replica.engine.applyRecord(r, false); // the digest covers the random reply
            }
        }
    }

    @Test
    void wrongType() {
        c.call("RPUSH", "l", "x");
        for (String[] cmd : new String[][] {
                {"HSET", "l", "a", "1"}, {"HSETNX", "l", "a", "1"}, {"HGET", "l", "a"}, {"HMGET", "l", "a"},
                {"HDEL", "l", "a"}, {"HLEN", "l"}, {"HSTRLEN", "l", "a"}, {"HEXISTS", "l", "a"}, {"HGETALL", "l"},
                {"HKEYS", "l"}, {"HVALS", "l"}, {"HINCRBY", "l", "a", "1"}, {"HINCRBYFLOAT", "l", "a", "1"},
                {"HRANDFIELD", "l"}, {"HRANDFIELD", "l", "2"}, {"HSCAN", "l", "0"}}) {
            assertEquals(WRONGTYPE, c.call(cmd), String.join(" ", cmd));
        }
    }

    @Test
    void valueIsStoredAndReloadedWithItsCursors() {
        HashValue h = HashValue.create();
        h.set("a".getBytes(), "1".getBytes(), 128, 64);
        h.set("b".getBytes(), "2".getBytes(), 128, 64);
        h.delete("a".getBytes());
        h.set("c".getBytes(), "3".getBytes(), 1, 64);
        HashValue back = (HashValue) io.vellum.core.types.ValueCodec.decode(h.toProto());
        assertEquals("hashtable", back.encoding());
        assertEquals(h.entries().seqAt(h.entries().firstEntry()), back.entries().seqAt(back.entries().firstEntry()));
        assertEquals(h.entries().nextSeq(), back.entries().nextSeq());
        byte[] d1 = new byte[20];
        byte[] d2 = new byte[20];
        h.mixDigest(d1);
        ((HashValue) h.copy()).mixDigest(d2);
        assertEquals(io.vellum.core.keyspace.RedisDigest.hex(d1), io.vellum.core.keyspace.RedisDigest.hex(d2));
    }

    @Test
    void digestIsRedisDebugDigestValue() {
        // redis-server: HSET h a 1 b 2 "" x ; DEBUG DIGEST-VALUE h
        HashValue h = HashValue.create();
        h.set("a".getBytes(), "1".getBytes(), 128, 64);
        h.set("b".getBytes(), "2".getBytes(), 128, 64);
        h.set("".getBytes(), "x".getBytes(), 128, 64);
        byte[] d = new byte[20];
        io.vellum.core.keyspace.RedisDigest.objectDigest(d, h, false);
        assertEquals("3b1c9e5ebe5c121cf5bf50d25dcc636f29a61f99", io.vellum.core.keyspace.RedisDigest.hex(d));
    }
}
