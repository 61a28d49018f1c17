package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.types.StringValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bit commands on the synchronous test engine: types, limits, TTLs, logging and in-place growth. */
class BitCommandsTest {
    private static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StringValue value(TestStore st, String key) {
        return (StringValue) st.engine.keyspace().db(0).peek(b(key));
    }

    @Test
    void wrongTypeAfterArgumentChecks() {
        try (TestStore st = new TestStore()) {
            FakeListValue.put(st, "l");
            TestStore.Client c = st.client();
            FakeListValue.assertWrongType(c, new String[][] {
                    {"SETBIT", "l", "1", "1"}, {"GETBIT", "l", "1"}, {"BITCOUNT", "l"}, {"BITCOUNT", "l", "x", "y"},
                    {"BITCOUNT", "l", "0"}, {"BITPOS", "l", "1"}, {"BITPOS", "l", "0", "x"},
                    {"BITOP", "AND", "d", "l"}, {"BITOP", "OR", "d", "missing", "l"}, {"BITOP", "NOT", "l", "l"},
                    {"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD", "l", "SET", "u8", "0", "1"},
                    {"BITFIELD_RO", "l", "GET", "u8", "0"}, {"BITFIELD", "l"}});
            assertEquals(error(BAD_OFFSET), c.call("SETBIT", "l", "-1", "1"));
            assertEquals(error("ERR bit is not an integer or out of range"), c.call("SETBIT", "l", "1", "2"));
            assertEquals(error("ERR The bit argument must be 1 or 0."), c.call("BITPOS", "l", "2"));
            assertEquals(error("ERR BITFIELD_RO only supports the GET subcommand"), c.call("BITFIELD_RO", "l", "SET", "u8", "0", "1"));
            assertEquals(error("ERR syntax error"), c.call("BITFIELD", "l", "BOGUS"));
            assertEquals(integer(0), c.call("EXISTS", "d"));
            assertEquals("listpack", st.engine.keyspace().db(0).peek(b("l")).encoding());
        }
    }

    @Test
    void offsetsAreLimitedByProtoMaxBulkLen() {
        try (TestStore st = new TestStore()) {
            st.engine.config().protoMaxBulkLen.set(1024L * 1024);
            TestStore.Client c = st.client();
            long lastBit = 1024L * 1024 * 8 - 1;
            assertEquals(integer(0), c.call("SETBIT", "k", Long.toString(lastBit), "1"));
            assertEquals(integer(1024 * 1024), c.call("STRLEN", "k"));
            assertEquals(error(BAD_OFFSET), c.call("SETBIT", "k", Long.toString(lastBit + 1), "1"));
            assertEquals(error(BAD_OFFSET), c.call("GETBIT", "k", Long.toString(lastBit + 1)));
            assertEquals(error(BAD_OFFSET), c.call("BITFIELD", "k", "GET", "u8", "#1048576"));
            assertEquals(array(integer(1)), c.call("BITFIELD", "k", "GET", "u1", Long.toString(lastBit)));
            // the last allowed offset still writes the whole field past the limit, as Redis does
            assertEquals(array(integer(128)), c.call("BITFIELD", "k", "SET", "u8", Long.toString(lastBit), "255"));
            assertEquals(integer(1024 * 1024 + 1), c.call("STRLEN", "k"));
            assertEquals(integer(8), c.call("BITCOUNT", "k", "-2", "-1"));
        }
    }

    @Test
    void bitfieldFailStillCreatesAndLogsTheKey() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(array(NULL), c.call("BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u2", "20", "9"));
            assertArrayEquals(new byte[3], value(st, "k").bytes());
            assertEquals(1, st.records.size()); // a replica must create it too
            assertEquals(array(NULL), c.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "128"));
            assertEquals(1, st.records.size()); // nothing changed
            assertEquals(array(NULL), c.call("BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "24", "256"));
            assertEquals(2, st.records.size()); // grown, so changed
            assertEquals(integer(4), c.call("STRLEN", "k"));
        }
    }

    @Test
    void unchangedBitsAreNotLogged() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SETBIT", "k", "9", "1");
            assertEquals(1, st.records.size());
            assertEquals(integer(1), c.call("SETBIT", "k", "9", "1"));
            assertEquals(integer(0), c.call("SETBIT", "k", "10", "0"));
            assertEquals(array(integer(0)), c.call("BITFIELD", "k", "SET", "u4", "0", "0"));
            assertEquals(array(integer(0)), c.call("BITFIELD", "k", "INCRBY", "u4", "0", "0"));
            c.call("BITFIELD_RO", "k", "GET", "u8", "0");
            c.call("BITOP", "AND", "nothing", "missing");
            assertEquals(1, st.records.size());
            assertEquals(integer(0), c.call("SETBIT", "k", "20", "0")); // grows: a change
            assertEquals(2, st.records.size());
            assertEquals(integer(3), c.call("STRLEN", "k"));
        }
    }

    @Test
    void bitopReplacesTheDestination() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "\u0001\u0002");
            c.call("SET", "d", "old", "EX", "100");
            assertEquals(integer(2), c.call("BITOP", "NOT", "d", "a"));
            assertEquals(-1, st.engine.keyspace().db(0).expireAt(b("d")));
            assertArrayEquals(new byte[] {(byte) 0xfe, (byte) 0xfd}, value(st, "d").bytes());
            assertEquals("raw", value(st, "d").encoding());
            assertEquals(integer(0), c.call("BITOP", "OR", "d", "missing"));
            assertNull(st.engine.keyspace().db(0).peek(b("d")));
        }
    }

    @Test
    void bitmapsGrowInPlace() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 4096; i += 3) {
                c.call("SETBIT", "bm", Integer.toString(i), "1");
            }
            assertEquals(integer(1366), c.call("BITCOUNT", "bm"));
            assertEquals(integer(1), c.call("BITPOS", "bm", "0"));
            assertEquals(integer(3), c.call("BITPOS", "bm", "1", "1", "-1", "BIT"));
            Reply r = c.call("BITFIELD", "bm", "GET", "u8", "0", "INCRBY", "i8", "8", "100", "GET", "u16", "#1");
            // bytes repeat 0x92 0x49 0x24; INCRBY wraps 0x49 + 100 into a negative i8
            assertEquals(array(integer(0x92), integer(0x49 + 100 - 256), integer(0x2492)), r);
            assertEquals(new Reply.Bulk(new byte[] {(byte) 0x92, (byte) 0xad}), c.call("GETRANGE", "bm", "0", "1"));
            assertEquals(512, value(st, "bm").length());
        }
    }
}
