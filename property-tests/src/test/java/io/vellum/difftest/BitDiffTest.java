package io.vellum.difftest;

import org.junit.jupiter.api.Test;

/**
 * The bit commands of bitops.c against a real Redis: SETBIT, GETBIT, BITCOUNT and BITPOS over
 * every small range in bytes and bits, BITOP with sources of different lengths, and BITFIELD's
 * types, offsets, overflow modes and errors. WRONGTYPE cases are in store-core's unit tests
 * until a second data type lands.
 */
class BitDiffTest extends DifferentialTest {

    private static final String[] RANGE = {"0", "1", "2", "3", "7", "8", "9", "15", "16", "23", "24", "100",
            "-1", "-2", "-3", "-8", "-9", "-16", "-17", "-24", "-25", "-100",
            "9223372036854775807", "-9223372036854775808"};

    @Test
    void setbitAndGetbit() {
        same("SETBIT", "b", "7", "1");
        same("SETBIT", "b", "7", "1");
        same("SETBIT", "b", "7", "0");
        same("SETBIT", "b", "0", "1");
        same("SETBIT", "b", "100", "1");
        same("GET", "b");
        same("STRLEN", "b");
        for (String off : new String[] {"0", "1", "6", "7", "8", "99", "100", "101", "1000", "4294967295"}) {
            same("GETBIT", "b", off);
            same("GETBIT", "missing", off);
        }
        same("SETBIT", "b", "1", "2");
        same("SETBIT", "b", "1", "-1");
        same("SETBIT", "b", "1", "x");
        same("SETBIT", "b", "1", "");
        same("SETBIT", "b", "-1", "1");
        same("SETBIT", "b", "x", "1");
        same("SETBIT", "b", "4294967296", "1"); // byte 512MB: past proto-max-bulk-len
        same("SETBIT", "b", "9223372036854775807", "1");
        same("SETBIT", "b", "9223372036854775808", "1");
        same("SETBIT", "b", "#1", "1");
        same("GETBIT", "b", "-1");
        same("GETBIT", "b", "4294967296");
        same("GETBIT", "b", "4294967295");
        same("GETBIT", "b", "1.5");
        same("SET", "n", "1");
        same("GETBIT", "n", "2");
        same("GETBIT", "n", "3");
        same("SETBIT", "n", "6", "1");
        same("GET", "n");
        same("SETBIT", "n", "7", "1");
        same("INCR", "n");
        same("SETBIT", "e", "0", "0");
        same("GET", "e");
        same("SETBIT", "b", "1");
    }

    @Test
    void bitcountOverRanges() {
        same("SET", "s", "foobar\u0000\u007f");
        same("SET", "empty", "");
        same("SET", "num", "-1234567");
        for (String key : new String[] {"s", "empty", "num"}) {
            same("BITCOUNT", key);
            for (String a : RANGE) {
                for (String b : RANGE) {
                    same("BITCOUNT", key, a, b);
                    same("BITCOUNT", key, a, b, "BIT");
                }
            }
        }
        same("BITCOUNT", "s", "0", "-1", "BYTE");
        same("BITCOUNT", "s", "0", "-1", "bit");
        same("BITCOUNT", "s", "0", "-1", "BOGUS");
        same("BITCOUNT", "s", "-1", "-5", "BOGUS"); // Redis answers the empty range before the unit
        same("BITCOUNT", "s", "0");
        same("BITCOUNT", "s", "0", "1", "BIT", "x");
        same("BITCOUNT", "s", "a", "1");
        same("BITCOUNT", "s", "0", "b");
        same("BITCOUNT", "missing", "0");
        same("BITCOUNT", "missing", "a", "b", "c");
        same("BITCOUNT", "missing", "0", "1", "BOGUS");
    }

    @Test
    void bitposOverRanges() {
        same("SET", "z", "\u0000\u0000\u0000");
        same("SET", "e", "");
        same("SETBIT", "o", "23", "1");
        same("BITOP", "NOT", "f", "z");
        same("SET", "m", "\u00f0\u000f\u0001\u0080");
        for (String key : new String[] {"z", "e", "o", "f", "m"}) {
            for (String bit : new String[] {"0", "1"}) {
                same("BITPOS", key, bit);
                for (String a : RANGE) {
                    same("BITPOS", key, bit, a);
                    for (String b : RANGE) {
                        same("BITPOS", key, bit, a, b);
                        same("BITPOS", key, bit, a, b, "BIT");
                        same("BITPOS", key, bit, a, b, "BYTE");
                    }
                }
            }
        }
        same("BITPOS", "m", "2");
        same("BITPOS", "m", "-1");
        same("BITPOS", "m", "x");
        same("BITPOS", "m", "1", "x");
        same("BITPOS", "m", "1", "0", "x");
        same("BITPOS", "m", "1", "0", "1", "BOGUS");
        same("BITPOS", "m", "1", "x", "1", "BOGUS");
        same("BITPOS", "m", "1", "0", "x", "BOGUS");
        same("BITPOS", "m", "1", "0", "1", "BIT", "x");
        same("BITPOS", "missing", "0");
        same("BITPOS", "missing", "1");
        same("BITPOS", "missing", "1", "x", "y", "z");
        same("BITPOS", "missing", "2");
    }

    @Test
    void bitop() {
        same("SET", "a", "abc");
        same("SET", "b", "\u0000\u00ffxyz12345");
        same("SET", "c", "");
        for (String op : new String[] {"AND", "OR", "XOR", "and", "Or"}) {
            same("BITOP", op, "d", "a", "b");
            same("GET", "d");
            same("BITOP", op, "d", "a", "b", "missing", "c");
            same("GET", "d");
            same("BITOP", op, "d", "a");
            same("GET", "d");
            same("BITOP", op, "d", "b", "b", "a", "b");
            same("GET", "d");
        }
        same("BITOP", "NOT", "d", "b");
        same("GET", "d");
        same("BITOP", "NOT", "d", "a", "b");
        same("BITOP", "NOT", "d");
        same("BITOP", "NAND", "d", "a");
        same("BITOP", "AND", "d");
        same("SET", "d", "x", "EX", "1000");
        same("BITOP", "OR", "d", "missing", "c"); // empty result deletes the destination
        same("EXISTS", "d");
        same("BITOP", "XOR", "a", "a", "b"); // the destination may be a source
        same("GET", "a");
        same("BITOP", "AND", "a", "a", "missing");
        same("GET", "a");
        same("SET", "long", "x".repeat(100));
        same("SET", "long2", "y".repeat(67));
        same("BITOP", "AND", "d", "long", "long2");
        same("GET", "d");
        same("BITOP", "XOR", "d", "long", "long2", "b");
        same("GET", "d");
        same("DBSIZE");
    }

    @Test
    void bitfieldGetSetIncrby() {
        same("BITFIELD", "f", "SET", "u8", "0", "255");
        same("BITFIELD", "f", "GET", "u8", "0", "GET", "i8", "0", "GET", "u4", "4", "GET", "i4", "4");
        same("BITFIELD", "f", "SET", "i5", "3", "-7", "GET", "i5", "3", "GET", "u5", "3");
        same("BITFIELD", "f", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "1");
        same("BITFIELD", "f", "GET", "i64", "0", "GET", "u63", "1", "GET", "i64", "#1", "GET", "u8", "#3");
        same("BITFIELD", "f", "SET", "i64", "#2", "-9223372036854775808", "GET", "i64", "#2");
        same("BITFIELD", "f", "INCRBY", "i64", "#2", "-1");
        same("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i64", "#2", "-1");
        same("BITFIELD", "f", "SET", "u63", "#5", "9223372036854775807", "INCRBY", "u63", "#5", "1");
        same("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u63", "#5", "5", "INCRBY", "u63", "#5", "-9223372036854775808");
        same("GET", "f");
        same("STRLEN", "f");
        same("BITFIELD", "missing", "GET", "u8", "0", "GET", "i16", "100");
        same("EXISTS", "missing");
        same("BITFIELD", "f");
        same("BITFIELD", "new");
        same("EXISTS", "new");
        same("SET", "s", "hello");
        same("BITFIELD", "s", "GET", "u8", "0", "GET", "i8", "8", "GET", "u16", "20", "GET", "u8", "36", "GET", "i32", "39");
        same("SET", "n", "42");
        same("BITFIELD", "n", "GET", "u8", "0", "SET", "u8", "0", "49");
        same("GET", "n");
    }

    @Test
    void bitfieldOverflowModes() {
        String[] types = {"u1", "u2", "u7", "u8", "u31", "u63", "i1", "i2", "i7", "i8", "i32", "i63", "i64"};
        String[] values = {"0", "1", "-1", "2", "-2", "127", "128", "-128", "-129", "255", "256", "2147483647",
                "-2147483648", "4294967296", "9223372036854775807", "-9223372036854775808"};
        for (String mode : new String[] {"WRAP", "SAT", "FAIL"}) {
            for (String t : types) {
                for (String v : values) {
                    same("BITFIELD", "o", "OVERFLOW", mode, "SET", t, "3", v, "GET", t, "3");
                    same("BITFIELD", "o", "OVERFLOW", mode, "INCRBY", t, "3", v, "GET", t, "3");
                    same("BITFIELD", "o", "OVERFLOW", mode, "INCRBY", t, "3", v, "INCRBY", t, "3", v);
                }
            }
        }
        same("GET", "o");
        same("BITFIELD", "fail", "OVERFLOW", "FAIL", "SET", "u2", "100", "7");
        same("GET", "fail"); // the key is created even though the write failed
        same("BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "200", "OVERFLOW", "SAT", "INCRBY", "u8", "0",
                "200", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "200", "OVERFLOW", "wrap", "INCRBY", "u8", "0", "200");
    }

    @Test
    void bitfieldErrors() {
        same("BITFIELD", "f", "GET", "u64", "0");
        same("BITFIELD", "f", "GET", "i65", "0");
        same("BITFIELD", "f", "GET", "i0", "0");
        same("BITFIELD", "f", "GET", "U8", "0");
        same("BITFIELD", "f", "GET", "I8", "0");
        same("BITFIELD", "f", "GET", "x8", "0");
        same("BITFIELD", "f", "GET", "u", "0");
        same("BITFIELD", "f", "GET", "", "0");
        same("BITFIELD", "f", "GET", "u08", "0");
        same("BITFIELD", "f", "GET", "u+8", "0");
        same("BITFIELD", "f", "GET", "u8", "-1");
        same("BITFIELD", "f", "GET", "u8", "#-1");
        same("BITFIELD", "f", "GET", "u8", "#");
        same("BITFIELD", "f", "GET", "u8", "x");
        same("BITFIELD", "f", "GET", "u8", "4294967296");
        same("BITFIELD", "f", "GET", "u8", "4294967295");
        same("BITFIELD", "f", "GET", "u8", "#536870912");
        same("BITFIELD", "f", "GET", "u8", "#536870911");
        same("BITFIELD", "f", "GET", "i64", "#2305843009213693953"); // the multiplication wraps to 64
        same("BITFIELD", "f", "SET", "u8", "4294967296", "1");
        same("BITFIELD", "f", "SET", "u8", "0", "x");
        same("BITFIELD", "f", "SET", "u8", "0");
        same("BITFIELD", "f", "INCRBY", "u8", "0");
        same("BITFIELD", "f", "GET", "u8");
        same("BITFIELD", "f", "OVERFLOW");
        same("BITFIELD", "f", "OVERFLOW", "BOGUS", "GET", "u8", "0");
        same("BITFIELD", "f", "BOGUS");
        same("BITFIELD", "f", "GET", "u8", "0", "BOGUS");
        same("BITFIELD", "f", "SET", "u8", "0", "1", "GET", "u64", "0");
        same("EXISTS", "f"); // nothing ran
        same("BITFIELD");
    }

    @Test
    void bitfieldRo() {
        same("SET", "r", "\u0001\u0002\u0003");
        same("BITFIELD_RO", "r", "GET", "u8", "0", "GET", "i16", "#1", "GET", "u4", "20");
        same("BITFIELD_RO", "r");
        same("BITFIELD_RO", "missing", "GET", "u8", "0");
        same("BITFIELD_RO", "r", "SET", "u8", "0", "1");
        same("BITFIELD_RO", "r", "INCRBY", "u8", "0", "1");
        same("BITFIELD_RO", "r", "OVERFLOW", "SAT", "GET", "u8", "0");
        same("BITFIELD_RO", "r", "GET", "u64", "0", "SET", "u8", "0", "1");
        same("BITFIELD_RO", "r", "GET", "u8");
        same("GET", "r");
    }
}
