package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.types.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** DUMP and RESTORE over Vellum's payload format ({@link DumpPayload}). */
class KeyDumpRestoreTest {
    private static final String CHECKSUM_ERR = "ERR DUMP payload version or checksum are wrong";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] dump(TestStore.Client c, String key) {
        return ((Reply.Bulk) c.call("DUMP", key)).value();
    }

    @Test
    void payloadFormatIsFrozen() {
        // The example in DumpPayload's comment; a change here breaks every payload ever written.
        byte[] p = DumpPayload.encode(StringValue.of(b("hi")));
        assertEquals("0a040a026869" + "0100" + "3645fbf20dd390ac", HexFormat.of().formatHex(p));
        assertTrue(DumpPayload.verify(p));
    }

    @Test
    void dumpAndRestoreRoundTripsBinaryValues() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            byte[] value = new byte[256];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) i;
            }
            c.call(b("SET"), b("bin"), value);
            c.call("SET", "n", "12345");
            c.call("SET", "long", "x".repeat(100));
            assertEquals(NULL, c.call("DUMP", "nope"));
            for (String k : new String[] {"bin", "n", "long"}) {
                byte[] p = dump(c, k);
                assertEquals(OK, c.call(b("RESTORE"), b(k + ":copy"), b("0"), p));
                assertEquals(c.call("GET", k), c.call("GET", k + ":copy"));
                assertEquals(c.call("OBJECT", "ENCODING", k), c.call("OBJECT", "ENCODING", k + ":copy"));
                assertEquals(integer(-1), c.call("TTL", k + ":copy"));
            }
        }
    }

    @Test
    void restoreRefusesAnExistingKeyUnlessReplace() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            c.call("SET", "b", "2", "EX", "100");
            byte[] p = dump(c, "a");
            assertEquals(error("BUSYKEY Target key name already exists."), c.call(b("RESTORE"), b("b"), b("0"), p));
            assertEquals(bulk("2"), c.call("GET", "b"));
            assertEquals(OK, c.call(b("RESTORE"), b("b"), b("0"), p, b("REPLACE")));
            assertEquals(bulk("1"), c.call("GET", "b"));
            assertEquals(integer(-1), c.call("TTL", "b"));
            // a logically expired key does not count as existing
            c.call("SET", "e", "old", "PX", "1");
            st.advanceMillis(2);
            assertEquals(OK, c.call(b("RESTORE"), b("e"), b("0"), p));
            assertEquals(bulk("1"), c.call("GET", "e"));
        }
    }

    @Test
    void restoreTtlIsRelativeOrAbsolute() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            long now = st.micros.get() / 1000;
            c.call("SET", "a", "1");
            byte[] p = dump(c, "a");
            assertEquals(OK, c.call(b("RESTORE"), b("rel"), b("5000"), p));
            assertEquals(integer(5000), c.call("PTTL", "rel"));
            assertEquals(OK, c.call(b("RESTORE"), b("abs"), b(Long.toString(now + 7000)), p, b("ABSTTL")));
            assertEquals(integer(now + 7000), c.call("PEXPIRETIME", "abs"));
            // an absolute time in the past creates nothing, and with REPLACE deletes the old key
            assertEquals(OK, c.call(b("RESTORE"), b("gone"), b("1"), p, b("ABSTTL")));
            assertEquals(integer(0), c.call("EXISTS", "gone"));
            assertEquals(OK, c.call(b("RESTORE"), b("rel"), b(Long.toString(now)), p, b("ABSTTL"), b("REPLACE")));
            assertEquals(integer(0), c.call("EXISTS", "rel"));
            // a relative ttl that overflows wraps into the past, as in Redis
            assertEquals(OK, c.call(b("RESTORE"), b("wrap"), b("9223372036854775807"), p));
            assertEquals(integer(0), c.call("EXISTS", "wrap"));
        }
    }

    @Test
    void restoreValidatesArgumentsInRedisOrder() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            byte[] p = dump(c, "a");
            assertEquals(error("ERR syntax error"), c.call(b("RESTORE"), b("x"), b("0"), p, b("bogus")));
            assertEquals(error("ERR syntax error"), c.call(b("RESTORE"), b("x"), b("0"), p, b("IDLETIME")));
            assertEquals(error("ERR syntax error"), c.call(b("RESTORE"), b("x"), b("0"), p, b("IDLETIME"), b("1"), b("FREQ"), b("1")));
            assertEquals(error("ERR syntax error"), c.call(b("RESTORE"), b("x"), b("0"), p, b("FREQ"), b("1"), b("IDLETIME"), b("1")));
            assertEquals(error("ERR Invalid IDLETIME value, must be >= 0"), c.call(b("RESTORE"), b("x"), b("0"), p, b("IDLETIME"), b("-1")));
            assertEquals(error("ERR Invalid FREQ value, must be >= 0 and <= 255"), c.call(b("RESTORE"), b("x"), b("0"), p, b("FREQ"), b("256")));
            assertEquals(error("ERR value is not an integer or out of range"), c.call(b("RESTORE"), b("x"), b("0"), p, b("FREQ"), b("x")));
            // options before BUSYKEY, BUSYKEY before the ttl, the ttl before the payload
            assertEquals(error("ERR syntax error"), c.call(b("RESTORE"), b("a"), b("x"), b("junk"), b("bogus")));
            assertEquals(error("BUSYKEY Target key name already exists."), c.call(b("RESTORE"), b("a"), b("x"), b("junk")));
            assertEquals(error("ERR value is not an integer or out of range"), c.call(b("RESTORE"), b("x"), b("x"), b("junk")));
            assertEquals(error("ERR Invalid TTL value, must be >= 0"), c.call(b("RESTORE"), b("x"), b("-1"), b("junk")));
            assertEquals(error(CHECKSUM_ERR), c.call(b("RESTORE"), b("x"), b("0"), b("junk")));
            assertEquals(error(CHECKSUM_ERR), c.call(b("RESTORE"), b("x"), b("0"), new byte[0]));
            assertEquals(integer(0), c.call("EXISTS", "x"));
        }
    }

    @Test
    void restoreIdletimeSetsTheAccessTimeAndFreqIsAccepted() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            byte[] p = dump(c, "a");
            assertEquals(OK, c.call(b("RESTORE"), b("i"), b("0"), p, b("IDLETIME"), b("1000")));
            assertEquals(integer(1000), c.call("OBJECT", "IDLETIME", "i"));
            assertEquals(OK, c.call(b("RESTORE"), b("f"), b("0"), p, b("FREQ"), b("100")));
            assertEquals(integer(0), c.call("OBJECT", "IDLETIME", "f"));
            assertEquals(OK, c.call(b("RESTORE"), b("huge"), b("0"), p, b("IDLETIME"), b("9223372036854775807")));
            assertEquals(integer(1L << 40), c.call("OBJECT", "IDLETIME", "huge"));
        }
    }

    @Test
    void everyCorruptionIsRefusedAndChangesNothing() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "some value worth keeping");
            c.call("SET", "target", "untouched");
            byte[] good = dump(c, "a");
            int records = st.records.size();
            RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
            for (int i = 0; i < good.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = good.clone();
                    bad[i] ^= (byte) (1 << bit);
                    assertEquals(error(CHECKSUM_ERR), c.call(b("RESTORE"), b("target"), b("0"), bad, b("REPLACE")),
                            "byte " + i + " bit " + bit);
                }
                byte[] bad = good.clone();
                bad[i] = (byte) (bad[i] + 1 + r.nextInt(255));
                assertEquals(error(CHECKSUM_ERR), c.call(b("RESTORE"), b("target"), b("0"), bad, b("REPLACE")));
            }
            for (int len = 0; len < good.length; len++) {
                assertEquals(error(CHECKSUM_ERR), c.call(b("RESTORE"), b("target"), b("0"),
                        java.util.Arrays.copyOf(good, len), b("REPLACE")), "truncated to " + len);
            }
            assertEquals(bulk("untouched"), c.call("GET", "target"));
            assertEquals(records, st.records.size(), "refused RESTOREs are not logged");
            assertEquals(OK, c.call(b("RESTORE"), b("target"), b("0"), good, b("REPLACE")));
            assertEquals(bulk("some value worth keeping"), c.call("GET", "target"));
        }
    }

    /** {@code body} with a version and a correct checksum: a payload that only its content can fail. */
    private static byte[] withFooter(byte[] body, int version) {
        byte[] p = java.util.Arrays.copyOf(body, body.length + 10);
        p[body.length] = (byte) version;
        p[body.length + 1] = (byte) (version >> 8);
        long sum = net.openhft.hashing.LongHashFunction.xx3().hashBytes(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (sum >>> (8 * i));
        }
        return p;
    }

    @Test
    void versionsOutsideTheKnownRangeAreRefused() {
        byte[] p = DumpPayload.encode(StringValue.of(b("v")));
        byte[] body = java.util.Arrays.copyOf(p, p.length - 10);
        assertArrayEquals(p, withFooter(body, DumpPayload.VERSION));
        for (int version : new int[] {0, DumpPayload.VERSION + 1, 0xffff}) {
            assertFalse(DumpPayload.verify(withFooter(body, version)), "version " + version);
        }
    }

    @Test
    void aVerifiedPayloadThatIsNoValueIsBadDataFormat() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            // a well-formed footer around bytes that are not a StoredValue, and around an empty one
            for (byte[] body : new byte[][] {{(byte) 0xff, (byte) 0xff, (byte) 0xff}, {}}) {
                byte[] p = withFooter(body, DumpPayload.VERSION);
                assertTrue(DumpPayload.verify(p));
                assertEquals(error("ERR Bad data format"), c.call(b("RESTORE"), b("x"), b("0"), p));
            }
            assertEquals(integer(0), c.call("EXISTS", "x"));
        }
    }

    @Test
    void restoreReencodesStringsByContentAsRedisLoaderDoes() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(b("RESTORE"), b("short"), b("0"), DumpPayload.encode(StringValue.rawOf(b("hi"))));
            c.call(b("RESTORE"), b("num"), b("0"), DumpPayload.encode(StringValue.rawOf(b("42"))));
            c.call(b("RESTORE"), b("long"), b("0"), DumpPayload.encode(StringValue.rawOf(b("y".repeat(45)))));
            assertEquals(bulk("embstr"), c.call("OBJECT", "ENCODING", "short"));
            assertEquals(bulk("int"), c.call("OBJECT", "ENCODING", "num"));
            assertEquals(bulk("raw"), c.call("OBJECT", "ENCODING", "long"));
        }
    }

    @Test
    void restoredValueIsIndependentOfTheDumpedOne() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            byte[] p = dump(c, "a");
            c.call(b("RESTORE"), b("b"), b("0"), p);
            c.call("SET", "a", "2");
            assertEquals(bulk("1"), c.call("GET", "b"));
            assertArrayEquals(p, dump(c, "b"));
        }
    }
}
