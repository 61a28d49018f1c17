package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hash commands against a real redis-server. Small (listpack) hashes iterate in
 * insertion order on both, so their replies are compared byte for byte; large ones
 * (hashtable) by content (KnownDifferences ORDER).
 */
class HashDiffTest extends CollectionDiffTest {

    @Test
    void setGetAndDelete() {
        same("HSET", "h", "a", "1", "b", "2");
        same("HSET", "h", "a", "10", "c", "3", "c", "4");
        same("HMSET", "h", "d", "4");
        same("HSET", "h", "a", "1", "b");
        same("HMSET", "h", "a");
        same("HSET", "h");
        same("HGET", "h", "a");
        same("HGET", "h", "nope");
        same("HGET", "nokey", "a");
        same("HMGET", "h", "a", "nope", "d", "a");
        same("HMGET", "nokey", "a", "b");
        same("HLEN", "h");
        same("HLEN", "nokey");
        same("HSTRLEN", "h", "a");
        same("HSTRLEN", "h", "nope");
        same("HSTRLEN", "nokey", "a");
        same("HEXISTS", "h", "b");
        same("HEXISTS", "h", "nope");
        same("HEXISTS", "nokey", "b");
        same("HSETNX", "h", "a", "x");
        same("HSETNX", "h", "e", "5");
        same("HSETNX", "new", "f", "v");
        same("HGETALL", "h");
        same("HDEL", "h", "a", "a", "nope", "b");
        same("HDEL", "nokey", "a");
        same("HDEL", "h", "c", "d", "e", "zzz");
        same("EXISTS", "h");
        same("HGETALL", "h");
        same("HKEYS", "h");
        same("HVALS", "h");
        same("HDEL", "h");
    }

    @Test
    void smallHashesIterateInInsertionOrder() {
        same("HSET", "h", "z", "1", "a", "2", "m", "3", "", "empty", "12", "34");
        same("HDEL", "h", "a");
        same("HSET", "h", "a", "4", "z", "5");
        same("HGETALL", "h");
        same("HKEYS", "h");
        same("HVALS", "h");
        same("HRANDFIELD", "h", "5");
        same("HRANDFIELD", "h", "100", "WITHVALUES");
        same("HSCAN", "h", "0");
        sameEncoding("h");
        sameDigest("h");
    }

    @Test
    void hincrby() {
        same("HINCRBY", "h", "n", "5");
        same("HINCRBY", "h", "n", "-6");
        same("HSET", "h", "s", "abc", "big", "9223372036854775807", "small", "-9223372036854775808", "sp", " 1", "plus", "+1");
        for (String[] c : new String[][] {{"s", "1"}, {"big", "1"}, {"big", "-1"}, {"small", "-1"}, {"small", "1"},
                {"sp", "1"}, {"plus", "1"}, {"n", "1.5"}, {"n", "x"}, {"n", "+1"}, {"n", "9223372036854775807"},
                {"n", "-9223372036854775808"}, {"fresh", "-9223372036854775808"}}) {
            same("HINCRBY", "h", c[0], c[1]);
        }
        same("HINCRBY", "other", "n", "x");
        same("EXISTS", "other");
        same("HGETALL", "h");
    }

    @Test
    void hincrbyfloat() {
        same("HINCRBYFLOAT", "h", "f", "10.5");
        same("HINCRBYFLOAT", "h", "f", "0.1");
        same("HINCRBYFLOAT", "h", "f", "5.0e3");
        same("HINCRBYFLOAT", "h", "f", "-5010.60000000000000009");
        same("HSET", "h", "s", "abc", "i", "3", "huge", "1e4932", "neg", "-0", "hex", "0x10", "sp", " 1");
        for (String[] c : new String[][] {{"i", "1.5"}, {"s", "1"}, {"f", "x"}, {"f", "inf"}, {"f", "-inf"}, {"f", "nan"},
                {"huge", "1e4932"}, {"neg", "0"}, {"hex", "1"}, {"sp", "1"}, {"f", " 1"}, {"f", "1e-400"},
                {"new", "0.1"}, {"new", "-0.3"}, {"f", "1.7976931348623157e308"}, {"g", "3.0"}, {"g", "1e20"}}) {
            same("HINCRBYFLOAT", "h", c[0], c[1]);
        }
        samePairs("HGETALL", "h"); // a 309-digit value made it a hashtable: Redis's hash order
        sameEncoding("h");
    }

    @Test
    void hscanOfSmallHashes() {
        same("HSET", "h", "a", "1", "b", "2", "c", "3", "bb", "4");
        same("HSCAN", "h", "0");
        same("HSCAN", "h", "0", "COUNT", "1");
        same("HSCAN", "h", "12345", "MATCH", "b*");
        same("HSCAN", "h", "0", "MATCH", "nothing");
        same("HSCAN", "h", "0", "COUNT", "0");
        same("HSCAN", "h", "0", "COUNT", "-1");
        same("HSCAN", "h", "0", "COUNT", "x");
        same("HSCAN", "h", "0", "TYPE", "hash");
        same("HSCAN", "h", "0", "MATCH");
        same("HSCAN", "h", "x");
        same("HSCAN", "h", "-1");
        same("HSCAN", "h", "18446744073709551616");
        same("HSCAN", "nokey", "0");
        same("HSCAN", "nokey", "0", "COUNT", "0");
        same("HSCAN", "nokey", "x");
    }

    @Test
    void hrandfield() {
        same("HRANDFIELD", "nokey");
        same("HRANDFIELD", "nokey", "3");
        same("HRANDFIELD", "nokey", "-3", "WITHVALUES");
        same("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        sameShape("HRANDFIELD", "h");
        for (String count : new String[] {"1", "2", "4", "-1", "-3", "-20", "5", "6", "0"}) {
            sameShape("HRANDFIELD", "h", count);
            sameShape("HRANDFIELD", "h", count, "WITHVALUES");
        }
        same("HRANDFIELD", "h", "5", "WITHVALUES");
        same("HRANDFIELD", "h", "1", "WITHSCORES");
        same("HRANDFIELD", "h", "1", "WITHVALUES", "x");
        same("HRANDFIELD", "h", "x");
        same("HRANDFIELD", "h", "-9223372036854775808");
        same("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES");
        same("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES");
        same("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES");
        same("HRANDFIELD", "nokey", "-9223372036854775807");
    }

    @Test
    void encodingThresholds() {
        configure("hash-max-listpack-entries", 4);
        configure("hash-max-listpack-value", 8);
        same("HSET", "a", "1", "x", "2", "x", "3", "x", "4", "x");
        sameEncoding("a");
        same("HSET", "a", "5", "x");
        sameEncoding("a");
        same("HDEL", "a", "1", "2", "3", "4");
        sameEncoding("a");
        same("HSET", "b", "f", "123456789");
        sameEncoding("b");
        same("HSET", "c", "f", "1", "f", "2", "f", "3", "f", "4", "f", "5");
        assertEquals("listpack", redis.call("OBJECT", "ENCODING", "c").node().scalarText(),
                KnownDifferences.Rule.HASH_PRESIZE_72 + ": 7.0 converts only when the hash grows past the limit");
        assertEquals("hashtable", vellumValue("c").encoding(),
                KnownDifferences.Rule.HASH_PRESIZE_72 + ": 7.2 converts before inserting more pairs than the limit");
        same("HSET", "c2", "f", "1", "f", "2", "f", "3", "f", "4");
        sameEncoding("c2");
        same("HINCRBY", "d", "a-long-field", "1");
        sameEncoding("d");
        same("HINCRBYFLOAT", "e", "f", "0.1234567");
        sameEncoding("e");
        same("HSETNX", "g", "a-long-field", "v");
        sameEncoding("g");
        same("HSET", "h", "f", "v");
        same("HSETNX", "h", "f", "a-long-value");
        sameEncoding("h");
        configure("hash-max-listpack-entries", 0);
        same("HSET", "z", "f", "v");
        sameEncoding("z");
    }

    @Test
    void largeHashesAsHashtables() {
        List<String> args = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 300; i++) {
            args.add("field:" + i);
            args.add(i % 7 == 0 ? Integer.toString(i * 1000) : "value-" + "v".repeat(i % 20));
        }
        same(args.toArray(new String[0]));
        sameEncoding("big");
        samePairs("HGETALL", "big");
        sameUnordered("HKEYS", "big");
        sameUnordered("HVALS", "big");
        same("HLEN", "big");
        same("HGET", "big", "field:7");
        same("HDEL", "big", "field:1", "field:2", "field:299");
        same("HINCRBY", "big", "field:7", "3");
        same("HINCRBYFLOAT", "big", "field:14", "0.5");
        samePairs("HGETALL", "big");
        sameDigest("big");
        assertEquals(scanAll(redis, "big", "*"), scanAll(vellum, "big", "*"));
        assertEquals(scanAll(redis, "big", "field:1*"), scanAll(vellum, "big", "field:1*"));
        for (String count : new String[] {"1", "10", "50", "99", "100", "296", "297", "400", "-5", "-500"}) {
            sameShape("HRANDFIELD", "big", count);
            sameShape("HRANDFIELD", "big", count, "WITHVALUES");
        }
        Set<String> fields = new HashSet<>();
        for (RespReader.Node n : vellum.call("HKEYS", "big").node().children()) {
            fields.add(n.scalarText());
        }
        RespReader.Node picks = vellum.call("HRANDFIELD", "big", "60").node();
        Set<String> distinct = new HashSet<>();
        for (RespReader.Node n : picks.children()) {
            assertTrue(fields.contains(n.scalarText()));
            distinct.add(n.scalarText());
        }
        assertEquals(60, distinct.size());
    }

    /** Every field a full HSCAN returns (checking no field comes twice). */
    private static List<String> scanAll(RawClient c, String key, String pattern) {
        Set<String> seen = new java.util.TreeSet<>();
        String cursor = "0";
        do {
            RespReader.Node r = c.call("HSCAN", key, cursor, "MATCH", pattern, "COUNT", "25").node();
            cursor = r.children().get(0).scalarText();
            List<RespReader.Node> items = r.children().get(1).children();
            for (int i = 0; i < items.size(); i += 2) {
                assertTrue(seen.add(items.get(i).scalarText() + "=" + items.get(i + 1).scalarText()), "returned twice");
            }
        } while (!cursor.equals("0"));
        return new ArrayList<>(seen);
    }

    @Test
    void wrongTypeForEveryCommand() {
        same("RPUSH", "l", "x");
        for (String[] cmd : new String[][] {
                {"HSET", "l", "a", "1"}, {"HMSET", "l", "a", "1"}, {"HSETNX", "l", "a", "1"}, {"HGET", "l", "a"},
                {"HMGET", "l", "a"}, {"HDEL", "l", "a"}, {"HLEN", "l"}, {"HSTRLEN", "l", "a"}, {"HEXISTS", "l", "a"},
                {"HGETALL", "l"}, {"HKEYS", "l"}, {"HVALS", "l"}, {"HINCRBY", "l", "a", "1"}, {"HINCRBY", "l", "a", "x"},
                {"HINCRBYFLOAT", "l", "a", "1"}, {"HINCRBYFLOAT", "l", "a", "x"}, {"HRANDFIELD", "l"},
                {"HRANDFIELD", "l", "2"}, {"HRANDFIELD", "l", "2", "WITHVALUES"}, {"HSCAN", "l", "0"},
                {"HSCAN", "l", "x"}, {"HSCAN", "l", "0", "COUNT", "0"}}) {
            same(cmd);
        }
    }

    @Test
    void binaryFieldsAndValues() {
        byte[][] data = {{0}, {'\r', '\n'}, {(byte) 0xff, 0, 'x'}, "é€".getBytes(StandardCharsets.UTF_8), {}};
        for (int i = 0; i < data.length; i++) {
            same(new byte[][] {b("HSET"), b("bin"), data[i], data[(i + 1) % data.length]});
        }
        same("HGETALL", "bin");
        same(new byte[][] {b("HGET"), b("bin"), data[2]});
        same(new byte[][] {b("HSTRLEN"), b("bin"), data[3]});
        same(new byte[][] {b("HDEL"), b("bin"), data[0]});
        same("HSCAN", "bin", "0");
        sameDigest("bin");
    }

    @Test
    void arity() {
        for (String[] cmd : new String[][] {{"HSET", "h", "f"}, {"HSETNX", "h", "f"}, {"HGET", "h"}, {"HMGET", "h"},
                {"HDEL", "h"}, {"HLEN"}, {"HSTRLEN", "h"}, {"HEXISTS", "h"}, {"HGETALL"}, {"HKEYS"}, {"HVALS"},
                {"HINCRBY", "h", "f"}, {"HINCRBYFLOAT", "h", "f"}, {"HRANDFIELD"}, {"HSCAN", "h"}}) {
            same(cmd);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
