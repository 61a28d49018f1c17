package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Generic key commands against a real Redis: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME(NX),
 * COPY, MOVE, SWAPDB, KEYS, SCAN, RANDOMKEY, OBJECT, DUMP/RESTORE. KEYS and SCAN are compared
 * as sets (KnownDifferences ORDER), RANDOMKEY by shape and membership (RANDOM), DUMP by what
 * each side's own payload restores to (DUMP_FORMAT).
 */
class KeysDiffTest extends DifferentialTest {
    /** 2100-01-01T00:00:00Z: an expiry that cannot race with the test's clock. */
    static final long FAR_SECONDS = 4_102_444_800L;
    static final long FAR_MS = FAR_SECONDS * 1000;

    @Test
    void delUnlinkExists() {
        both("SET", "a", "1");
        both("SET", "b", "2");
        both("SET", "c", "3");
        same("EXISTS", "a", "b", "a", "nope");
        same("DEL", "a", "nope", "a");
        same("UNLINK", "b", "c", "b");
        same("EXISTS", "a", "b", "c");
        same("DEL");
        same("UNLINK");
        same("EXISTS");
        same("DBSIZE");
    }

    @Test
    void typeAndTouch() {
        both("SET", "s", "x");
        same("TYPE", "s");
        same("TYPE", "nope");
        same("TYPE");
        same("TOUCH", "s", "nope", "s");
        same("TOUCH");
    }

    @Test
    void renameAndRenamenx() {
        both("SET", "a", "1");
        both("PEXPIREAT", "a", Long.toString(FAR_MS + 123));
        both("SET", "b", "2");
        same("RENAME", "a", "b");
        same("GET", "b");
        same("PEXPIRETIME", "b");
        same("EXISTS", "a");
        same("RENAME", "a", "x");
        same("RENAME", "a", "a");
        same("RENAME", "b", "b");
        same("PEXPIRETIME", "b");
        same("RENAMENX", "b", "b");
        both("SET", "c", "3");
        same("RENAMENX", "b", "c");
        same("RENAMENX", "b", "d");
        same("GET", "d");
        same("PEXPIRETIME", "d");
        same("RENAMENX", "nope", "x");
        both("SET", "p", "no ttl");
        both("SET", "q", "ttl", "PXAT", Long.toString(FAR_MS));
        same("RENAME", "p", "q");
        same("TTL", "q");
        same("RENAME", "a");
        same("RENAME", "a", "b", "c");
        byte[] bin = {0, 1, (byte) 0xff, '\r', '\n'};
        same(bytes("SET"), bin, bytes("v"));
        same(bytes("RENAME"), bin, bytes("plain"));
        same(bytes("RENAME"), bytes("plain"), bin);
        same(bytes("GET"), bin);
        sameUnordered("KEYS", "*");
    }

    @Test
    void copyWithinAndAcrossDatabases() {
        both("SET", "a", "hello");
        both("PEXPIREAT", "a", Long.toString(FAR_MS));
        same("COPY", "a", "b");
        same("GET", "b");
        same("PEXPIRETIME", "b");
        same("COPY", "a", "b");
        both("SET", "a", "other");
        same("COPY", "a", "b", "REPLACE");
        same("GET", "b");
        same("TTL", "b");
        same("COPY", "a", "a", "DB", "3");
        same("COPY", "a", "a", "db", "3", "replace");
        same("COPY", "a", "a");
        same("COPY", "a", "a", "DB", "0");
        same("COPY", "nope", "x");
        same("COPY", "nope", "nope");
        same("COPY", "a", "x", "DB", "16");
        same("COPY", "a", "x", "DB", "-1");
        same("COPY", "a", "x", "DB", "x");
        same("COPY", "a", "x", "DB", "4294967296");
        same("COPY", "a", "x", "DB");
        same("COPY", "a", "x", "REPLACE", "bogus");
        same("COPY", "a", "x", "DB", "x", "bogus");
        same("COPY", "a");
        both("SET", "n", "123");
        same("COPY", "n", "n2");
        same("OBJECT", "ENCODING", "n2");
        same("SELECT", "3");
        same("GET", "a");
        same("DBSIZE");
    }

    @Test
    void moveBetweenDatabases() {
        both("SET", "k", "v");
        both("PEXPIREAT", "k", Long.toString(FAR_MS + 7));
        same("MOVE", "k", "0");
        same("MOVE", "k", "16");
        same("MOVE", "k", "-1");
        same("MOVE", "k", "1.5");
        same("MOVE", "k", "99999999999");
        same("MOVE", "nope", "0");
        same("MOVE", "nope", "2");
        same("MOVE", "k", "2");
        same("EXISTS", "k");
        same("MOVE", "k", "2");
        same("SELECT", "2");
        same("GET", "k");
        same("PEXPIRETIME", "k");
        same("SELECT", "0");
        both("SET", "k", "w");
        same("MOVE", "k", "2");
        same("GET", "k");
        same("MOVE", "k");
    }

    @Test
    void swapdb() {
        both("SET", "x", "in0");
        both("SELECT", "1");
        both("SET", "y", "in1");
        both("PEXPIREAT", "y", Long.toString(FAR_MS));
        both("SELECT", "0");
        same("SWAPDB", "0", "1");
        same("GET", "y");
        same("PEXPIRETIME", "y");
        same("GET", "x");
        same("DBSIZE");
        same("SWAPDB", "1", "1");
        same("SWAPDB", "x", "1");
        same("SWAPDB", "0", "x");
        same("SWAPDB", "x", "y");
        same("SWAPDB", "4294967296", "1");
        same("SWAPDB", "0", "16");
        same("SWAPDB", "-1", "0");
        same("SWAPDB", "0");
        same("SWAPDB", "15", "0");
        same("DBSIZE");
        same("SELECT", "15");
        same("GET", "y");
    }

    @Test
    void keysWithGlobs() {
        for (String k : new String[] {"hello", "hallo", "hxllo", "hllo", "heeeello", "world", "h*", "h?", "a[b", "key:1", "key:22", ""}) {
            both("SET", k, "v");
        }
        for (String p : new String[] {"*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h\\*", "h\\?", "a[b", "a\\[b",
                "key:*", "key:?", "key:[0-9][0-9]", "", "nothing", "*o", "[", "\\", "*[", "**"}) {
            sameUnordered("KEYS", p);
        }
        byte[] bin = {'b', 0, (byte) 0xff};
        same(bytes("SET"), bin, bytes("v"));
        same(bytes("KEYS"), new byte[] {'b', 0, '*'});
        same("KEYS");
        same("KEYS", "a", "b");
    }

    @Test
    void scanIteratesEveryKey() {
        for (int i = 0; i < 300; i++) {
            both("SET", "key:" + i, Integer.toString(i));
        }
        both("SET", "other", "x");
        for (String[] opts : new String[][] {{}, {"COUNT", "1"}, {"COUNT", "7"}, {"COUNT", "1000"}, {"MATCH", "key:1*"},
                {"MATCH", "key:1*", "COUNT", "3"}, {"TYPE", "string"}, {"TYPE", "STRING", "COUNT", "50"}, {"TYPE", "list"},
                {"TYPE", "nosuchtype"}, {"MATCH", "oth*", "TYPE", "string"}, {"MATCH", "*"}}) {
            Set<String> r = scanAll(redis, opts);
            Set<String> v = scanAll(vellum, opts);
            assertEquals(r, v, "SCAN " + String.join(" ", opts));
        }
        sameUnordered("SCAN", "0", "COUNT", "1000");
        sameUnordered("SCAN", "0", "COUNT", "1000", "MATCH", "key:2?");
    }

    @Test
    void scanArgumentErrors() {
        both("SET", "a", "1");
        same("SCAN", "x");
        same("SCAN", "-");
        same("SCAN", " 1");
        same("SCAN", "18446744073709551616");
        same("SCAN", "0", "COUNT", "0");
        same("SCAN", "0", "COUNT", "-1");
        same("SCAN", "0", "COUNT", "x");
        same("SCAN", "0", "MATCH");
        same("SCAN", "0", "TYPE");
        same("SCAN", "0", "BOGUS", "x");
        same("SCAN");
        same("SCAN", "0", "MATCH", "nothing*", "COUNT", "1000");
        same("SCAN", "0", "TYPE", "hash", "COUNT", "1000");
    }

    @Test
    void randomkey() {
        same("RANDOMKEY");
        both("SET", "only", "v");
        same("RANDOMKEY");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            both("SET", "k" + i, "v");
            keys.add("k" + i);
        }
        keys.add("only");
        for (int i = 0; i < 30; i++) {
            sameShape("RANDOMKEY");
            String pick = vellum.call("RANDOMKEY").node().scalarText();
            assertTrue(keys.contains(pick), pick);
        }
        same("RANDOMKEY", "x");
    }

    @Test
    void objectSubcommands() {
        both("SET", "i", "123");
        both("SET", "zero", "0");
        both("SET", "big", "12345");
        both("SET", "neg", "-5");
        both("SET", "huge", "12345678901234567890");
        both("SET", "max", "9223372036854775807");
        both("SET", "e", "hello");
        both("SET", "empty", "");
        both("SET", "e44", "x".repeat(44));
        both("SET", "r45", "x".repeat(45));
        for (String k : new String[] {"i", "zero", "big", "neg", "huge", "max", "e", "empty", "e44", "r45", "nope"}) {
            same("OBJECT", "ENCODING", k);
            same("OBJECT", "REFCOUNT", k);
            same("OBJECT", "FREQ", k);
        }
        sameWithin(1, "OBJECT", "IDLETIME", "e"); // a second may tick between SET and OBJECT
        same("OBJECT", "IDLETIME", "nope");
        same("OBJECT", "HELP");
        same("object", "help");
        same("OBJECT", "HELP", "x");
        same("OBJECT", "bogus", "e");
        same("OBJECT", "ENCODING");
        same("OBJECT", "ENCODING", "e", "x");
        same("OBJECT");
    }

    @Test
    void dumpRestoreRoundTrips() {
        byte[] bin = new byte[256];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) i;
        }
        same(bytes("SET"), bytes("bin"), bin);
        both("SET", "n", "12345");
        both("SET", "small", "7");
        both("SET", "long", "y".repeat(100));
        same("DUMP", "nope");
        for (String k : new String[] {"bin", "n", "small", "long"}) {
            restoreOwn(k, k + ":copy");
            same("GET", k + ":copy");
            same("OBJECT", "ENCODING", k + ":copy");
            same("OBJECT", "REFCOUNT", k + ":copy");
            same("TTL", k + ":copy");
            sameShape("DUMP", k + ":copy");
        }
        // BUSYKEY, then REPLACE
        restoreOwn("n", "small");
        same("GET", "small");
        restoreOwn("n", "small", "REPLACE");
        same("GET", "small");
        // absolute TTLs in the future and in the past
        restoreOwn("n", "abs", Long.toString(FAR_MS + 5), "ABSTTL");
        same("PEXPIRETIME", "abs");
        restoreOwn("n", "past", "1", "ABSTTL");
        same("EXISTS", "past");
        restoreOwn("n", "abs", "1", "ABSTTL", "REPLACE");
        same("EXISTS", "abs");
        // relative TTL: compare the time left within a tolerance
        restoreOwn("n", "rel", "100000");
        sameWithin(2000, "PTTL", "rel");
        restoreOwn("n", "idle", "0", "IDLETIME", "1000");
        sameWithin(1, "OBJECT", "IDLETIME", "idle");
        restoreOwn("n", "freq", "0", "FREQ", "5");
        same("GET", "freq");
    }

    @Test
    void restoreErrors() {
        both("SET", "a", "1");
        same("RESTORE", "x", "0", "junk");
        same("RESTORE", "x", "0", "");
        same("RESTORE", "x", "0", "0123456789");
        same("RESTORE", "a", "0", "junk");
        same("RESTORE", "x", "-1", "junk");
        same("RESTORE", "x", "abc", "junk");
        same("RESTORE", "a", "abc", "junk");
        same("RESTORE", "a", "abc", "junk", "bogus");
        same("RESTORE", "x", "0", "junk", "bogus");
        same("RESTORE", "x", "0", "junk", "IDLETIME");
        same("RESTORE", "x", "0", "junk", "IDLETIME", "-1");
        same("RESTORE", "x", "0", "junk", "IDLETIME", "x");
        same("RESTORE", "x", "0", "junk", "FREQ", "256");
        same("RESTORE", "x", "0", "junk", "FREQ", "-1");
        same("RESTORE", "x", "0", "junk", "IDLETIME", "1", "FREQ", "1");
        same("RESTORE", "x", "0", "junk", "FREQ", "1", "IDLETIME", "1");
        same("RESTORE", "x", "0", "junk", "REPLACE", "ABSTTL", "IDLETIME", "5");
        same("RESTORE", "x", "0");
        same("EXISTS", "x");
    }

    @Test
    void corruptOrForeignPayloadsAreRefused() {
        both("SET", "a", "some value");
        byte[] rp = redis.call("DUMP", "a").node().scalar();
        byte[] vp = vellum.call("DUMP", "a").node().scalar();
        for (int i = 0; i < vp.length; i++) {
            byte[] bad = vp.clone();
            bad[i] ^= 0x20;
            RespReader.Raw v = vellum.call(bytes("RESTORE"), bytes("x"), bytes("0"), bad);
            byte[] rbad = rp.clone();
            rbad[i % rbad.length] ^= 0x20;
            RespReader.Raw r = redis.call(bytes("RESTORE"), bytes("x"), bytes("0"), rbad);
            assertArrayEquals(r.bytes(), v.bytes(), "corrupt byte " + i + ": redis " + r.text() + " vellum " + v.text());
        }
        byte[] truncated = Arrays.copyOf(vp, vp.length - 1);
        assertArrayEquals(redis.call(bytes("RESTORE"), bytes("x"), bytes("0"), Arrays.copyOf(rp, rp.length - 1)).bytes(),
                vellum.call(bytes("RESTORE"), bytes("x"), bytes("0"), truncated).bytes());
        // each refuses the other's format (KnownDifferences DUMP_FORMAT)
        assertArrayEquals(redis.call(bytes("RESTORE"), bytes("x"), bytes("0"), vp).bytes(),
                vellum.call(bytes("RESTORE"), bytes("x"), bytes("0"), rp).bytes());
        same("EXISTS", "x");
        assertFalse(Arrays.equals(rp, vp), "the formats differ");
    }

    // ------------------------------------------------------------------ helpers

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every key a full SCAN iteration returns (a set: Redis may return a key twice). */
    static Set<String> scanAll(RawClient c, String... opts) {
        Set<String> keys = new TreeSet<>();
        String cursor = "0";
        int steps = 0;
        do {
            String[] cmd = new String[2 + opts.length];
            cmd[0] = "SCAN";
            cmd[1] = cursor;
            System.arraycopy(opts, 0, cmd, 2, opts.length);
            RespReader.Node n = c.call(cmd).node();
            cursor = n.children().get(0).scalarText();
            for (RespReader.Node k : n.children().get(1).children()) {
                keys.add(k.scalarText());
            }
            assertTrue(++steps < 100_000, "SCAN does not end");
        } while (!cursor.equals("0"));
        return keys;
    }

    /** DUMPs {@code from} on each side and RESTOREs that side's own payload; the replies must match. */
    void restoreOwn(String from, String to, String... ttlAndOptions) {
        byte[] rp = redis.call("DUMP", from).node().scalar();
        byte[] vp = vellum.call("DUMP", from).node().scalar();
        String ttl = ttlAndOptions.length == 0 ? "0" : ttlAndOptions[0];
        List<byte[]> tail = new ArrayList<>();
        for (int i = 1; i < ttlAndOptions.length; i++) {
            tail.add(bytes(ttlAndOptions[i]));
        }
        RespReader.Raw r = redis.call(restoreArgv(to, ttl, rp, tail));
        RespReader.Raw v = vellum.call(restoreArgv(to, ttl, vp, tail));
        assertArrayEquals(r.bytes(), v.bytes(), "RESTORE " + to + ": redis " + r.text() + " vellum " + v.text());
    }

    private static byte[][] restoreArgv(String key, String ttl, byte[] payload, List<byte[]> tail) {
        List<byte[]> argv = new ArrayList<>(List.of(bytes("RESTORE"), bytes(key), bytes(ttl), payload));
        argv.addAll(tail);
        return argv.toArray(new byte[0][]);
    }

    void sameWithin(long tolerance, String... cmd) {
        sameWithin(redis, vellum, tolerance, cmd);
    }

    /** Both answer an integer, at most {@code tolerance} apart (times that race with the clock). */
    static void sameWithin(RawClient redis, RawClient vellum, long tolerance, String... cmd) {
        RespReader.Node r = redis.call(cmd).node();
        RespReader.Node v = vellum.call(cmd).node();
        assertEquals(':', r.type(), String.join(" ", cmd) + " redis " + r);
        assertEquals(':', v.type(), String.join(" ", cmd) + " vellum " + v);
        long a = Long.parseLong(r.scalarText());
        long b = Long.parseLong(v.scalarText());
        assertTrue(Math.abs(a - b) <= tolerance, String.join(" ", cmd) + ": redis " + a + " vellum " + b);
    }
}
