package io.vellum.core.commands;

import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.types.StringValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HyperLogLog commands on the synchronous test engine, against golden values taken from
 * redis-server 7.0.15 (`redis-cli PFADD ...; redis-cli --raw GET ...`).
 */
class HyperLogLogCommandsTest {

    private static byte[] stored(TestStore st, String key) {
        return ((StringValue) st.engine.keyspace().db(0).peek(key.getBytes(StandardCharsets.ISO_8859_1))).bytes();
    }

    private static String[] pfadd(String key, String prefix, int from, int to) {
        List<String> c = new ArrayList<>(List.of("PFADD", key));
        for (int i = from; i < to; i++) {
            c.add(prefix + i);
        }
        return c.toArray(String[]::new);
    }

    private static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    @Test
    void sparseBytesAreRedis() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(integer(1), c.call("PFADD", "g", "a", "b", "c"));
            assertEquals("48594c4c010000000000000000000080" + "60f38050b1844bfb80425a",
                    HexFormat.of().formatHex(stored(st, "g")));
            assertEquals(integer(3), c.call("PFCOUNT", "g"));
            // the count is cached in the header: bytes 8..15 little endian, valid bit clear
            assertEquals("48594c4c010000000300000000000000", HexFormat.of().formatHex(stored(st, "g")).substring(0, 32));
            assertEquals(integer(1), c.call("PFADD", "s1", "a", "b", "c", "d", "e", "f", "g"));
            assertEquals("48594c4c010000000000000000000080466d80560c80443c84388050b184498c80426d80425a",
                    HexFormat.of().formatHex(stored(st, "s1")));
            assertEquals(TestStore.bulk("Z:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603"),
                    c.call("PFDEBUG", "DECODE", "s1"));
            assertEquals(TestStore.bulk("raw"), c.call("OBJECT", "ENCODING", "s1"));
        }
    }

    @Test
    void denseBytesAndEstimatesAreRedis() throws Exception {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(pfadd("big", "v", 0, 5000));
            assertEquals(TestStore.simple("dense"), c.call("PFDEBUG", "ENCODING", "big"));
            assertEquals(integer(5055), c.call("PFCOUNT", "big"));
            assertEquals("00900c9089b6f8182b07d6a3d2277b89806cf06c", sha1(stored(st, "big")));
            for (int b = 0; b < 100; b++) {
                c.call(pfadd("huge", "x", b * 1000, b * 1000 + 1000));
            }
            assertEquals(integer(100903), c.call("PFCOUNT", "huge"));
            assertEquals(integer(106144), c.call("PFCOUNT", "huge", "big"));
        }
    }

    @Test
    void errorsLeaveDataAlone() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "s", "not an hll");
            assertEquals(error("WRONGTYPE Key is not a valid HyperLogLog string value."), c.call("PFADD", "s", "x"));
            assertEquals(TestStore.bulk("not an hll"), c.call("GET", "s"));
            c.call("PFADD", "t", "a");
            c.call("APPEND", "t", "zz");
            assertEquals(error("INVALIDOBJ Corrupted HLL object detected"), c.call("PFCOUNT", "t"));
            assertEquals(error("ERR The specified key does not exist"), c.call("PFDEBUG", "GETREG", "nope"));
        }
    }

    @Test
    void cachedCountIsLoggedAndReadOnlyCountsAreNot() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("PFADD", "h", "a", "b");
            int before = st.records.size();
            assertEquals(integer(2), c.call("PFCOUNT", "h"));
            assertEquals(before + 1, st.records.size(), "refreshing the cached count changes the string");
            assertEquals(integer(2), c.call("PFCOUNT", "h"));
            assertEquals(integer(0), c.call("PFADD", "h", "a"));
            assertEquals(before + 1, st.records.size(), "a valid cache and an unchanged HLL log nothing");
            assertTrue(st.records.size() > 0);
        }
    }
}
