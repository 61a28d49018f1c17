package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static io.vellum.core.commands.ListCommandsTest.bulks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP with two or three clients of one synchronous
 * engine: client A blocks (its call returns no reply), another client changes a key, and A's
 * served reply shows up in {@code drain()}. Timeouts firing on the clock are covered by the
 * differential tests against a real server; here CLIENT UNBLOCK's path gives the timeout reply.
 */
class ListBlockingTest {
    private static final Reply WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");

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

    private String lastRecord() {
        return st.records.get(st.records.size() - 1).describe();
    }

    /** Replays every record into a fresh store (the effect digests must match) and returns it. */
    private TestStore replayed() {
        TestStore replica = new TestStore();
        for (UnitRecord r : st.records) {
            replica.engine.applyRecord(r, false);
        }
        return replica;
    }

    @Test
    void servesAtOnceWhenAListHasElements() {
        b.call("RPUSH", "k2", "x", "y");
        assertEquals(array(bulk("k2"), bulk("x")), a.call("BLPOP", "k1", "k2", "0"));
        assertEquals(array(bulk("k2"), bulk("y")), a.call("BRPOP", "k1", "k2", "0"));
        assertEquals(integer(0), a.call("EXISTS", "k2"));
    }

    @Test
    void blpopIsServedWhenAnotherClientPushes() {
        assertNull(a.call("BLPOP", "k1", "k2", "0"));
        assertEquals(1, st.engine.blockedClients());
        assertEquals(integer(2), b.call("RPUSH", "k2", "x", "y"));
        assertEquals(List.of(array(bulk("k2"), bulk("x"))), a.drain());
        assertEquals(0, st.engine.blockedClients());
        assertEquals(bulks("y"), b.call("LRANGE", "k2", "0", "-1"));
        assertEquals("BLPOP k1 k2 0", lastRecord());
        try (TestStore replica = replayed()) {
            assertEquals(bulks("y"), replica.client().call("LRANGE", "k2", "0", "-1"));
        }
    }

    @Test
    void servedBlmoveBrpoplpushAndBlmpopAreLoggedAsTheirNonBlockingForms() {
        assertNull(a.call("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        b.call("RPUSH", "src", "a", "b", "c");
        assertEquals(List.of(bulk("a")), a.drain());
        assertEquals("LMOVE src dst LEFT RIGHT", lastRecord());

        assertEquals(bulk("c"), a.call("BRPOPLPUSH", "src", "dst", "0"));
        assertEquals("RPOPLPUSH src dst", lastRecord());

        assertNull(a.call("BRPOPLPUSH", "empty", "dst", "0"));
        b.call("LPUSH", "empty", "e");
        assertEquals(List.of(bulk("e")), a.drain());
        assertEquals("RPOPLPUSH empty dst", lastRecord());

        assertNull(a.call("BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "5"));
        b.call("RPUSH", "m2", "1", "2");
        assertEquals(List.of(array(bulk("m2"), bulks("2", "1"))), a.drain());
        assertEquals("LMPOP 2 m1 m2 RIGHT COUNT 5", lastRecord());

        try (TestStore replica = replayed()) {
            assertEquals(bulks("e", "c", "a"), replica.client().call("LRANGE", "dst", "0", "-1"));
            assertEquals(bulks("b"), replica.client().call("LRANGE", "src", "0", "-1"));
        }
    }

    @Test
    void insideMultiTheyAnswerAsOnTimeout() {
        a.call("MULTI");
        a.call("BLPOP", "x", "0");
        a.call("BRPOP", "x", "0");
        a.call("BLMOVE", "x", "y", "LEFT", "LEFT", "0");
        a.call("BRPOPLPUSH", "x", "y", "0");
        a.call("BLMPOP", "0", "1", "x", "LEFT");
        assertEquals(array(NULL_ARRAY, NULL_ARRAY, NULL, NULL, NULL_ARRAY), a.call("EXEC"));
        assertEquals(0, st.engine.blockedClients());
    }

    /** Unblocks A the way CLIENT UNBLOCK does; B's next command ends the batch that releases A's reply. */
    private void unblockA() {
        st.engine.unblock(a.session, null);
        b.call("PING");
    }

    @Test
    void theTimeoutReplyIsTheNullArray() {
        assertNull(a.call("BLMOVE", "x", "y", "LEFT", "LEFT", "0"));
        unblockA();
        assertEquals(List.of(NULL_ARRAY), a.drain());
        assertNull(a.call("BLPOP", "x", "5"));
        unblockA();
        assertEquals(List.of(NULL_ARRAY), a.drain());
    }

    @Test
    void clientsAreServedInTheOrderTheyBlocked() {
        TestStore.Client c = st.client();
        assertNull(a.call("BLPOP", "k1", "k2", "0"));
        assertNull(b.call("BLPOP", "k1", "0"));
        // k2 is signalled but holds nothing: A keeps its place ahead of B on k1
        c.call("MULTI");
        c.call("LPUSH", "k2", "x");
        c.call("DEL", "k2");
        c.call("EXEC");
        assertEquals(List.of(), a.drain());
        c.call("LPUSH", "k1", "y");
        assertEquals(List.of(array(bulk("k1"), bulk("y"))), a.drain());
        assertEquals(List.of(), b.drain());
        c.call("LPUSH", "k1", "z");
        assertEquals(List.of(array(bulk("k1"), bulk("z"))), b.drain());
    }

    @Test
    void aKeyOfAnotherTypeDoesNotWakeTheClient() {
        TestStore.Client c = st.client();
        assertNull(a.call("BLPOP", "k", "0"));
        assertEquals(OK, c.call("SET", "k", "s"));
        assertEquals(List.of(), a.drain());
        c.call("DEL", "k");
        c.call("RPUSH", "k", "v");
        assertEquals(List.of(array(bulk("k"), bulk("v"))), a.drain());
    }

    @Test
    void aRetryRunsTheWholeCommandAgainAs72Does() {
        TestStore.Client c = st.client();
        assertNull(a.call("BLPOP", "k1", "k2", "0"));
        c.call("SET", "k1", "s");
        assertEquals(List.of(), a.drain());
        c.call("RPUSH", "k2", "v");
        assertEquals(List.of(WRONGTYPE), a.drain());
        assertEquals(bulks("v"), c.call("LRANGE", "k2", "0", "-1"));
        assertEquals(0, st.engine.blockedClients());
    }

    @Test
    void commandsSentWhileBlockedRunAfterTheServe() {
        assertNull(a.call("BLPOP", "k", "0"));
        assertNull(a.call("LLEN", "k"));
        b.call("RPUSH", "k", "1", "2");
        assertEquals(List.of(array(bulk("k"), bulk("1")), integer(1)), a.drain());
    }

    @Test
    void blmoveToItselfAndToAWaitingClient() {
        TestStore.Client c = st.client();
        assertNull(a.call("BLMOVE", "q1", "q2", "RIGHT", "LEFT", "0"));
        assertNull(b.call("BLPOP", "q2", "0"));
        c.call("RPUSH", "q1", "job");
        assertEquals(List.of(bulk("job")), a.drain());
        assertEquals(List.of(array(bulk("q2"), bulk("job"))), b.drain());
        assertEquals(integer(0), c.call("EXISTS", "q1", "q2"));
    }

    @Test
    void timeoutArgumentsAreParsedAsRedisDoes() {
        assertEquals(error("ERR timeout is not a float or out of range"), a.call("BLPOP", "k", "x"));
        assertEquals(error("ERR timeout is not a float or out of range"), a.call("BLPOP", "k", "nan"));
        assertEquals(error("ERR timeout is negative"), a.call("BLPOP", "k", "-1"));
        assertEquals(error("ERR timeout is negative"), a.call("BLPOP", "k", "-inf"));
        assertEquals(error("ERR timeout is out of range"), a.call("BLPOP", "k", "inf"));
        assertEquals(error("ERR timeout is out of range"), a.call("BLPOP", "k", "1e300"));
        assertEquals(error("ERR timeout is out of range"), a.call("BLPOP", "k", "9223372036854775"));
        assertEquals(error("ERR timeout is not a float or out of range"), a.call("BLMOVE", "a", "b", "LEFT", "LEFT", "x"));
        assertEquals(error("ERR syntax error"), a.call("BLMOVE", "a", "b", "LEFT", "UP", "x"));
        assertEquals(error("ERR timeout is not a float or out of range"), a.call("BRPOPLPUSH", "a", "b", "x"));
        assertEquals(error("ERR numkeys should be greater than 0"), a.call("BLMPOP", "x", "0", "a", "LEFT"));
        assertEquals(error("ERR timeout is not a float or out of range"), a.call("BLMPOP", "x", "1", "a", "LEFT"));
        assertEquals(0, st.engine.blockedClients());
        // -0.0001 rounds up to 0 ms: wait forever, as in Redis
        assertNull(a.call("BLPOP", "k", "-0.0001"));
        assertEquals(1, st.engine.blockedClients());
    }

    @Test
    void msTimeoutsRoundUpInLongDoublePrecision() {
        assertEquals(java.math.BigDecimal.ONE,
                BlockingTimeout.roundToLongDouble(new java.math.BigDecimal("1.0000000000000000000001")));
        assertEquals(new java.math.BigDecimal("1.5"), BlockingTimeout.roundToLongDouble(new java.math.BigDecimal("1.5")));
    }
}
