package io.vellum.difftest;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The list commands against a real redis-server, byte for byte (non-blocking behaviour). */
class ListDiffTest extends CollectionDiffTest {

    @Test
    void pushLengthRangeAndIndex() {
        same("RPUSH", "l", "a", "b", "c");
        same("LPUSH", "l", "x", "y");
        same("RPUSH", "l", "1", "-1", "0", "9223372036854775807", "-9223372036854775808", "01", "-0", "");
        same("LPUSHX", "nokey", "a");
        same("RPUSHX", "nokey", "a", "b");
        same("LPUSHX", "l", "p");
        same("RPUSHX", "l", "q", "r");
        same("LLEN", "l");
        same("LLEN", "nokey");
        for (String[] r : new String[][] {{"0", "-1"}, {"-100", "100"}, {"2", "1"}, {"20", "30"}, {"-3", "-1"},
                {"-1", "-3"}, {"0", "0"}, {"5", "5"}, {"-9223372036854775808", "9223372036854775807"},
                {"9223372036854775807", "-9223372036854775808"}}) {
            same("LRANGE", "l", r[0], r[1]);
        }
        same("LRANGE", "l", "a", "1");
        same("LRANGE", "l", "0", "1.5");
        same("LRANGE", "nokey", "0", "-1");
        same("LRANGE", "nokey", "x", "-1");
        for (String i : new String[] {"0", "1", "-1", "-2", "15", "16", "-16", "-17", "100", "-9223372036854775808", "9223372036854775807"}) {
            same("LINDEX", "l", i);
        }
        same("LINDEX", "l", "x");
        same("LINDEX", "nokey", "x");
        same("LINDEX", "nokey", "0");
        same("LPUSH", "l");
        same("LRANGE", "l", "0");
        sameDigest("l");
    }

    @Test
    void popsWithAndWithoutCount() {
        same("RPUSH", "l", "a", "b", "c", "d", "e", "f");
        same("LPOP", "l");
        same("RPOP", "l");
        same("LPOP", "l", "0");
        same("LPOP", "l", "2");
        same("RPOP", "l", "1");
        same("RPOP", "l", "-1");
        same("LPOP", "l", "x");
        same("LPOP", "l", "1", "2");
        same("RPOP", "l", "9223372036854775807");
        same("EXISTS", "l");
        same("LPOP", "l");
        same("LPOP", "l", "2");
        same("RPOP", "l", "0");
        same("RPOP", "l", "-5");
    }

    @Test
    void lsetAndLtrim() {
        same("LSET", "nokey", "0", "x");
        same("LSET", "nokey", "x", "x");
        same("RPUSH", "l", "a", "b", "c", "d", "e", "f", "g");
        same("LSET", "l", "0", "A");
        same("LSET", "l", "-1", "G");
        same("LSET", "l", "7", "x");
        same("LSET", "l", "-8", "x");
        same("LSET", "l", "x", "y");
        same("LRANGE", "l", "0", "-1");
        same("LTRIM", "l", "1", "-2");
        same("LRANGE", "l", "0", "-1");
        same("LTRIM", "l", "-100", "100");
        same("LTRIM", "l", "1", "x");
        same("LTRIM", "l", "-2", "-1");
        same("LRANGE", "l", "0", "-1");
        same("LTRIM", "l", "5", "1");
        same("EXISTS", "l");
        same("LTRIM", "nokey", "0", "1");
        same("LTRIM", "nokey", "a", "1");
        same("RPUSH", "l", "a", "b");
        same("LTRIM", "l", "-9223372036854775808", "9223372036854775807");
        same("LRANGE", "l", "0", "-1");
    }

    @Test
    void lremAndLinsert() {
        same("RPUSH", "l", "x", "a", "x", "b", "x", "c", "x");
        same("LREM", "l", "2", "x");
        same("LRANGE", "l", "0", "-1");
        same("LREM", "l", "-1", "x");
        same("LRANGE", "l", "0", "-1");
        same("RPUSH", "l", "x", "x", "x");
        same("LREM", "l", "0", "x");
        same("LREM", "l", "0", "nope");
        same("LREM", "l", "x", "a");
        same("LREM", "nokey", "1", "a");
        same("LREM", "l", "-9223372036854775808", "a");
        same("LRANGE", "l", "0", "-1");
        same("LINSERT", "l", "BEFORE", "b", "B0");
        same("LINSERT", "l", "after", "c", "C1");
        same("LINSERT", "l", "AFTER", "nope", "z");
        same("LINSERT", "l", "middle", "b", "z");
        same("LINSERT", "nokey", "before", "b", "z");
        same("LINSERT", "nokey", "middle", "b", "z");
        same("LINSERT", "l", "before", "b");
        same("LRANGE", "l", "0", "-1");
        same("LREM", "l", "0", "b");
        same("LREM", "l", "0", "B0");
        same("LREM", "l", "0", "c");
        same("LREM", "l", "0", "C1");
        same("EXISTS", "l");
    }

    @Test
    void lposOptions() {
        same("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c", "b");
        same("LPOS", "l", "c");
        same("LPOS", "l", "zz");
        same("LPOS", "nokey", "c");
        same("LPOS", "nokey", "c", "COUNT", "0");
        for (String[] opts : new String[][] {{"RANK", "2"}, {"RANK", "-1"}, {"RANK", "-3"}, {"RANK", "4"}, {"RANK", "100"},
                {"RANK", "-100"}, {"COUNT", "0"}, {"COUNT", "2"}, {"COUNT", "100"}, {"COUNT", "1", "RANK", "-1"},
                {"COUNT", "0", "RANK", "2"}, {"MAXLEN", "3"}, {"MAXLEN", "7"}, {"MAXLEN", "0"}, {"MAXLEN", "2", "RANK", "-1"},
                {"MAXLEN", "2", "RANK", "-1", "COUNT", "0"}, {"RANK", "0"}, {"RANK", "x"}, {"COUNT", "-1"}, {"COUNT", "x"},
                {"MAXLEN", "-1"}, {"MAXLEN", "y"}, {"RANK"}, {"COUNT"}, {"BOGUS", "1"}, {"RANK", "9223372036854775807"},
                {"RANK", "-9223372036854775807"}, {"RANK", "1", "RANK", "2"}}) {
            String[] cmd = new String[3 + opts.length];
            cmd[0] = "LPOS";
            cmd[1] = "l";
            cmd[2] = "c";
            System.arraycopy(opts, 0, cmd, 3, opts.length);
            same(cmd);
        }
        same("LPOS", "nokey", "c", "RANK", "0");
        differs(KnownDifferences.Rule.LPOS_RANK_72, protocol == 2 ? "$-1\\r\\n" : "_\\r\\n",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\\r\\n",
                "LPOS", "nokey", "c", "RANK", "-9223372036854775808");
    }

    @Test
    void lmoveAndRpoplpush() {
        same("RPUSH", "src", "a", "b", "c", "d");
        same("RPOPLPUSH", "src", "dst");
        same("LMOVE", "src", "dst", "LEFT", "RIGHT");
        same("LMOVE", "src", "dst", "right", "left");
        same("LMOVE", "src", "dst", "LEFT", "LEFT");
        same("LRANGE", "dst", "0", "-1");
        same("EXISTS", "src");
        same("LMOVE", "src", "dst", "LEFT", "LEFT");
        same("RPOPLPUSH", "src", "dst");
        same("RPOPLPUSH", "dst", "dst");
        same("LMOVE", "dst", "dst", "LEFT", "RIGHT");
        same("LRANGE", "dst", "0", "-1");
        same("LMOVE", "dst", "x", "UP", "LEFT");
        same("LMOVE", "dst", "x", "LEFT", "DOWN");
        same("LMOVE", "nokey", "x", "UP", "LEFT");
        same("SET", "str", "v");
        same("LMOVE", "dst", "str", "LEFT", "LEFT");
        same("RPOPLPUSH", "dst", "str");
        same("RPOPLPUSH", "str", "dst");
        same("LRANGE", "dst", "0", "-1");
        same("RPUSH", "one", "x");
        same("LMOVE", "one", "one", "RIGHT", "LEFT");
        same("LRANGE", "one", "0", "-1");
        sameDigest("dst");
    }

    @Test
    void lmpop() {
        same("RPUSH", "b", "1", "2", "3", "4", "5");
        same("LMPOP", "2", "a", "b", "LEFT");
        same("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2");
        same("LMPOP", "1", "b", "left", "count", "100");
        same("LMPOP", "2", "a", "b", "LEFT");
        for (String[] cmd : new String[][] {{"LMPOP", "0", "a", "LEFT"}, {"LMPOP", "-1", "a", "LEFT"}, {"LMPOP", "x", "a", "LEFT"},
                {"LMPOP", "2", "a", "LEFT"}, {"LMPOP", "1", "a", "MIDDLE"}, {"LMPOP", "1", "a", "LEFT", "COUNT"},
                {"LMPOP", "1", "a", "LEFT", "COUNT", "0"}, {"LMPOP", "1", "a", "LEFT", "COUNT", "-1"},
                {"LMPOP", "1", "a", "LEFT", "COUNT", "x"}, {"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"},
                {"LMPOP", "1", "a", "LEFT", "BOGUS"}, {"LMPOP", "9223372036854775807", "a", "LEFT"},
                {"LMPOP", "3", "a", "b", "c", "LEFT", "COUNT", "9223372036854775807"}}) {
            same(cmd);
        }
        same("SET", "s", "v");
        same("RPUSH", "c", "1");
        same("LMPOP", "3", "a", "s", "c", "LEFT");
        same("LMPOP", "3", "a", "c", "s", "LEFT");
    }

    @Test
    void wrongTypeForEveryCommand() {
        same("SET", "s", "v");
        for (String[] cmd : new String[][] {
                {"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"},
                {"RPOP", "s", "2"}, {"LPOP", "s", "0"}, {"LLEN", "s"}, {"LINDEX", "s", "0"}, {"LINDEX", "s", "x"},
                {"LSET", "s", "0", "a"}, {"LSET", "s", "x", "a"}, {"LRANGE", "s", "0", "1"}, {"LRANGE", "s", "x", "1"},
                {"LTRIM", "s", "0", "1"}, {"LREM", "s", "0", "a"}, {"LREM", "s", "x", "a"},
                {"LINSERT", "s", "before", "a", "b"}, {"LINSERT", "s", "middle", "a", "b"}, {"LPOS", "s", "a"},
                {"LPOS", "s", "a", "RANK", "0"}, {"LMOVE", "s", "d", "LEFT", "LEFT"}, {"RPOPLPUSH", "s", "d"},
                {"LMPOP", "1", "s", "LEFT"}, {"BLPOP", "s", "0"}, {"BRPOP", "x", "s", "0"},
                {"BLMOVE", "s", "d", "LEFT", "LEFT", "0"}, {"BRPOPLPUSH", "s", "d", "0"}, {"BLMPOP", "0", "1", "s", "LEFT"}}) {
            same(cmd);
        }
        same("GET", "s");
    }

    @Test
    void binaryElements() {
        byte[][] elements = {{0}, {'\r', '\n'}, {(byte) 0xff, (byte) 0xfe, 0, 'x'}, "é€".getBytes(StandardCharsets.UTF_8), {}};
        for (byte[] e : elements) {
            same(new byte[][] {b("RPUSH"), b("bin"), e});
        }
        same("LRANGE", "bin", "0", "-1");
        same(new byte[][] {b("LPOS"), b("bin"), elements[2]});
        same(new byte[][] {b("LREM"), b("bin"), b("0"), elements[0]});
        same(new byte[][] {b("LINSERT"), b("bin"), b("AFTER"), elements[1], elements[3]});
        same("LRANGE", "bin", "0", "-1");
        sameDigest("bin");
    }

    @Test
    void largeListsAcrossNodes() {
        String[] args = new String[2 + 1000];
        args[0] = "RPUSH";
        args[1] = "big";
        for (int i = 0; i < 1000; i++) {
            args[2 + i] = (i % 3 == 0) ? Integer.toString(i) : "element-" + i + "-" + "x".repeat(i % 50);
        }
        same(args);
        same("LLEN", "big");
        same("LRANGE", "big", "0", "9");
        same("LRANGE", "big", "495", "505");
        same("LRANGE", "big", "-10", "-1");
        same("LINDEX", "big", "500");
        same("LINDEX", "big", "-500");
        same("LSET", "big", "250", "y".repeat(10000));
        same("LINDEX", "big", "250");
        same("LINSERT", "big", "BEFORE", "600", "inserted");
        same("LINSERT", "big", "AFTER", "element-2-xx", "inserted");
        same("LPOS", "big", "inserted", "COUNT", "0");
        same("LREM", "big", "0", "inserted");
        same("LREM", "big", "-2", "999");
        same("LPOP", "big", "300");
        same("RPOP", "big", "300");
        same("LTRIM", "big", "10", "-10");
        same("LRANGE", "big", "0", "-1");
        sameDigest("big");
    }

    @Test
    void arity() {
        for (String[] cmd : new String[][] {{"LPUSH", "l"}, {"RPUSH"}, {"LPOP"}, {"LLEN"}, {"LINDEX", "l"}, {"LSET", "l", "0"},
                {"LRANGE", "l", "0"}, {"LTRIM", "l"}, {"LREM", "l", "0"}, {"LINSERT", "l", "before", "a"}, {"LPOS", "l"},
                {"LMOVE", "a", "b", "LEFT"}, {"RPOPLPUSH", "a"}, {"LMPOP", "1", "a"}, {"BLPOP", "a"}, {"BRPOP", "a"},
                {"BLMOVE", "a", "b", "LEFT", "LEFT"}, {"BRPOPLPUSH", "a", "b"}, {"BLMPOP", "0", "1", "a"}}) {
            same(cmd);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
