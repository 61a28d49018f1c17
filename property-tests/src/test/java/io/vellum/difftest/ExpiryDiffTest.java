package io.vellum.difftest;

import static io.vellum.difftest.KeysDiffTest.FAR_MS;
import static io.vellum.difftest.KeysDiffTest.FAR_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Expiry against a real Redis: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL,
 * PTTL, EXPIRETIME, PEXPIRETIME, PERSIST, and keys that really expire. Both servers run on the
 * wall clock, so exact comparisons use absolute far-future times (or times in the past, which
 * delete at once); relative ones are compared within a tolerance.
 */
class ExpiryDiffTest extends DifferentialTest {

    private static String far(long plusSeconds) {
        return Long.toString(FAR_SECONDS + plusSeconds);
    }

    private static String farMs(long plusMs) {
        return Long.toString(FAR_MS + plusMs);
    }

    @Test
    void absoluteExpiryAndItsQueries() {
        both("SET", "k", "v");
        same("EXPIREAT", "k", far(0));
        same("EXPIRETIME", "k");
        same("PEXPIRETIME", "k");
        same("PEXPIREAT", "k", farMs(499));
        same("EXPIRETIME", "k");
        same("PEXPIREAT", "k", farMs(500));
        same("EXPIRETIME", "k");
        same("PEXPIRETIME", "k");
        sameWithin(1, "TTL", "k");
        sameWithin(50, "PTTL", "k");
        same("PEXPIREAT", "k", "9223372036854775807");
        same("EXPIRETIME", "k");
        same("PEXPIRETIME", "k");
        same("EXPIREAT", "k", "9223372036854775");
        same("PEXPIRETIME", "k");
        for (String cmd : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
            same(cmd, "nope");
            same("SET", "p", "v");
            same(cmd, "p");
            same(cmd);
            same(cmd, "p", "x");
        }
    }

    @Test
    void relativeExpiry() {
        both("SET", "k", "v");
        same("EXPIRE", "k", "100");
        sameWithin(1, "TTL", "k");
        sameWithin(50, "PTTL", "k");
        same("PEXPIRE", "k", "1500");
        sameWithin(1, "TTL", "k");
        sameWithin(50, "PTTL", "k");
        same("EXPIRE", "nope", "100");
        same("PEXPIRE", "nope", "100");
    }

    @Test
    void timesInThePastDeleteTheKey() {
        for (String[] cmd : new String[][] {{"EXPIRE", "k", "0"}, {"EXPIRE", "k", "-10"}, {"PEXPIRE", "k", "-1"},
                {"PEXPIRE", "k", "0"}, {"EXPIREAT", "k", "1"}, {"PEXPIREAT", "k", "1"}, {"EXPIREAT", "k", "-5"},
                {"PEXPIRE", "k", "-9223372036854775808"}, {"EXPIRE", "k", "-9223372036854775"}}) {
            both("SET", "k", "v");
            same(cmd);
            same("EXISTS", "k");
            same("DBSIZE");
        }
    }

    @Test
    void invalidTimesAndOptions() {
        both("SET", "k", "v");
        same("EXPIRE", "k", "9223372036854775807");
        same("EXPIRE", "k", "-9223372036854775808");
        same("EXPIRE", "k", "9223372036854775");
        same("EXPIRE", "k", "9223372036854776");
        same("EXPIREAT", "k", "9223372036854776");
        same("PEXPIRE", "k", "9223372036854775807");
        same("PEXPIREAT", "k", "9223372036854775808");
        same("EXPIRE", "k", "1.5");
        same("EXPIRE", "k", "");
        same("EXPIRE", "k", " 1");
        same("EXPIRE", "nope", "9223372036854775807");
        same("EXPIRE", "k", "x", "bogus");
        same("EXPIRE", "k", "10", "bogus", "nx");
        same("EXPIRE", "k", "x", "NX", "XX");
        same("EXPIRE", "k", "10", "nx", "gt");
        same("EXPIRE", "k", "10", "NX", "LT");
        same("EXPIRE", "k", "10", "GT", "LT");
        same("EXPIRE", "k", "10", "XX", "GT", "LT");
        same("EXPIRE", "k", "10", "NX", "NX");
        same("PEXPIRE", "k", "10", "a\nb");
        same("EXPIRE", "k");
        same("TTL", "k");
    }

    @Test
    void nxXxGtLtAgainstTheCurrentExpiry() {
        both("SET", "k", "v");
        same("PEXPIREAT", "k", farMs(0), "XX");
        same("PEXPIREAT", "k", farMs(0), "GT");
        same("PEXPIREAT", "k", farMs(0), "LT");
        same("PEXPIRETIME", "k");
        same("PEXPIREAT", "k", farMs(1000), "NX");
        same("PEXPIREAT", "k", farMs(1000), "XX");
        same("PEXPIREAT", "k", farMs(1000), "GT");
        same("PEXPIREAT", "k", farMs(1000), "LT");
        same("PEXPIREAT", "k", farMs(2000), "gt");
        same("PEXPIREAT", "k", farMs(2000), "LT");
        same("EXPIREAT", "k", far(5), "XX", "GT");
        same("EXPIREAT", "k", far(4), "XX", "LT");
        same("PEXPIRETIME", "k");
        same("EXPIRE", "k", "-1", "GT");
        same("EXISTS", "k");
        same("EXPIRE", "k", "-1", "XX", "LT");
        same("EXISTS", "k");
        both("SET", "k", "v");
        same("EXPIRE", "k", "-1", "LT");
        same("EXISTS", "k");
        for (String f : new String[] {"NX", "XX", "GT", "LT"}) {
            same("EXPIRE", "nope", "10", f);
        }
    }

    @Test
    void persist() {
        both("SET", "k", "v", "PXAT", farMs(0));
        same("PERSIST", "k");
        same("PERSIST", "k");
        same("PERSIST", "nope");
        same("TTL", "k");
        same("PERSIST");
        both("SET", "p", "v");
        same("PERSIST", "p");
    }

    @Test
    void expiryIsKeptOrDroppedByWrites() {
        both("SET", "k", "v", "PXAT", farMs(0));
        same("SET", "k", "w", "KEEPTTL");
        same("PEXPIRETIME", "k");
        same("SET", "k", "w");
        same("PEXPIRETIME", "k");
        both("SET", "k", "v", "PXAT", farMs(3));
        same("COPY", "k", "c");
        same("PEXPIRETIME", "c");
        same("RENAME", "c", "d");
        same("PEXPIRETIME", "d");
        same("MOVE", "d", "1");
        same("SELECT", "1");
        same("PEXPIRETIME", "d");
    }

    /** Keys that really pass their time: every read answers as for a missing key. */
    @Test
    void expiredKeysAreGoneForEveryRead() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            both("SET", "gone" + i, "v", "PX", "50");
        }
        both("SET", "live", "v");
        both("SET", "gone-src", "v", "PX", "50");
        Thread.sleep(150);
        same("GET", "gone0");
        same("EXISTS", "gone1", "gone2", "live");
        same("TYPE", "gone3");
        same("TTL", "gone4");
        same("PTTL", "gone5");
        same("EXPIRETIME", "gone6");
        same("PEXPIRETIME", "gone7");
        same("OBJECT", "ENCODING", "gone8");
        same("DUMP", "gone9");
        same("TOUCH", "gone10", "live");
        sameUnordered("KEYS", "*");
        sameUnordered("SCAN", "0", "COUNT", "1000");
        same("RANDOMKEY");
        same("RENAME", "gone-src", "x");
        same("COPY", "gone11", "x");
        same("MOVE", "gone12", "1");
        same("PERSIST", "gone13");
        same("EXPIRE", "gone14", "100");
        same("RENAMENX", "live", "gone15");
        same("GET", "gone15");
        // Redis deletes expired keys as reads touch them, Vellum only as writes touch them
        // (KnownDifferences LAZY_EXPIRY); active expiry reclaims the rest on both.
        awaitBoth("DBSIZE", ":1");
        same("DBSIZE");
    }

    @Test
    void activeExpiryReclaimsUntouchedKeys() throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            both("SET", "t" + i, "v", "PX", Integer.toString(20 + i));
        }
        for (int i = 0; i < 10; i++) {
            both("SET", "p" + i, "v");
        }
        awaitBoth("DBSIZE", ":10");
        sameUnordered("KEYS", "*");
        same("DBSIZE");
    }

    // ------------------------------------------------------------------ helpers

    void sameWithin(long tolerance, String... cmd) {
        KeysDiffTest.sameWithin(redis, vellum, tolerance, cmd);
    }

    /** Polls both until each answers {@code expected} (node text), for up to 5 seconds. */
    void awaitBoth(String cmd, String expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        String r;
        String v;
        do {
            r = redis.call(cmd).node().toString();
            v = vellum.call(cmd).node().toString();
            if (r.equals(expected) && v.equals(expected)) {
                return;
            }
            Thread.sleep(20);
        } while (System.currentTimeMillis() < deadline);
        assertEquals(Set.of(expected), Set.of(r, v), cmd + ": redis " + r + " vellum " + v);
    }
}
