package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Set commands against a real Redis. Sets of integers (intset: ascending order in both) are
 * compared byte for byte; other sets are hash-ordered in Redis 7.0 (KnownDifferences ORDER)
 * and compared as multisets; random picks by shape, then the remaining contents.
 */
class SetDiffTest extends DifferentialTest {

    private void fill() {
        both("SADD", "ints", "5", "-3", "100", "0", "42");
        both("SADD", "strs", "apple", "banana", "cherry", "date");
        both("SADD", "mixed", "1", "2", "x", "3");
        both("SET", "str", "value");
    }

    @Test
    void addRemoveAndMembership() {
        same("SADD", "s", "a", "b", "a", "c");
        same("SADD", "s", "a");
        same("SADD", "s", "d", "e");
        same("SCARD", "s");
        same("SCARD", "nokey");
        same("SISMEMBER", "s", "a");
        same("SISMEMBER", "s", "zz");
        same("SISMEMBER", "nokey", "a");
        same("SMISMEMBER", "s", "a", "zz", "e");
        same("SMISMEMBER", "nokey", "a", "b");
        same("SREM", "s", "a", "zz", "b");
        same("SREM", "nokey", "a");
        sameUnordered("SMEMBERS", "s");
        same("SREM", "s", "c", "d", "e");
        same("EXISTS", "s");
        same("SMEMBERS", "s");
        same("SADD", "n", "3", "1", "2", "-7", "9223372036854775807", "-9223372036854775808");
        same("SMEMBERS", "n");
        same("SISMEMBER", "n", "01");
        same("SISMEMBER", "n", "1");
        same("SREM", "n", "+1", "01", "1");
        same("SMEMBERS", "n");
        same("SADD", "n", "x");
        sameUnordered("SMEMBERS", "n");
        same("SISMEMBER", "n", "2");
    }

    @Test
    void binaryMembers() {
        byte[][] members = {{0}, {(byte) 0xff, 0, 1}, "\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0]};
        for (byte[] m : members) {
            same(new byte[][] {bytes("SADD"), bytes("bin"), m});
        }
        same("SCARD", "bin");
        for (byte[] m : members) {
            same(new byte[][] {bytes("SISMEMBER"), bytes("bin"), m});
        }
        sameUnordered("SMEMBERS", "bin");
        same(new byte[][] {bytes("SREM"), bytes("bin"), members[1]});
        sameUnordered("SMEMBERS", "bin");
    }

    @Test
    void wrongTypeAndArity() {
        fill();
        for (String[] c : new String[][] {
                {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
                {"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SPOP", "str"}, {"SPOP", "str", "2"},
                {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"}, {"SINTER", "ints", "str"},
                {"SINTER", "nokey", "str"}, {"SUNION", "str"}, {"SDIFF", "ints", "str"}, {"SDIFF", "nokey", "str"},
                {"SINTERSTORE", "d", "str"}, {"SUNIONSTORE", "d", "str"}, {"SDIFFSTORE", "d", "str", "ints"},
                {"SINTERCARD", "2", "ints", "str"}, {"SSCAN", "str", "0"}, {"SMOVE", "str", "ints", "a"},
                {"SMOVE", "ints", "str", "5"}, {"SMOVE", "nokey", "str", "5"},
                {"SADD", "s"}, {"SREM", "s"}, {"SCARD"}, {"SPOP"}, {"SMOVE", "a", "b"}, {"SINTERCARD", "1"},
                {"SPOP", "ints", "1", "2"}, {"SRANDMEMBER", "ints", "1", "2"}, {"SSCAN", "ints"}}) {
            same(c);
        }
        same("GET", "str");
        same("SMEMBERS", "ints");
    }

    @Test
    void smove() {
        fill();
        same("SMOVE", "ints", "ints2", "5");
        same("SMEMBERS", "ints");
        same("SMEMBERS", "ints2");
        same("SMOVE", "ints", "ints2", "5");
        same("SMOVE", "ints", "ints", "100");
        same("SMOVE", "ints", "ints", "nope");
        same("SMOVE", "nokey", "ints", "5");
        same("SMOVE", "strs", "ints", "apple");
        sameUnordered("SMEMBERS", "ints");
        same("SMOVE", "ints2", "strs", "5");
        same("EXISTS", "ints2");
        sameUnordered("SMEMBERS", "strs");
        same("SMOVE", "strs", "ints", "banana");
        same("SMOVE", "strs", "ints", "banana");
    }

    @Test
    void algebra() {
        fill();
        both("SADD", "ints2", "5", "0", "7");
        both("SADD", "strs2", "banana", "zebra", "5");
        sameUnordered("SINTER", "strs", "strs2");
        same("SINTER", "ints", "ints2");
        same("SINTER", "ints", "nokey");
        same("SINTER", "nokey", "ints");
        same("SINTER", "ints", "ints");
        same("SINTER", "ints");
        same("SUNION", "ints", "ints2");
        same("SUNION", "ints", "nokey", "ints2");
        same("SUNION", "nokey");
        sameUnordered("SUNION", "ints", "strs2", "mixed");
        same("SDIFF", "ints", "ints2");
        same("SDIFF", "ints", "ints");
        same("SDIFF", "ints", "nokey");
        same("SDIFF", "nokey", "ints");
        same("SDIFF", "ints", "ints2", "ints");
        sameUnordered("SDIFF", "strs", "strs2");
        sameUnordered("SDIFF", "mixed", "ints");
        same("SINTERCARD", "2", "ints", "ints2");
        same("SINTERCARD", "2", "ints", "ints2", "LIMIT", "1");
        same("SINTERCARD", "2", "ints", "ints2", "LIMIT", "0");
        same("SINTERCARD", "1", "ints", "LIMIT", "3");
        same("SINTERCARD", "2", "ints", "nokey");
        same("SINTERCARD", "0", "ints");
        same("SINTERCARD", "-1", "ints");
        same("SINTERCARD", "x", "ints");
        same("SINTERCARD", "3", "ints", "ints2");
        same("SINTERCARD", "1", "ints", "LIMIT");
        same("SINTERCARD", "1", "ints", "LIMIT", "-1");
        same("SINTERCARD", "1", "ints", "LIMIT", "x");
        same("SINTERCARD", "1", "ints", "BOGUS", "1");
    }

    @Test
    void storeForms() {
        fill();
        both("SADD", "ints2", "5", "0", "7");
        same("SINTERSTORE", "dst", "ints", "ints2");
        same("SMEMBERS", "dst");
        same("SUNIONSTORE", "dst", "ints", "ints2");
        same("SMEMBERS", "dst");
        same("SDIFFSTORE", "dst", "ints", "ints2");
        same("SMEMBERS", "dst");
        same("SUNIONSTORE", "dst", "strs", "mixed");
        sameUnordered("SMEMBERS", "dst");
        same("SINTERSTORE", "dst", "ints", "nokey");
        same("EXISTS", "dst");
        both("SET", "dst", "x");
        same("SDIFFSTORE", "dst", "ints", "ints");
        same("EXISTS", "dst");
        both("SET", "dst", "x");
        same("SUNIONSTORE", "dst", "ints");
        same("GET", "dst");
        same("SINTERSTORE", "ints", "ints", "ints2");
        same("SMEMBERS", "ints");
        same("SUNIONSTORE", "d2", "nokey");
        same("EXISTS", "d2");
    }

    @Test
    void spopAndSrandmember() {
        fill();
        sameShape("SPOP", "ints");
        same("SCARD", "ints");
        sameShape("SPOP", "ints", "2");
        same("SCARD", "ints");
        sameShape("SPOP", "ints", "0");
        sameShape("SPOP", "ints", "10");
        same("EXISTS", "ints");
        same("SPOP", "nokey");
        same("SPOP", "nokey", "3");
        same("SPOP", "nokey", "-1");
        same("SPOP", "strs", "-1");
        same("SPOP", "strs", "x");
        sameShape("SRANDMEMBER", "strs");
        same("SRANDMEMBER", "nokey");
        same("SRANDMEMBER", "nokey", "5");
        same("SRANDMEMBER", "strs", "0");
        sameShape("SRANDMEMBER", "strs", "2");
        sameShape("SRANDMEMBER", "strs", "-7");
        sameShape("SRANDMEMBER", "strs", "1");
        sameShape("SRANDMEMBER", "strs", "-1");
        sameUnordered("SRANDMEMBER", "strs", "100");
        same("SRANDMEMBER", "mixed", "-9223372036854775808");
        same("SRANDMEMBER", "mixed", "x");
        same("SCARD", "strs");
    }

    /** SPOP and SRANDMEMBER with counts through each of Redis's cases, on large and small sets. */
    @Test
    void randomPicksOnLargeSets() {
        List<String> big = new ArrayList<>(List.of("SADD", "big"));
        List<String> bigInts = new ArrayList<>(List.of("SADD", "bigints"));
        for (int i = 0; i < 300; i++) {
            big.add("m" + i);
            bigInts.add(Integer.toString(i * 7));
        }
        both(big.toArray(new String[0]));
        both(bigInts.toArray(new String[0]));
        for (String key : new String[] {"big", "bigints"}) {
            for (String count : new String[] {"1", "5", "99", "150", "299", "300", "1000", "-5", "-1000"}) {
                sameShape("SRANDMEMBER", key, count);
                assertDistinct("SRANDMEMBER", key, count);
            }
            sameShape("SPOP", key, "20");
            same("SCARD", key);
            sameShape("SPOP", key, "250");
            same("SCARD", key);
            same("SISMEMBER", key, "nope");
        }
    }

    /** A count of at most the size picks distinct members on both servers. */
    private void assertDistinct(String... cmd) {
        long n = Long.parseLong(cmd[2]);
        if (n <= 0) {
            return;
        }
        for (RawClient c : new RawClient[] {redis, vellum}) {
            RespReader.Node r = c.call(cmd).node();
            TreeSet<String> seen = new TreeSet<>();
            for (RespReader.Node e : r.children()) {
                seen.add(e.scalarText());
            }
            assertEquals(r.children().size(), seen.size(), "distinct members from " + String.join(" ", cmd));
        }
    }

    @Test
    void sscan() {
        fill();
        same("SSCAN", "ints", "0");
        same("SSCAN", "ints", "0", "MATCH", "1*");
        same("SSCAN", "ints", "0", "COUNT", "1");
        same("SSCAN", "ints", "0", "COUNT", "0");
        same("SSCAN", "ints", "0", "TYPE", "set");
        same("SSCAN", "ints", "abc");
        same("SSCAN", "ints", "18446744073709551616");
        same("SSCAN", "nokey", "0");
        same("SSCAN", "nokey", "0", "COUNT", "0");
        same("SSCAN", "ints", "0", "MATCH");
        List<String> big = new ArrayList<>(List.of("SADD", "big"));
        for (int i = 0; i < 300; i++) {
            big.add("member:" + i);
        }
        both(big.toArray(new String[0]));
        assertEquals(fullScan(redis, "SSCAN", "big", "*"), fullScan(vellum, "SSCAN", "big", "*"));
        assertEquals(fullScan(redis, "SSCAN", "big", "member:1?"), fullScan(vellum, "SSCAN", "big", "member:1?"));
    }

    /**
     * Every element a complete SSCAN (members) or ZSCAN ("member=score") returns, deduplicated:
     * the cursors themselves differ between the servers.
     */
    static TreeSet<String> fullScan(RawClient c, String command, String key, String pattern) {
        TreeSet<String> all = new TreeSet<>();
        String cursor = "0";
        do {
            RespReader.Node r = c.call(command, key, cursor, "MATCH", pattern, "COUNT", "17").node();
            cursor = r.children().get(0).scalarText();
            List<RespReader.Node> e = r.children().get(1).children();
            for (int i = 0; i < e.size(); i++) {
                all.add(command.equals("ZSCAN") ? e.get(i).scalarText() + "=" + e.get(++i).scalarText() : e.get(i).scalarText());
            }
        } while (!cursor.equals("0"));
        return all;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
