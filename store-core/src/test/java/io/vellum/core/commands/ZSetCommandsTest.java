package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static io.vellum.core.commands.SetCommandsTest.cmd;
import static io.vellum.core.commands.SetCommandsTest.encoding;
import static io.vellum.core.commands.SetCommandsTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.util.Doubles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sorted-set commands on a synchronous engine: Redis 7.2 behaviour the 7.0 oracle cannot show
 * (WITHSCORE, pre-conversion, score formatting, timeouts), ZSCAN's two forms, the encodings of
 * results, blocking pops and replay.
 */
class ZSetCommandsTest {

    private static Reply dbl(double d) {
        return new Reply.Double(d);
    }

    private static String[] pairs(String name, String key, int n, String score) {
        List<String> c = new ArrayList<>(List.of(name, key));
        for (int i = 0; i < n; i++) {
            c.add(score);
            c.add("m" + i);
        }
        return c.toArray(new String[0]);
    }

    @Test
    void zrankWithScore() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("ZADD", "z", "1", "a", "2.5", "b");
            assertEquals(array(integer(1), dbl(2.5)), c.call("ZRANK", "z", "b", "WITHSCORE"));
            assertEquals(array(integer(0), dbl(2.5)), c.call("ZREVRANK", "z", "b", "withscore"));
            assertEquals(NULL_ARRAY, c.call("ZRANK", "z", "nope", "WITHSCORE"));
            assertEquals(NULL_ARRAY, c.call("ZRANK", "nokey", "a", "WITHSCORE"));
            assertEquals(TestStore.NULL, c.call("ZRANK", "z", "nope"));
            assertEquals(error("ERR syntax error"), c.call("ZRANK", "z", "a", "WITHSCORES"));
            assertEquals(error("ERR wrong number of arguments for 'zrank' command"), c.call("ZRANK", "z", "a", "WITHSCORE", "x"));
        }
    }

    @Test
    void manyPairsConvertBeforeAddingSoMinusZeroKeepsItsSign() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            String[] big = pairs("ZADD", "z", 130, "1");
            big[2] = "-0";
            c.call(big);
            assertEquals("skiplist", encoding(st, "z"));
            Reply r = c.call("ZSCORE", "z", "m0");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(((Reply.Double) r).value()));
            c.call("ZADD", "small", "-0", "a");
            assertEquals(0, Double.doubleToRawLongBits(((Reply.Double) c.call("ZSCORE", "small", "a")).value()));
            // an existing listpack converts up front too, even when the pairs repeat members
            c.call("ZADD", "dup", "1", "x");
            String[] repeat = new String[2 + 2 * 129];
            repeat[0] = "ZADD";
            repeat[1] = "dup";
            for (int i = 0; i < 129; i++) {
                repeat[2 + 2 * i] = "1";
                repeat[3 + 2 * i] = "x";
            }
            c.call(repeat);
            assertEquals("skiplist", encoding(st, "dup"));
        }
    }

    @Test
    void scoresFormatAs72Does() {
        assertEquals("100000000", Doubles.format(1e8));
        assertEquals("1e+8", Doubles.fpconv(1e8));
        assertEquals("4611686018427387904", Doubles.format(0x1p62));
        assertEquals("9223372036854776000", Doubles.format(0x1p63));
        assertEquals("3.3", Doubles.format(3.3));
        assertEquals("-0", Doubles.format(-0.0));
    }

    @Test
    void zscanOfAListpackAndOfASkiplist() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("ZADD", "small", "3.3", "b", "1", "a");
            List<Reply> parts = ((Reply.Array) c.call("ZSCAN", "small", "99")).items();
            assertEquals(bulk("0"), parts.get(0));
            assertEquals(List.of("a", "1", "b", "3.3"), strings(parts.get(1)));
            c.call(pairs("ZADD", "big", 200, "3.3"));
            List<String> all = new ArrayList<>();
            String cursor = "0";
            do {
                List<Reply> p = ((Reply.Array) c.call("ZSCAN", "big", cursor, "COUNT", "50")).items();
                cursor = ((Reply.Bulk) p.get(0)).utf8();
                all.addAll(strings(p.get(1)));
            } while (!cursor.equals("0"));
            assertEquals(400, all.size());
            assertEquals("m0", all.get(0));
            // scanCallback prints a skiplist's scores with %.17Lg
            assertEquals("3.2999999999999998", all.get(1));
        }
    }

    @Test
    void resultsTakeTheEncodingRedisGivesThem() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(pairs("ZADD", "big", 200, "0"));
            assertEquals(integer(10), c.call("ZRANGESTORE", "d", "big", "0", "9"));
            assertEquals("listpack", encoding(st, "d"));
            assertEquals(integer(150), c.call("ZRANGESTORE", "d", "big", "0", "149"));
            assertEquals("skiplist", encoding(st, "d"));
            assertEquals(integer(200), c.call("ZUNIONSTORE", "d", "1", "big", "WEIGHTS", "-1"));
            assertEquals("skiplist", encoding(st, "d"));
            c.call("ZADD", "z", "0", "a");
            assertEquals(integer(1), c.call("ZUNIONSTORE", "u", "1", "z", "WEIGHTS", "-1"));
            assertEquals("listpack", encoding(st, "u"));
            // 0 * -1 is -0; the listpack stores it as 0, a reply of the computation keeps the sign
            assertEquals(0, Double.doubleToRawLongBits(((Reply.Double) c.call("ZSCORE", "u", "a")).value()));
            Reply unionScores = c.call("ZUNION", "1", "z", "WEIGHTS", "-1", "WITHSCORES");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(((Reply.Double) ((Reply.Array) unionScores).items().get(1)).value()));
        }
    }

    @Test
    void lexRangesOfAListpackWithMixedScoresWalkAsRedisWalks() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("ZADD", "z", "1", "a", "2", "z", "3", "b");
            // from the first member >= "a" while members <= "c": a, then z stops the walk
            assertEquals(List.of("a"), strings(c.call("ZRANGEBYLEX", "z", "[a", "[c")));
            assertEquals(integer(1), c.call("ZLEXCOUNT", "z", "[a", "[c"));
            // backwards from the last member <= "c" while members >= "a": all three (as redis-server 7.0.15)
            assertEquals(List.of("b", "z", "a"), strings(c.call("ZREVRANGEBYLEX", "z", "[c", "[a")));
            assertEquals(List.of("b"), strings(c.call("ZRANGEBYLEX", "z", "[a", "[c", "LIMIT", "2", "5")));
            assertEquals(integer(1), c.call("ZREMRANGEBYLEX", "z", "[a", "[c"));
            assertEquals(List.of("z", "b"), strings(c.call("ZRANGE", "z", "0", "-1")));
        }
    }

    @Test
    void blockedPopIsServedLaterAndReplaysTheSame() {
        try (TestStore st = new TestStore()) {
            TestStore.Client waiter = st.client();
            TestStore.Client writer = st.client();
            assertNull(waiter.call("BZPOPMIN", "k1", "k2", "0"));
            assertEquals(1, st.engine.blockedClients());
            writer.call("ZADD", "k2", "2", "b", "1", "a");
            assertEquals(List.of(array(bulk("k2"), bulk("a"), dbl(1))), waiter.drain());
            assertEquals(0, st.engine.blockedClients());
            // no non-blocking twin answers [key, member, score]: logged as received, replay never blocks
            assertEquals("BZPOPMIN k1 k2 0", st.records.get(st.records.size() - 1).describe());
            assertNull(waiter.call("BZMPOP", "0", "1", "k3", "MAX", "COUNT", "5"));
            writer.call("ZADD", "k3", "1", "x", "2", "y");
            assertEquals(List.of(array(bulk("k3"), array(array(bulk("y"), dbl(2)), array(bulk("x"), dbl(1))))), waiter.drain());
            // ZMPOP has BZMPOP's effect and reply
            assertEquals("ZMPOP 1 k3 MAX COUNT 5", st.records.get(st.records.size() - 1).describe());
            writer.call("ZADD", "k4", "1", "x", "2", "y");
            waiter.call("BZMPOP", "0", "1", "k4", "MIN");
            assertEquals("ZMPOP 1 k4 MIN", st.records.get(st.records.size() - 1).describe());
            try (TestStore replica = new TestStore()) {
                for (UnitRecord r : st.records) {
                    replica.engine.applyRecord(r, false);
                }
                for (String k : new String[] {"k2", "k3", "k4"}) {
                    assertEquals(writer.call("ZRANGE", k, "0", "-1", "WITHSCORES"), c(replica).call("ZRANGE", k, "0", "-1", "WITHSCORES"));
                }
            }
        }
    }

    private static TestStore.Client c(TestStore st) {
        return st.client();
    }

    @Test
    void aBlockedPopWaitsThroughAKeyOfAnotherType() {
        try (TestStore st = new TestStore()) {
            TestStore.Client waiter = st.client();
            TestStore.Client writer = st.client();
            assertNull(waiter.call("BZPOPMIN", "k", "0"));
            writer.call("SET", "k", "v");
            assertEquals(List.of(), waiter.drain());
            assertEquals(1, st.engine.blockedClients());
            writer.call("DEL", "k");
            writer.call("ZADD", "k", "5", "m");
            assertEquals(List.of(array(bulk("k"), bulk("m"), dbl(5))), waiter.drain());
        }
    }

    @Test
    void nothingBlocksInsideMulti() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("MULTI");
            c.call("BZPOPMIN", "k", "0");
            c.call("BZMPOP", "0", "1", "k", "MIN");
            assertEquals(array(NULL_ARRAY, NULL_ARRAY), c.call("EXEC"));
            assertEquals(0, st.engine.blockedClients());
        }
    }

    @Test
    void timeoutsParseAs72() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(error("ERR timeout is out of range"), c.call("BZPOPMIN", "k", "inf"));
            assertEquals(error("ERR timeout is negative"), c.call("BZPOPMIN", "k", "-inf"));
            assertEquals(error("ERR timeout is out of range"), c.call("BZPOPMIN", "k", "9223372036854775"));
            assertEquals(error("ERR timeout is out of range"), c.call("BZPOPMIN", "k", "1e300"));
            assertEquals(error("ERR timeout is negative"), c.call("BZPOPMIN", "k", "-1"));
            assertEquals(error("ERR timeout is not a float or out of range"), c.call("BZPOPMIN", "k", "1x"));
            assertEquals(0, st.engine.blockedClients());
            // 0.1 s: the long double 0.1 times 1000 rounds to exactly 100 (x87), so 100 ms, not 101
            java.math.BigDecimal ms = io.vellum.core.util.LongDouble.parse("0.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .exact().multiply(java.math.BigDecimal.valueOf(1000));
            assertTrue(ms.compareTo(java.math.BigDecimal.valueOf(100)) > 0);
            assertEquals(0, BlockingTimeout.roundToLongDouble(ms).compareTo(java.math.BigDecimal.valueOf(100)));
        }
    }

    @Test
    void randomMembersAreDistinctWhereRedissAre() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(pairs("ZADD", "small", 20, "1"));
            c.call(pairs("ZADD", "big", 300, "2"));
            for (String key : new String[] {"small", "big"}) {
                int size = key.equals("small") ? 20 : 300;
                for (int count : new int[] {1, 5, 19, 99, 250, 1000}) {
                    List<String> got = strings(c.call("ZRANDMEMBER", key, Integer.toString(count)));
                    assertEquals(Math.min(count, size), got.size());
                    assertEquals(got.size(), new HashSet<>(got).size(), key + " " + count);
                }
                assertEquals(1000, strings(c.call("ZRANDMEMBER", key, "-1000")).size());
            }
            // the whole set from the highest element down
            c.call("ZADD", "abc", "1", "a", "2", "b", "3", "c");
            assertEquals(List.of("c", "b", "a"), strings(c.call("ZRANDMEMBER", "abc", "10")));
        }
    }

    @Test
    void rankAndRangeWorkOnLargeSets() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            List<String> add = new ArrayList<>(List.of("ZADD", "z"));
            for (int i = 0; i < 5000; i++) {
                add.add(Integer.toString(i / 2));
                add.add(String.format("m%05d", i));
            }
            c.call(add.toArray(new String[0]));
            assertEquals(integer(4321), c.call("ZRANK", "z", "m04321"));
            assertEquals(integer(5000 - 1 - 4321), c.call("ZREVRANK", "z", "m04321"));
            assertEquals(List.of("m02000", "m02001", "m02002"), strings(c.call("ZRANGEBYSCORE", "z", "1000", "+inf", "LIMIT", "0", "3")));
            assertEquals(List.of("m02002", "m02001"), strings(c.call("ZRANGE", "z", "(1002", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2")));
            assertEquals(integer(2000), c.call("ZCOUNT", "z", "1000", "(2000"));
            assertEquals(integer(10), c.call("ZREMRANGEBYRANK", "z", "100", "109"));
            assertEquals(integer(4990), c.call("ZCARD", "z"));
            assertEquals(List.of("m00099", "m00110"), strings(c.call("ZRANGE", "z", "99", "100")));
        }
    }
}
