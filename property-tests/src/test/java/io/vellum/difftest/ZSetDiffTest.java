package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sorted-set commands against a real Redis, on small (listpack) and large (skiplist) sets.
 * Scores are compared with 7.2's formatting (KnownDifferences FLOAT_72); ZRANK's 7.2-only
 * WITHSCORE is checked against the oracle's ZRANK and ZSCORE (KnownDifferences
 * ZRANK_WITHSCORE).
 */
class ZSetDiffTest extends DifferentialTest {

    private void fill() {
        both("ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d", "1.5", "e", "-inf", "lo", "+inf", "hi", "0", "zero");
        both("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "dd", "0", "e", "0", "f", "0", "", "0", "\u00ff");
        both("SET", "str", "x");
        List<String> big = new ArrayList<>(List.of("ZADD", "big"));
        for (int i = 0; i < 200; i++) {
            big.add(Integer.toString(i % 50));
            big.add("m" + i);
        }
        both(big.toArray(new String[0]));
        List<String> biglex = new ArrayList<>(List.of("ZADD", "biglex"));
        for (int i = 0; i < 200; i++) {
            biglex.add("0");
            biglex.add("m" + i);
        }
        both(biglex.toArray(new String[0]));
    }

    @Test
    void zaddOptionsAndErrors() {
        same("ZADD", "k", "1", "a");
        same("ZADD", "k", "1", "a", "2", "b");
        same("ZADD", "k", "CH", "5", "a", "2", "b", "3", "c");
        same("ZADD", "k", "NX", "10", "a", "10", "n");
        same("ZADD", "k", "XX", "10", "a", "10", "x");
        same("ZADD", "k", "XX", "CH", "11", "a", "10", "x");
        same("ZADD", "k", "GT", "CH", "1", "a", "20", "b");
        same("ZADD", "k", "LT", "CH", "1", "a", "20", "c", "7", "new");
        same("ZADD", "k", "GT", "XX", "CH", "100", "a", "100", "nope");
        sameFloats("ZADD", "k", "INCR", "1.5", "a");
        same("ZADD", "k", "INCR", "NX", "1", "a");
        sameFloats("ZADD", "k", "INCR", "XX", "1", "a");
        same("ZADD", "k", "INCR", "XX", "1", "missing");
        same("ZADD", "k", "INCR", "GT", "-1", "a");
        same("ZADD", "nokey", "XX", "1", "a");
        same("ZADD", "nokey", "XX", "INCR", "1", "a");
        same("EXISTS", "nokey");
        same("ZADD", "k", "NX", "XX", "1", "a");
        same("ZADD", "k", "GT", "LT", "1", "a");
        same("ZADD", "k", "GT", "NX", "1", "a");
        same("ZADD", "k", "INCR", "1", "a", "2", "b");
        same("ZADD", "k", "1");
        same("ZADD", "k", "1", "a", "2");
        same("ZADD", "k", "CH");
        same("ZADD", "k", "nan", "a");
        same("ZADD", "k", "1", "a", "x", "b");
        same("ZADD", "k", " 1", "a");
        same("ZADD", "k", "1e400", "a");
        same("ZADD", "k", "1e-400", "a");
        same("ZADD", "k", "", "a");
        same("ZADD", "k", "0x10", "hex", "-0", "negzero", "inf", "i", "-Infinity", "ni");
        same("ZADD", "k", "INCR", "-inf", "i");
        same("ZADD", "k", "INCR", "+inf", "ni");
        sameFloats("ZRANGE", "k", "0", "-1", "WITHSCORES");
        same("ZADD", "str", "1", "a");
        both("SET", "str", "x");
        same("ZADD", "str", "1", "a");
        same("ZADD", "str", "XX", "1", "a");
        same("ZINCRBY", "k", "2", "a");
        sameFloats("ZINCRBY", "k", "0.1", "a");
        same("ZINCRBY", "k", "1", "fresh");
        same("ZINCRBY", "k", "x", "a");
        same("ZINCRBY", "k", "nx", "a");
        same("ZINCRBY", "str", "1", "a");
        same("ZINCRBY", "k", "inf", "z1");
        same("ZINCRBY", "k", "-inf", "z1");
        sameFloats("ZADD", "k", "INCR", "-0", "newzero");
        same("ZSCORE", "k", "newzero");
        same("ZADD", "k", "100000000", "big", "1e15", "bigger", "4611686018427387904", "huge");
        sameFloats("ZRANGE", "k", "0", "-1", "WITHSCORES");
    }

    @Test
    void scoresAndRanks() {
        fill();
        sameFloats("ZSCORE", "z", "e");
        same("ZSCORE", "z", "lo");
        same("ZSCORE", "z", "hi");
        same("ZSCORE", "z", "nope");
        same("ZSCORE", "nokey", "a");
        same("ZSCORE", "str", "a");
        sameFloats("ZMSCORE", "z", "a", "nope", "e", "hi");
        same("ZMSCORE", "nokey", "a", "b");
        same("ZMSCORE", "str", "a");
        same("ZCARD", "z");
        same("ZCARD", "big");
        same("ZCARD", "nokey");
        same("ZCARD", "str");
        for (String key : new String[] {"z", "big"}) {
            for (String m : new String[] {"a", "b", "c", "lo", "hi", "zero", "m0", "m77", "m199", "nope"}) {
                same("ZRANK", key, m);
                same("ZREVRANK", key, m);
                sameRankWithScore("ZRANK", key, m);
                sameRankWithScore("ZREVRANK", key, m);
            }
        }
        same("ZRANK", "nokey", "a");
        same("ZRANK", "str", "a");
        same("ZRANK", "z");
        same("ZREVRANK", "z", "a", "b", "c");
    }

    /** Vellum's ZRANK ... WITHSCORE (7.2) against the oracle's ZRANK and ZSCORE. */
    private void sameRankWithScore(String cmd, String key, String member) {
        RespReader.Node rank = redis.call(cmd, key, member).node();
        RespReader.Node score = redis.call("ZSCORE", key, member).node();
        RespReader.Node v = vellum.call(cmd, key, member, "WITHSCORE").node();
        if (rank.type() == '_' || (rank.type() == '$' && rank.scalar() == null)) {
            assertEquals(protocol == 2 ? "*" : "_", String.valueOf(v.type()), cmd + " " + member + " WITHSCORE: null array");
            return;
        }
        assertEquals(2, v.children().size(), cmd + " WITHSCORE reply " + v);
        assertEquals(rank.toString(), v.children().get(0).toString());
        assertEquals(true, KnownDifferences.equivalent(score, v.children().get(1), List.of(KnownDifferences.Rule.FLOAT_72)),
                cmd + " " + member + " WITHSCORE score: redis " + score + " vellum " + v.children().get(1));
    }

    @Test
    void rankRanges() {
        fill();
        for (String key : new String[] {"z", "big"}) {
            for (String[] r : new String[][] {{"0", "-1"}, {"0", "0"}, {"-1", "-1"}, {"2", "4"}, {"-3", "-1"}, {"5", "2"},
                    {"-100", "100"}, {"100", "200"}, {"-1000", "-900"}, {"0", "-1000"}, {"190", "9223372036854775807"},
                    {"-9223372036854775808", "3"}}) {
                sameFloats("ZRANGE", key, r[0], r[1]);
                sameFloats("ZRANGE", key, r[0], r[1], "WITHSCORES");
                sameFloats("ZRANGE", key, r[0], r[1], "REV", "WITHSCORES");
                sameFloats("ZREVRANGE", key, r[0], r[1]);
                sameFloats("ZREVRANGE", key, r[0], r[1], "WITHSCORES");
            }
        }
        same("ZRANGE", "nokey", "0", "-1");
        same("ZRANGE", "str", "0", "-1");
        same("ZRANGE", "z", "a", "1");
        same("ZRANGE", "z", "0", "1", "LIMIT", "0", "1");
        same("ZRANGE", "z", "0", "1", "LIMIT", "0", "-1");
        same("ZRANGE", "z", "0", "1", "BOGUS");
        same("ZREVRANGE", "z", "0", "1", "REV");
        same("ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1");
        same("ZRANGE", "z", "0");
    }

    @Test
    void scoreRanges() {
        fill();
        String[][] ranges = {{"-inf", "+inf"}, {"1", "2"}, {"(1", "2"}, {"1", "(2"}, {"(1", "(2"}, {"2", "1"}, {"(2", "(2"},
                {"2", "2"}, {"-inf", "-inf"}, {"inf", "inf"}, {"(-inf", "(+inf"}, {"1.5", "1.5"}, {"0", "0"}, {"-0", "0"},
                {"", "3"}, {"(", "3"}, {" 1", "3"}, {"1e400", "+inf"}, {"-1e400", "1"}, {"0x2", "3"}, {"10", "20"},
                {"(10", "45"}, {"49", "+inf"}, {"-1", "-0.5"}};
        for (String key : new String[] {"z", "big"}) {
            for (String[] r : ranges) {
                sameFloats("ZRANGEBYSCORE", key, r[0], r[1]);
                sameFloats("ZRANGEBYSCORE", key, r[0], r[1], "WITHSCORES");
                sameFloats("ZREVRANGEBYSCORE", key, r[1], r[0], "WITHSCORES");
                sameFloats("ZRANGE", key, r[0], r[1], "BYSCORE", "WITHSCORES");
                sameFloats("ZRANGE", key, r[1], r[0], "BYSCORE", "REV");
                same("ZCOUNT", key, r[0], r[1]);
                for (String[] lim : new String[][] {{"0", "2"}, {"1", "1"}, {"2", "-1"}, {"0", "0"}, {"-1", "5"}, {"100", "5"},
                        {"3", "100"}, {"199", "1"}}) {
                    sameFloats("ZRANGEBYSCORE", key, r[0], r[1], "LIMIT", lim[0], lim[1]);
                    sameFloats("ZREVRANGEBYSCORE", key, r[1], r[0], "WITHSCORES", "LIMIT", lim[0], lim[1]);
                    sameFloats("ZRANGE", key, r[1], r[0], "BYSCORE", "REV", "LIMIT", lim[0], lim[1], "WITHSCORES");
                }
            }
        }
        for (String bad : new String[] {"nan", "abc", "(nan", "1x", "((1", "1 "}) {
            same("ZRANGEBYSCORE", "z", bad, "1");
            same("ZCOUNT", "z", "1", bad);
            same("ZREMRANGEBYSCORE", "z", bad, "1");
        }
        same("ZCOUNT", "nokey", "0", "1");
        same("ZCOUNT", "str", "0", "1");
        same("ZCOUNT", "str", "x", "1");
        same("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "x", "1");
        same("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "1");
        same("ZRANGEBYSCORE", "z", "0", "1", "REV");
        same("ZRANGEBYSCORE", "z", "0", "1", "BYSCORE");
        same("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX");
    }

    @Test
    void lexRanges() {
        fill();
        String[][] ranges = {{"-", "+"}, {"[a", "[c"}, {"(a", "[c"}, {"[a", "(c"}, {"(a", "(c"}, {"[c", "[a"}, {"[b", "[b"},
                {"(b", "(b"}, {"-", "[b"}, {"(c", "+"}, {"+", "-"}, {"-", "-"}, {"+", "+"}, {"[", "+"}, {"(", "[a"},
                {"[d", "[d\u0000"}, {"[m1", "[m2"}, {"(m10", "(m15"}};
        // mixed scores: only a listpack's answer is defined (by its linear walk)
        for (String key : new String[] {"lex", "biglex", "z"}) {
            for (String[] r : ranges) {
                same("ZRANGEBYLEX", key, r[0], r[1]);
                same("ZREVRANGEBYLEX", key, r[1], r[0]);
                same("ZRANGE", key, r[0], r[1], "BYLEX");
                same("ZRANGE", key, r[1], r[0], "BYLEX", "REV");
                same("ZLEXCOUNT", key, r[0], r[1]);
                for (String[] lim : new String[][] {{"0", "2"}, {"1", "1"}, {"2", "-1"}, {"0", "0"}, {"-1", "5"}, {"100", "5"}}) {
                    same("ZRANGEBYLEX", key, r[0], r[1], "LIMIT", lim[0], lim[1]);
                    same("ZREVRANGEBYLEX", key, r[1], r[0], "LIMIT", lim[0], lim[1]);
                }
            }
        }
        for (String bad : new String[] {"a", "", "+a", "-a", "*"}) {
            same("ZRANGEBYLEX", "lex", bad, "+");
            same("ZLEXCOUNT", "lex", "-", bad);
            same("ZREMRANGEBYLEX", "lex", bad, "+");
        }
        same(new byte[][] {b("ZRANGEBYLEX"), b("lex"), {'-', 0, 'x'}, b("+")});
        same(new byte[][] {b("ZRANGEBYLEX"), b("lex"), {'[', 0}, b("+")});
        same("ZRANGEBYLEX", "lex", "-", "+", "WITHSCORES");
        same("ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES");
        same("ZLEXCOUNT", "nokey", "-", "+");
        same("ZLEXCOUNT", "str", "-", "+");
    }

    @Test
    void rangeStore() {
        fill();
        same("ZRANGESTORE", "dst", "z", "0", "-1");
        sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("ZRANGESTORE", "dst", "big", "10", "(40", "BYSCORE", "REV", "LIMIT", "2", "30");
        sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("ZRANGESTORE", "dst", "big", "40", "10", "BYSCORE", "REV", "LIMIT", "2", "30");
        sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("ZRANGESTORE", "dst", "lex", "[b", "+", "BYLEX");
        same("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("ZRANGESTORE", "dst", "z", "5", "1");
        same("EXISTS", "dst");
        both("SET", "dst", "v");
        same("ZRANGESTORE", "dst", "nokey", "0", "-1");
        same("EXISTS", "dst");
        same("ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES");
        same("ZRANGESTORE", "dst", "str", "0", "-1");
        same("ZRANGESTORE", "z", "z", "0", "1");
        same("ZRANGE", "z", "0", "-1");
    }

    @Test
    void removalsAndPops() {
        fill();
        same("ZREM", "z", "a", "nope", "b");
        same("ZREM", "nokey", "a");
        same("ZREM", "str", "a");
        same("ZREMRANGEBYRANK", "z", "0", "0");
        same("ZREMRANGEBYRANK", "z", "-2", "-1");
        same("ZREMRANGEBYRANK", "z", "5", "1");
        same("ZREMRANGEBYRANK", "z", "x", "1");
        same("ZREMRANGEBYRANK", "nokey", "0", "1");
        same("ZREMRANGEBYSCORE", "big", "(10", "20");
        same("ZREMRANGEBYLEX", "biglex", "[m1", "(m15");
        same("ZREMRANGEBYLEX", "z", "[b", "[d");
        same("ZRANGE", "z", "0", "-1");
        same("ZRANGE", "biglex", "0", "-1");
        same("ZREMRANGEBYSCORE", "big", "5", "1");
        same("ZCARD", "big");
        sameFloats("ZRANGE", "big", "0", "-1", "WITHSCORES");
        same("ZREMRANGEBYLEX", "lex", "-", "+");
        same("EXISTS", "lex");
        same("ZREMRANGEBYSCORE", "str", "0", "1");
        sameFloats("ZPOPMIN", "z");
        sameFloats("ZPOPMAX", "z");
        sameFloats("ZPOPMIN", "z", "2");
        sameFloats("ZPOPMAX", "big", "3");
        same("ZPOPMIN", "z", "0");
        same("ZPOPMIN", "z", "-1");
        same("ZPOPMIN", "z", "x");
        same("ZPOPMIN", "z", "1", "2");
        same("ZPOPMIN", "nokey");
        same("ZPOPMIN", "nokey", "3");
        same("ZPOPMIN", "str");
        sameFloats("ZPOPMAX", "z", "100");
        same("EXISTS", "z");
        sameFloats("ZMPOP", "2", "nokey", "big", "MIN");
        sameFloats("ZMPOP", "2", "nokey", "big", "MAX", "COUNT", "4");
        same("ZMPOP", "1", "nokey", "MIN");
        same("ZMPOP", "2", "str", "big", "MIN");
        same("ZMPOP", "2", "nokey", "str", "MIN");
        same("ZMPOP", "0", "big", "MIN");
        same("ZMPOP", "1", "big", "LEFT");
        same("ZMPOP", "1", "big");
        same("ZMPOP", "3", "big", "MIN");
        same("ZMPOP", "1", "big", "MIN", "COUNT", "0");
        same("ZMPOP", "1", "big", "MIN", "COUNT", "1", "COUNT", "2");
        same("ZMPOP", "1", "big", "MIN", "COUNT");
        sameFloats("ZMPOP", "1", "big", "MIN", "COUNT", "1000");
        same("EXISTS", "big");
    }

    @Test
    void zrandmember() {
        fill();
        sameShape("ZRANDMEMBER", "z");
        same("ZRANDMEMBER", "nokey");
        same("ZRANDMEMBER", "nokey", "3");
        same("ZRANDMEMBER", "str");
        same("ZRANDMEMBER", "z", "0");
        same("ZRANDMEMBER", "z", "x");
        same("ZRANDMEMBER", "z", "1", "WITHSCORE");
        same("ZRANDMEMBER", "z", "1", "WITHSCORES", "x");
        same("ZRANDMEMBER", "z", "-9223372036854775808");
        same("ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES");
        same("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES");
        for (String key : new String[] {"z", "big"}) {
            for (String count : new String[] {"1", "3", "7", "8", "9", "60", "150", "199", "200", "1000", "-3", "-500"}) {
                sameShape("ZRANDMEMBER", key, count);
                sameShape("ZRANDMEMBER", key, count, "WITHSCORES");
            }
        }
        // the whole set comes back from the highest element down
        sameFloats("ZRANDMEMBER", "z", "100", "WITHSCORES");
        sameFloats("ZRANDMEMBER", "big", "1000", "WITHSCORES");
    }

    @Test
    void algebra() {
        fill();
        both("ZADD", "z2", "10", "a", "20", "b", "30", "x", "inf", "hi");
        both("SADD", "s", "a", "x", "q");
        for (String op : new String[] {"ZUNION", "ZINTER"}) {
            sameFloats(op, "2", "z", "z2", "WITHSCORES");
            sameFloats(op, "3", "z", "z2", "s", "WITHSCORES");
            sameFloats(op, "2", "z", "z2", "WEIGHTS", "2", "0.5", "WITHSCORES");
            sameFloats(op, "2", "z", "z2", "WEIGHTS", "0", "-1", "AGGREGATE", "MAX", "WITHSCORES");
            sameFloats(op, "2", "z", "z2", "AGGREGATE", "MIN", "WITHSCORES");
            sameFloats(op, "2", "z", "z2", "AGGREGATE", "sum", "WITHSCORES", "WITHSCORES");
            sameFloats(op, "2", "z2", "z2", "WITHSCORES");
            sameFloats(op, "2", "z", "nokey", "WITHSCORES");
            sameFloats(op, "1", "s", "WITHSCORES");
            sameFloats(op, "2", "big", "z", "WEIGHTS", "1e300", "1e300", "WITHSCORES");
            sameFloats(op, "2", "z", "z2", "WEIGHTS", "-inf", "inf", "WITHSCORES");
            same(op, "2", "z", "z2");
            same(op, "2", "z", "str");
            same(op, "2", "nokey", "str");
            same(op, "0", "z");
            same(op, "-1", "z");
            same(op, "x", "z");
            same(op, "3", "z", "z2");
            same(op, "2", "z", "z2", "WEIGHTS", "1");
            same(op, "2", "z", "z2", "WEIGHTS", "1", "x");
            same(op, "2", "z", "z2", "AGGREGATE", "AVG");
            same(op, "2", "z", "z2", "AGGREGATE");
            same(op, "2", "z", "z2", "LIMIT", "1");
            same(op + "STORE", "dst", "2", "z", "z2");
            sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
            same(op + "STORE", "dst", "2", "z", "z2", "WEIGHTS", "0", "-1");
            sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
            same(op + "STORE", "dst", "2", "big", "s");
            sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
            same(op + "STORE", "dst", "2", "z", "z2", "WITHSCORES");
            same(op + "STORE", "dst", "1", "nokey");
            same("EXISTS", "dst");
            same(op + "STORE", "dst", "0", "z");
        }
        sameFloats("ZDIFF", "2", "z", "z2", "WITHSCORES");
        sameFloats("ZDIFF", "3", "big", "z", "s", "WITHSCORES");
        same("ZDIFF", "2", "z", "z");
        same("ZDIFF", "2", "nokey", "z");
        same("ZDIFF", "1", "s");
        same("ZDIFF", "2", "z", "z2", "WEIGHTS", "1", "1");
        same("ZDIFF", "2", "z", "z2", "AGGREGATE", "MIN");
        same("ZDIFFSTORE", "dst", "2", "z", "z2");
        sameFloats("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("ZDIFFSTORE", "dst", "2", "z", "z");
        same("EXISTS", "dst");
        same("ZDIFFSTORE", "dst", "1", "z", "WITHSCORES");
        same("ZINTERCARD", "2", "z", "z2");
        same("ZINTERCARD", "2", "z", "z2", "LIMIT", "1");
        same("ZINTERCARD", "2", "z", "s", "LIMIT", "0");
        same("ZINTERCARD", "2", "z", "nokey");
        same("ZINTERCARD", "2", "z", "str");
        same("ZINTERCARD", "0", "z");
        same("ZINTERCARD", "2", "z", "z2", "LIMIT", "-1");
        same("ZINTERCARD", "2", "z", "z2", "WITHSCORES");
        same("ZINTERCARD", "2", "z", "z2", "WEIGHTS", "1", "2");
    }

    @Test
    void zscan() {
        fill();
        sameFloats("ZSCAN", "z", "0");
        sameFloats("ZSCAN", "z", "0", "MATCH", "?");
        sameFloats("ZSCAN", "z", "0", "COUNT", "2");
        same("ZSCAN", "z", "0", "COUNT", "0");
        same("ZSCAN", "z", "x");
        same("ZSCAN", "nokey", "0");
        same("ZSCAN", "str", "0");
        both("ZADD", "big", "0.1", "m3", "3.3", "m4", "-0", "m5");
        assertEquals(SetDiffTest.fullScan(redis, "ZSCAN", "big", "*"), SetDiffTest.fullScan(vellum, "ZSCAN", "big", "*"));
        assertEquals(SetDiffTest.fullScan(redis, "ZSCAN", "big", "m1*"), SetDiffTest.fullScan(vellum, "ZSCAN", "big", "m1*"));
    }

    @Test
    void wrongTypeAndArity() {
        fill();
        for (String[] c : new String[][] {{"ZINCRBY", "str", "1", "a"}, {"ZREM", "str", "a"}, {"ZRANGEBYLEX", "str", "-", "+"},
                {"ZREVRANGEBYSCORE", "str", "1", "0"}, {"ZPOPMAX", "str"}, {"ZRANDMEMBER", "str", "2"}, {"ZSCAN", "str", "0"},
                {"ZMSCORE", "str", "a"}, {"ZADD", "k"}, {"ZCARD"}, {"ZRANGE", "k", "0"}, {"ZRANGESTORE", "d", "k", "0"},
                {"ZINTERCARD", "1"}, {"ZMPOP", "1"}, {"ZUNIONSTORE", "d", "1"}, {"ZREMRANGEBYRANK", "k", "0"}}) {
            same(c);
        }
        same("GET", "str");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
