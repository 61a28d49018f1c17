package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream commands against the synchronous test engine: what depends on the unit's time
 * (automatic IDs, idle and delivery times, 7.2's seen/active times), blocking reads, what is
 * logged and that replaying the log rebuilds the same streams. Reply texts and shapes are
 * compared with a real Redis in StreamDiffTest.
 */
class StreamCommandsTest {
    private TestStore st;
    private TestStore.Client a;
    private TestStore.Client b;

    @BeforeEach
    void open() {
        st = new TestStore();
        a = st.client();
        b = st.client();
    }

    @AfterEach
    void close() {
        st.close();
    }

    private long nowMs() {
        return st.micros.get() / 1000;
    }

    private TestStore replayed() {
        TestStore replica = new TestStore();
        for (UnitRecord r : st.records) {
            replica.engine.applyRecord(r, false);
        }
        return replica;
    }

    private static Reply entry(String id, String... fv) {
        Reply[] f = new Reply[fv.length];
        for (int i = 0; i < fv.length; i++) {
            f[i] = bulk(fv[i]);
        }
        return array(bulk(id), array(f));
    }

    @Test
    void automaticIdsComeFromTheUnitClock() {
        long t = nowMs();
        assertEquals(bulk(t + "-0"), a.call("XADD", "s", "*", "f", "v"));
        assertEquals(bulk(t + "-1"), a.call("XADD", "s", "*", "f", "v"));
        st.advanceMillis(5);
        assertEquals(bulk((t + 5) + "-0"), a.call("XADD", "s", "*", "f", "v"));
        // a clock behind the last ID keeps its milliseconds and counts the sequence up
        assertEquals(bulk((t + 100) + "-0"), a.call("XADD", "s", (t + 100) + "-*", "f", "v"));
        assertEquals(bulk((t + 100) + "-1"), a.call("XADD", "s", "*", "f", "v"));
        assertEquals(integer(5), a.call("XLEN", "s"));
        try (TestStore replica = replayed()) {
            assertEquals(a.call("XRANGE", "s", "-", "+"), replica.client().call("XRANGE", "s", "-", "+"));
        }
    }

    @Test
    void idleAndInactiveTimesFollowTheUnitClock() {
        a.call("XADD", "s", "1-0", "f", "v");
        a.call("XADD", "s", "2-0", "f", "v");
        a.call("XGROUP", "CREATE", "s", "g", "0");
        a.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">");
        st.advanceMillis(100);
        assertEquals(array(array(bulk("1-0"), bulk("c"), integer(100), integer(1))),
                a.call("XPENDING", "s", "g", "-", "+", "10"));
        Reply consumers = a.call("XINFO", "CONSUMERS", "s", "g");
        assertEquals(array(new Reply.Map(List.of(bulk("name"), bulk("c"), bulk("pending"), integer(1), bulk("idle"),
                integer(100), bulk("inactive"), integer(100)))).toString(), consumers.toString());
        // XCLAIM that claims nothing still counts as seen (7.2), not as active
        assertEquals(array(), a.call("XCLAIM", "s", "g", "c", "1000", "1-0"));
        st.advanceMillis(10);
        assertEquals(array(new Reply.Map(List.of(bulk("name"), bulk("c"), bulk("pending"), integer(1), bulk("idle"),
                integer(10), bulk("inactive"), integer(110)))).toString(), a.call("XINFO", "CONSUMERS", "s", "g").toString());
        assertEquals(array(entry("1-0", "f", "v")), a.call("XCLAIM", "s", "g", "d", "50", "1-0", "IDLE", "30"));
        assertEquals(array(array(bulk("1-0"), bulk("d"), integer(30), integer(2))),
                a.call("XPENDING", "s", "g", "-", "+", "10"));
        assertEquals(array(), a.call("XPENDING", "s", "g", "IDLE", "31", "-", "+", "10"));
    }

    @Test
    void xinfoFullShowsDeliveryAndConsumerTimes() {
        long t = nowMs();
        a.call("XADD", "s", "1-0", "f", "v");
        a.call("XGROUP", "CREATE", "s", "g", "0");
        a.call("XGROUP", "CREATECONSUMER", "s", "g", "early");
        st.advanceMillis(7);
        a.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        String full = a.call("XINFO", "STREAM", "s", "FULL").toString();
        assertTrue(full.contains("Bulk[1-0], Bulk[c], Int[value=" + (t + 7) + "], Int[value=1]"), full);
        assertTrue(full.contains("Bulk[early], Bulk[seen-time], Int[value=" + t + "], Bulk[active-time], Int[value=-1]"), full);
        assertTrue(full.contains("Bulk[c], Bulk[seen-time], Int[value=" + (t + 7) + "], Bulk[active-time], Int[value="
                + (t + 7) + "]"), full);
    }

    @Test
    void blockedXreadIsServedByXaddAndWaitsForIdsAboveDollar() {
        a.call("XADD", "s", "5-0", "f", "old");
        assertNull(a.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
        assertEquals(1, st.engine.blockedClients());
        // a change that brings nothing above the ID "$" meant keeps it waiting
        b.call("XDEL", "s", "5-0");
        assertEquals(List.of(), a.drain());
        assertEquals(1, st.engine.blockedClients());
        b.call("XADD", "s", "6-0", "f", "new");
        assertEquals(List.of(array(array(bulk("s"), array(entry("6-0", "f", "new"))))), a.drain());
        assertEquals(0, st.engine.blockedClients());
    }

    @Test
    void blockedXreadgroupIsLoggedAsTheReadItBecameAndReplays() {
        a.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        assertNull(a.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "COUNT", "2", "STREAMS", "s", ">"));
        st.advanceMillis(3);
        b.call("XADD", "s", "1-0", "f", "v");
        assertEquals(List.of(array(array(bulk("s"), array(entry("1-0", "f", "v"))))), a.drain());
        assertEquals("XREADGROUP GROUP g c COUNT 2 STREAMS s >", st.records.get(st.records.size() - 1).describe());
        st.advanceMillis(3);
        assertNull(a.call("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">"));
        st.advanceMillis(3);
        try (TestStore replica = replayed()) {
            TestStore.Client r = replica.client();
            replica.micros.set(st.micros.get());
            assertEquals(b.call("XINFO", "STREAM", "s", "FULL"), r.call("XINFO", "STREAM", "s", "FULL"));
            assertEquals(b.call("XINFO", "CONSUMERS", "s", "g"), r.call("XINFO", "CONSUMERS", "s", "g"));
        }
    }

    @Test
    void blockedXreadgroupAnswersUnblockedWhenTheKeyGoes() {
        a.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        assertNull(a.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
        b.call("DEL", "s");
        assertEquals(List.of(error("UNBLOCKED the stream key no longer exists")), a.drain());
        assertEquals(0, st.engine.blockedClients());
    }

    @Test
    void noBlockingInsideMulti() {
        a.call("MULTI");
        a.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        assertEquals(array(NULL_ARRAY), a.call("EXEC"));
    }

    @Test
    void dumpAndRestoreKeepGroupsPendingEntriesAndNodes() {
        for (int i = 1; i <= 250; i++) {
            a.call("XADD", "s", i + "-0", "f", "v" + i);
        }
        a.call("XDEL", "s", "100-0", "3-0");
        a.call("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0");
        a.call("XGROUP", "CREATE", "s", "h", "$");
        a.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "5", "STREAMS", "s", ">");
        st.advanceMillis(20);
        a.call("XREADGROUP", "GROUP", "g", "c2", "COUNT", "3", "STREAMS", "s", ">");
        a.call("XACK", "s", "g", "2-0");
        a.call("XSETID", "s", "300-0", "ENTRIESADDED", "400", "MAXDELETEDID", "250-0");
        Reply dump = a.call("DUMP", "s");
        assertTrue(dump instanceof Reply.Bulk, dump.toString());
        assertEquals(OK, a.call("RESTORE".getBytes(), "r".getBytes(), "0".getBytes(), ((Reply.Bulk) dump).value()));
        for (String[] cmd : new String[][] {{"XINFO", "STREAM", "%", "FULL", "COUNT", "0"}, {"XINFO", "GROUPS", "%"},
            {"XINFO", "CONSUMERS", "%", "g"}, {"XPENDING", "%", "g", "-", "+", "100"}, {"DEBUG", "DIGEST-VALUE", "%"}}) {
            String[] s = cmd.clone();
            String[] r = cmd.clone();
            for (int i = 0; i < cmd.length; i++) {
                s[i] = cmd[i].replace("%", "s");
                r[i] = cmd[i].replace("%", "r");
            }
            assertEquals(a.call(s), a.call(r), String.join(" ", cmd));
        }
        // the node layout came back too: the same entries go with the same ~ trim
        assertEquals(a.call("XTRIM", "s", "MAXLEN", "~", "120"), a.call("XTRIM", "r", "MAXLEN", "~", "120"));
        assertEquals(a.call("XINFO", "STREAM", "s"), a.call("XINFO", "STREAM", "r"));
        assertEquals(integer(1), a.call("COPY", "s", "c"));
        a.call("XACK", "s", "g", "1-0");
        assertEquals(integer(1), a.call("XACK", "c", "g", "1-0"));
    }

    @Test
    void approximateTrimsAreLoggedExactSoReplayDoesNotDependOnNodeSettings() {
        for (int i = 1; i <= 250; i++) {
            a.call("XADD", "s", i + "-0", "f", "v");
        }
        assertEquals(bulk("251-0"), a.call("XADD", "s", "MAXLEN", "~", "120", "LIMIT", "1000", "251-0", "f", "v"));
        assertEquals("XADD s MAXLEN = 151 251-0 f v", st.records.get(st.records.size() - 1).describe());
        assertEquals(integer(100), a.call("XTRIM", "s", "MINID", "~", "210-0"));
        assertEquals("XTRIM s MINID = 201-0", st.records.get(st.records.size() - 1).describe());
        assertEquals(integer(0), a.call("XTRIM", "s", "MAXLEN", "~", "10"));
        try (TestStore replica = new TestStore()) {
            // other node settings: ~ would have removed other entries
            replica.engine.config().streamNodeMaxEntries.set(7L);
            for (UnitRecord r : st.records) {
                replica.engine.applyRecord(r, false);
            }
            assertEquals(b.call("XRANGE", "s", "-", "+"), replica.client().call("XRANGE", "s", "-", "+"));
        }
    }

    @Test
    void typeEncodingAndScan() {
        a.call("XADD", "s", "1-0", "f", "v");
        a.call("SET", "str", "x");
        assertEquals(TestStore.simple("stream"), a.call("TYPE", "s"));
        assertEquals(bulk("stream"), a.call("OBJECT", "ENCODING", "s"));
        assertEquals(array(bulk("0"), array(bulk("s"))), a.call("SCAN", "0", "TYPE", "stream"));
        a.call("XDEL", "s", "1-0");
        assertEquals(integer(1), a.call("EXISTS", "s"));
    }
}
