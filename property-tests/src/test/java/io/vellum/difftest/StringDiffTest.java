package io.vellum.difftest;

import org.junit.jupiter.api.Test;

/**
 * The string commands of t_string.c against a real Redis: every command with its edge cases
 * (empty and binary values, out-of-range indexes, integer overflow, float formatting, option
 * conflicts and syntax errors). WRONGTYPE cases need a second data type and are covered by
 * store-core's unit tests until one lands.
 */
class StringDiffTest extends DifferentialTest {

    private static final String MAX = "9223372036854775807";
    private static final String MIN = "-9223372036854775808";

    @Test
    void setAndGet() {
        same("SET", "k", "");
        same("GET", "k");
        same("SET", "k", "v", "NX", "GET");
        same("SET", "k", "v2", "XX", "GET");
        same("SET", "fresh", "v", "XX", "GET");
        same("SET", "fresh", "v", "NX", "GET");
        same("GET", "fresh");
        same("SET", "k", "v", "ex", "10", "EX", "20");
        same("SET", "k", "v", "PX", "100", "EX", "20");
        same("SET", "k", "v", "EX", "10", "KEEPTTL");
        same("SET", "k", "v", "KEEPTTL", "KEEPTTL", "GET");
        same("SET", "k", "v", "NX", "NX");
        same("SET", "k", "v", "XX", "NX");
        same("SET", "k", "v", "GET", "GET");
        same("SET", "k", "v", "EX");
        same("SET", "k", "v", "PERSIST");
        same("SET", "k", "v", "EXAT", "0");
        same("SET", "k", "v", "PXAT", "-1");
        same("SET", "k", "v", "PX", "9223372036854775807");
        same("SET", "k", "v", "EX", "9223372036854775");
        same("SET", "k", "v", "EX", "9223372036854776");
        same("SET", "k", "v", "EX", "1.5");
        same("SET", "k", "v", "EX", " 10");
        same("SET", "k", "v", "PXAT", "1");
        same("GET", "k"); // an absolute time in the past: set, and already expired
        same("EXISTS", "k");
        same("SET", "k", "v", "EXAT", "99999999999");
        same("GET", "k");
        same("SET", "k", "v", "PXAT", "99999999999999", "GET");
        same("SET", "k", "w", "KEEPTTL", "XX");
        same("GET", "k");
        same("GET", "missing");
    }

    @Test
    void setnxSetexPsetex() {
        same("SETNX", "k", "a");
        same("SETNX", "k", "b");
        same("GET", "k");
        same("SETEX", "k", "100", "c");
        same("GET", "k");
        same("SETEX", "k", "0", "c");
        same("SETEX", "k", "-1", "c");
        same("SETEX", "k", "x", "c");
        same("SETEX", "k", "9223372036854776", "c");
        same("PSETEX", "k", "100000", "d");
        same("GET", "k");
        same("PSETEX", "k", "0", "d");
        same("PSETEX", "k", MAX, "d");
        same("PSETEX", "k", "1.0", "d");
        same("SETEX", "k", "100");
        same("SETNX", "k");
    }

    @Test
    void getsetGetdel() {
        same("GETSET", "k", "1");
        same("GETSET", "k", "2");
        same("GET", "k");
        same("SET", "t", "v", "EX", "1000");
        same("GETSET", "t", "w");
        same("GETDEL", "k");
        same("GETDEL", "k");
        same("EXISTS", "k");
        same("SET", "e", "");
        same("GETDEL", "e");
        same("DBSIZE");
    }

    @Test
    void getex() {
        same("GETEX", "missing");
        same("GETEX", "missing", "EX", "-1");
        same("GETEX", "missing", "EX", "abc");
        same("GETEX", "missing", "BOGUS");
        same("SET", "k", "v");
        same("GETEX", "k");
        same("GETEX", "k", "EX", "100");
        same("GETEX", "k", "ex", "10", "ex", "20");
        same("GETEX", "k", "PX", "100000");
        same("GETEX", "k", "EXAT", "99999999999");
        same("GETEX", "k", "PXAT", "99999999999999");
        same("GETEX", "k", "PERSIST");
        same("GETEX", "k", "PERSIST", "PERSIST");
        same("GETEX", "k", "PERSIST", "EX", "10");
        same("GETEX", "k", "EX", "10", "PERSIST");
        same("GETEX", "k", "EX", "10", "PX", "10");
        same("GETEX", "k", "EX");
        same("GETEX", "k", "EX", "0");
        same("GETEX", "k", "EX", "-5");
        same("GETEX", "k", "PX", "x");
        same("GETEX", "k", "EX", "9223372036854776");
        same("GETEX", "k", "NX");
        same("GETEX", "k", "KEEPTTL");
        same("GETEX", "k", "GET");
        same("GETEX", "k", "PXAT", "1"); // in the past: replies, then the key is deleted
        same("GET", "k");
        same("EXISTS", "k");
        same("SET", "k", "v");
        same("GETEX", "k", "EXAT", "1");
        same("EXISTS", "k");
    }

    @Test
    void msetMsetnxMget() {
        same("MSET", "a", "1", "b", "2");
        same("MSET", "a", "1", "b");
        same("MSET", "a");
        same("MGET", "a", "b", "c", "a");
        same("MSET", "a", "x", "a", "y");
        same("MGET", "a");
        same("MSETNX", "a", "1", "c", "3");
        same("MGET", "a", "c");
        same("MSETNX", "c", "3", "d", "4");
        same("MSETNX", "e", "5", "e", "6");
        same("MGET", "c", "d", "e");
        same("MSETNX", "f", "1", "g");
        same("MGET", "missing");
        same("DBSIZE");
    }

    @Test
    void appendAndStrlen() {
        same("APPEND", "k", "");
        same("EXISTS", "k");
        same("STRLEN", "k");
        same("APPEND", "k", "hello");
        same("APPEND", "k", " world");
        same("APPEND", "k", "");
        same("GET", "k");
        same("STRLEN", "k");
        same("STRLEN", "missing");
        same("SET", "n", "12");
        same("APPEND", "n", "3");
        same("INCR", "n");
        same("APPEND", "n", "x");
        same("INCR", "n");
        same("APPEND", "bin", "a\u0000b\u00ff");
        same("GET", "bin");
        same("STRLEN", "bin");
        same("APPEND", "k");
        same("STRLEN", "k", "x");
    }

    @Test
    void getrangeAndSubstr() {
        same("SET", "s", "Hello World");
        same("SET", "e", "");
        same("SET", "n", "1234567");
        String[] idx = {"0", "1", "-1", "-2", "5", "-5", "10", "11", "12", "-11", "-12", "-100", "100", MAX, MIN};
        for (String key : new String[] {"s", "e", "n", "missing"}) {
            for (String a : idx) {
                for (String b : idx) {
                    same("GETRANGE", key, a, b);
                }
            }
        }
        same("SUBSTR", "s", "0", "4");
        same("SUBSTR", "s", "-3", "-1");
        same("GETRANGE", "s", "a", "1");
        same("GETRANGE", "s", "1", "1.5");
        same("GETRANGE", "missing", "x", "1");
        same("GETRANGE", "s", "9223372036854775808", "1");
        same("GETRANGE", "s", "0");
    }

    @Test
    void setrange() {
        same("SETRANGE", "k", "0", "");
        same("EXISTS", "k");
        same("SETRANGE", "k", "5", "");
        same("EXISTS", "k");
        same("SETRANGE", "k", "3", "abc");
        same("GET", "k");
        same("SETRANGE", "k", "0", "xy");
        same("SETRANGE", "k", "6", "Z");
        same("GET", "k");
        same("SETRANGE", "k", "100", "");
        same("STRLEN", "k");
        same("SETRANGE", "k", "-1", "a");
        same("SETRANGE", "k", "x", "a");
        same("SETRANGE", "k", "1.5", "a");
        same("SETRANGE", "k", "536870912", "a"); // past proto-max-bulk-len: refused
        same("SETRANGE", "k", "536870911", "ab");
        same("SETRANGE", "k", MAX, "a");
        same("SETRANGE", "k", "9223372036854775808", "a");
        same("SETRANGE", "new", "536870912", "");
        same("SETRANGE", "new", "536870912", "a");
        same("SET", "n", "12345");
        same("SETRANGE", "n", "2", "\u0000");
        same("GET", "n");
        same("SETRANGE", "k", "0");
        same("DBSIZE");
    }

    @Test
    void incrDecrFamily() {
        same("INCR", "c");
        same("INCRBY", "c", "10");
        same("DECR", "c");
        same("DECRBY", "c", "100");
        same("GET", "c");
        same("SET", "c", MAX);
        same("INCR", "c");
        same("INCRBY", "c", "0");
        same("DECRBY", "c", "-1");
        same("SET", "c", MIN);
        same("DECR", "c");
        same("INCRBY", "c", "-1");
        same("DECRBY", "c", "1");
        same("INCRBY", "c", MAX);
        same("DECRBY", "c", MIN);
        same("DECRBY", "c", MAX);
        same("SET", "c", "0");
        same("INCRBY", "c", MIN);
        same("DECRBY", "c", "-9223372036854775807");
        same("INCRBY", "c", "9223372036854775808");
        same("INCRBY", "c", "1.0");
        same("INCRBY", "c", "");
        same("INCRBY", "c", "+1");
        same("INCRBY", "c", " 1");
        same("INCRBY", "c", "01");
        for (String v : new String[] {"", "abc", " 1", "1 ", "01", "+1", "-0", "1e3", "0x10", "1.0",
                "99999999999999999999", "9223372036854775808", "\u00001"}) {
            same("SET", "v", v);
            same("INCR", "v");
            same("DECRBY", "v", "5");
        }
        same("SET", "t", "41", "EX", "1000");
        same("INCR", "t");
        same("GET", "t");
        same("INCR", "a", "b");
    }

    @Test
    void incrbyfloat() {
        same("INCRBYFLOAT", "f", "10.5");
        same("INCRBYFLOAT", "f", "0.1");
        same("INCRBYFLOAT", "f", "-5.0e3");
        same("INCRBYFLOAT", "f", "3.0e3");
        same("GET", "f");
        for (String incr : new String[] {"0", "-0", "1", "1.5", ".5", "5.", "1e10", "1E-5", "-1.25e-3", "0x10",
                "0x1p3", "1e308", "1e4000", "-1e4000", "3.0000000000000000001", "123456789012345678901234567890",
                "inf", "-inf", "+inf", "infinity", "nan", "-nan", "", " 1", "1 ", "abc", "1e", "1.5.5", "++1",
                "1e-400", "0.0000000000000000001"}) {
            same("SET", "g", "1.1");
            same("INCRBYFLOAT", "g", incr);
            same("GET", "g");
        }
        for (String v : new String[] {"", "abc", "1e5", " 1", "1e4000", "0x1P-2", "1.", "-.5", "99999999999999999999",
                MAX, MIN, "3.0"}) {
            same("SET", "h", v);
            same("INCRBYFLOAT", "h", "1");
            same("INCRBYFLOAT", "h", "abc");
        }
        same("SET", "i", "1e4000");
        same("INCRBYFLOAT", "i", "1e4000");
        same("SET", "x", "5.0e3");
        same("INCRBYFLOAT", "x", "2.0e2");
        same("SET", "t", "1", "EX", "1000");
        same("INCRBYFLOAT", "t", "1.5");
        same("GET", "t");
        same("INCRBYFLOAT", "t");
    }

    @Test
    void lcs() {
        same("SET", "a", "ohmytext");
        same("SET", "b", "mynewtext");
        same("LCS", "a", "b");
        same("LCS", "a", "b", "LEN");
        same("LCS", "a", "b", "IDX");
        same("LCS", "a", "b", "IDX", "WITHMATCHLEN");
        same("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN");
        same("LCS", "a", "b", "IDX", "MINMATCHLEN", "-3");
        same("LCS", "a", "b", "MINMATCHLEN", "2");
        same("LCS", "a", "b", "LEN", "IDX");
        same("LCS", "a", "b", "MINMATCHLEN");
        same("LCS", "a", "b", "MINMATCHLEN", "x");
        same("LCS", "a", "b", "BOGUS");
        same("LCS", "a", "b", "len", "withmatchlen");
        same("LCS", "a", "missing");
        same("LCS", "missing", "missing2", "IDX");
        same("LCS", "missing", "a", "LEN");
        same("LCS", "a", "a", "IDX", "WITHMATCHLEN");
        String[][] pairs = {{"", "abc"}, {"abc", "abc"}, {"abcd", "dcba"}, {"aaaa", "aa"}, {"ab\u0000c", "\u0000c"},
                {"GTTCGATGCAT", "TTAGCAATCGG"}, {"the quick brown fox", "quick the fox brown"}, {"xyz", "abc"},
                {"abababab", "babababa"}, {"1234567890", "13579"}};
        for (String[] p : pairs) {
            same("MSET", "x", p[0], "y", p[1]);
            same("LCS", "x", "y");
            same("LCS", "y", "x");
            same("LCS", "x", "y", "IDX", "WITHMATCHLEN");
            same("LCS", "y", "x", "IDX", "MINMATCHLEN", "2");
            same("LCS", "x", "y", "LEN");
        }
        same("SET", "big1", "a".repeat(12000));
        same("SET", "big2", "b".repeat(12000));
        same("LCS", "big1", "big2", "LEN"); // the table would pass proto-max-bulk-len: refused
        same("LCS", "a");
    }

    @Test
    void binaryValuesRoundTrip() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        same(b("SET"), b("bin"), all);
        same(b("GET"), b("bin"));
        same(b("GETRANGE"), b("bin"), b("250"), b("-1"));
        same(b("APPEND"), b("bin"), new byte[] {0, (byte) 0xff, '\r', '\n'});
        same(b("STRLEN"), b("bin"));
        same(b("SETRANGE"), b("bin"), b("1"), new byte[] {(byte) 0x80, 0});
        same(b("GET"), b("bin"));
        same(b("MSET"), new byte[] {0, 1}, all, new byte[] {(byte) 0xff}, b("x"));
        same(b("MGET"), new byte[] {0, 1}, new byte[] {(byte) 0xff});
        same(b("INCRBYFLOAT"), b("bin"), b("1"));
        same(b("INCRBY"), b("bin"), b("1"));
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
