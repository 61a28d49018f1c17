package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import org.junit.jupiter.api.Test;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX/XX/GT/LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
class KeyExpireTest {

    private static long nowMs(TestStore st) {
        return st.micros.get() / 1000;
    }

    @Test
    void relativeAndAbsoluteExpiryAgree() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            long now = nowMs(st);
            c.call("SET", "k", "v");
            assertEquals(integer(1), c.call("EXPIRE", "k", "100"));
            assertEquals(integer(100), c.call("TTL", "k"));
            assertEquals(integer(100_000), c.call("PTTL", "k"));
            assertEquals(integer(now + 100_000), c.call("PEXPIRETIME", "k"));
            assertEquals(integer((now + 100_000 + 500) / 1000), c.call("EXPIRETIME", "k"));
            assertEquals(integer(1), c.call("PEXPIRE", "k", "1500"));
            assertEquals(integer(2), c.call("TTL", "k"), "TTL rounds half up");
            assertEquals(integer(1), c.call("EXPIREAT", "k", Long.toString(now / 1000 + 50)));
            assertEquals(integer(now / 1000 * 1000 + 50_000), c.call("PEXPIRETIME", "k"));
            assertEquals(integer(1), c.call("PEXPIREAT", "k", Long.toString(now + 1234)));
            assertEquals(integer(1234), c.call("PTTL", "k"));
            st.advanceMillis(1000);
            assertEquals(integer(234), c.call("PTTL", "k"));
            assertEquals(integer(0), c.call("TTL", "k"));
            st.advanceMillis(234);
            assertEquals(integer(0), c.call("PTTL", "k"), "at the expiry time the key still exists");
            st.advanceMillis(1);
            assertEquals(integer(-2), c.call("PTTL", "k"));
            assertEquals(NULL, c.call("GET", "k"));
        }
    }

    @Test
    void ttlOfMissingAndPersistentKeys() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (String cmd : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
                assertEquals(integer(-2), c.call(cmd, "nope"));
            }
            c.call("SET", "k", "v");
            for (String cmd : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
                assertEquals(integer(-1), c.call(cmd, "k"));
            }
            assertEquals(integer(0), c.call("EXPIRE", "nope", "10"));
        }
    }

    @Test
    void timeInThePastDeletesTheKeyAndIsLogged() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (String[] cmd : new String[][] {{"EXPIRE", "k", "0"}, {"EXPIRE", "k", "-10"}, {"PEXPIRE", "k", "-1"},
                    {"EXPIREAT", "k", "1"}, {"PEXPIREAT", "k", Long.toString(nowMs(st))},
                    {"PEXPIRE", "k", "-9223372036854775808"}}) {
                c.call("SET", "k", "v");
                int n = st.records.size();
                assertEquals(integer(1), c.call(cmd), String.join(" ", cmd));
                assertEquals(integer(0), c.call("EXISTS", "k"), String.join(" ", cmd));
                assertEquals(n + 1, st.records.size());
            }
        }
    }

    @Test
    void overflowIsAnInvalidExpireTime() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v");
            assertEquals(error("ERR invalid expire time in 'expire' command"), c.call("EXPIRE", "k", "9223372036854775807"));
            assertEquals(error("ERR invalid expire time in 'expire' command"), c.call("EXPIRE", "k", "-9223372036854775808"));
            assertEquals(error("ERR invalid expire time in 'expire' command"), c.call("EXPIRE", "k", "9223372036854775"));
            assertEquals(error("ERR invalid expire time in 'expireat' command"), c.call("EXPIREAT", "k", "9223372036854776"));
            assertEquals(error("ERR invalid expire time in 'pexpire' command"), c.call("PEXPIRE", "k", "9223372036854775807"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("EXPIRE", "k", "1.5"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("PEXPIREAT", "k", "9223372036854775808"));
            assertEquals(integer(-1), c.call("TTL", "k"), "errors change nothing");
            assertEquals(integer(1), c.call("PEXPIREAT", "k", "9223372036854775807"));
            assertEquals(integer(9223372036854776L), c.call("EXPIRETIME", "k"), "rounding does not overflow");
            assertEquals(integer(9223372036854775807L), c.call("PEXPIRETIME", "k"));
            assertEquals(integer(1), c.call("EXPIREAT", "k", "9223372036854775"));
            assertEquals(integer(9223372036854775000L), c.call("PEXPIRETIME", "k"));
        }
    }

    @Test
    void optionsAreCheckedBeforeTheTime() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v");
            assertEquals(error("ERR Unsupported option bogus"), c.call("EXPIRE", "k", "x", "bogus"));
            assertEquals(error("ERR NX and XX, GT or LT options at the same time are not compatible"),
                    c.call("EXPIRE", "k", "x", "nx", "xx"));
            assertEquals(error("ERR NX and XX, GT or LT options at the same time are not compatible"),
                    c.call("EXPIRE", "k", "10", "NX", "GT"));
            assertEquals(error("ERR GT and LT options at the same time are not compatible"),
                    c.call("PEXPIRE", "k", "10", "gt", "LT"));
            assertEquals(error("ERR Unsupported option a"), c.call(new byte[][] {
                "EXPIRE".getBytes(), "k".getBytes(), "10".getBytes(), {'a', 0, 'b'}}));
        }
    }

    @Test
    void nxXxGtLtCompareWithTheCurrentExpiry() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v");
            assertEquals(integer(0), c.call("EXPIRE", "k", "100", "XX"), "XX: no expiry yet");
            assertEquals(integer(0), c.call("EXPIRE", "k", "100", "GT"), "GT: no expiry is infinite");
            assertEquals(integer(1), c.call("EXPIRE", "k", "100", "LT"), "LT: anything is less than infinite");
            assertEquals(integer(0), c.call("EXPIRE", "k", "200", "NX"));
            assertEquals(integer(1), c.call("EXPIRE", "k", "200", "XX"));
            assertEquals(integer(0), c.call("EXPIRE", "k", "200", "GT"), "GT: equal is not greater");
            assertEquals(integer(1), c.call("EXPIRE", "k", "300", "gt"));
            assertEquals(integer(0), c.call("EXPIRE", "k", "300", "LT"));
            assertEquals(integer(0), c.call("EXPIRE", "k", "400", "XX", "LT"));
            assertEquals(integer(1), c.call("EXPIRE", "k", "250", "XX", "LT"));
            assertEquals(integer(250), c.call("TTL", "k"));
            assertEquals(integer(1), c.call("PERSIST", "k"));
            assertEquals(integer(1), c.call("EXPIRE", "k", "10", "NX"));
            // a past time with GT still compares first: the key stays
            assertEquals(integer(0), c.call("EXPIRE", "k", "-1", "GT"));
            assertEquals(integer(1), c.call("EXISTS", "k"));
            assertEquals(integer(1), c.call("EXPIRE", "k", "-1", "LT"));
            assertEquals(integer(0), c.call("EXISTS", "k"));
        }
    }

    @Test
    void persistRemovesTheExpiry() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "EX", "10");
            assertEquals(integer(1), c.call("PERSIST", "k"));
            assertEquals(integer(0), c.call("PERSIST", "k"));
            assertEquals(integer(0), c.call("PERSIST", "nope"));
            assertEquals(integer(-1), c.call("TTL", "k"));
            st.advanceMillis(20_000);
            assertEquals(integer(1), c.call("EXISTS", "k"));
        }
    }

    @Test
    void writesToAnExpiredKeyTreatItAsMissing() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "PX", "10");
            st.advanceMillis(11);
            int n = st.records.size();
            assertEquals(integer(0), c.call("PERSIST", "k"));
            assertEquals(n + 1, st.records.size(), "the lazy deletion is a logged change");
            c.call("SET", "k", "v", "PX", "10");
            st.advanceMillis(11);
            assertEquals(integer(0), c.call("EXPIRE", "k", "100"));
            assertEquals(integer(-2), c.call("TTL", "k"));
        }
    }
}
