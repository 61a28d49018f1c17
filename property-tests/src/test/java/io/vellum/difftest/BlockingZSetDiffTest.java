package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP across two connections per server: the test's connection
 * blocks, a second one writes, and the served replies must be the same bytes. Timeouts,
 * MULTI (never blocks) and the order in which waiting clients are served too.
 */
class BlockingZSetDiffTest extends DifferentialTest {
    private RawClient redis2;
    private RawClient vellum2;

    @BeforeEach
    void secondConnections() {
        redis2 = new RawClient("127.0.0.1", RedisOracle.get().port());
        vellum2 = new RawClient("127.0.0.1", VellumTarget.get().port());
        if (protocol == 3) {
            redis2.call("HELLO", "3");
            vellum2.call("HELLO", "3");
        }
    }

    @AfterEach
    void closeSecond() {
        redis2.close();
        vellum2.close();
    }

    /** Sends a command on the main connections without reading its reply. */
    private void sendBoth(String... cmd) {
        byte[] wire = RawClient.encode(RawClient.argv(cmd));
        redis.send(wire);
        vellum.send(wire);
    }

    /** Runs a command on the second connections, the replies must match. */
    private void sameOnSecond(String... cmd) {
        RespReader.Raw r = redis2.call(cmd);
        RespReader.Raw v = vellum2.call(cmd);
        assertEquals(r.text(), v.text(), String.join(" ", cmd));
    }

    /** Reads the pending reply of the main connections; they must match. */
    private void sameReply(String what) {
        RespReader.Raw r = redis.read();
        RespReader.Raw v = vellum.read();
        if (!Arrays.equals(r.bytes(), v.bytes())
                && !KnownDifferences.equivalent(r.node(), v.node(), java.util.List.of(KnownDifferences.Rule.FLOAT_72))) {
            assertEquals(r.text(), v.text(), what);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void blockedPopIsServedByAnotherConnectionsWrite() {
        sendBoth("BZPOPMIN", "k1", "k2", "5");
        pause();
        sameOnSecond("ZADD", "k2", "2", "b", "1", "a", "1.5", "c");
        sameReply("BZPOPMIN served");
        sameOnSecond("ZRANGE", "k2", "0", "-1", "WITHSCORES");
        sendBoth("BZPOPMAX", "k1", "k3", "0");
        pause();
        sameOnSecond("ZADD", "k3", "7", "x");
        sameReply("BZPOPMAX served");
        sameOnSecond("EXISTS", "k3");
    }

    @Test
    void blockedMultiPopIsServed() {
        sendBoth("BZMPOP", "5", "2", "k1", "k2", "MAX", "COUNT", "2");
        pause();
        sameOnSecond("ZADD", "k2", "1", "a", "2", "b", "3", "c");
        sameReply("BZMPOP served");
        sameOnSecond("ZRANGE", "k2", "0", "-1", "WITHSCORES");
    }

    @Test
    void waitersAreServedInArrivalOrder() {
        sendBoth("BZPOPMIN", "q", "5");
        pause();
        sameOnSecond("BZPOPMIN", "never", "0.01");
        // a third pair of connections waits behind the first
        try (RawClient r3 = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v3 = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            if (protocol == 3) {
                r3.call("HELLO", "3");
                v3.call("HELLO", "3");
            }
            byte[] wire = RawClient.encode(RawClient.argv("BZPOPMIN", "q", "5"));
            r3.send(wire);
            v3.send(wire);
            pause();
            sameOnSecond("ZADD", "q", "1", "first");
            sameReply("first waiter");
            sameOnSecond("ZADD", "q", "2", "second");
            assertEquals(r3.read().text(), v3.read().text(), "second waiter");
        }
    }

    @Test
    void aKeyOfAnotherTypeKeepsTheClientWaiting() {
        sendBoth("BZPOPMIN", "k", "5");
        pause();
        sameOnSecond("SET", "k", "string");
        pause();
        sameOnSecond("DEL", "k");
        sameOnSecond("ZADD", "k", "3", "m");
        sameReply("served after the type changed back");
    }

    @Test
    void timeoutAnswersNull() {
        same("BZPOPMIN", "nokey", "0.1");
        same("BZPOPMAX", "a", "b", "0.05");
        same("BZMPOP", "0.1", "1", "nokey", "MIN");
    }

    @Test
    void dataPresentIsServedAtOnce() {
        both("ZADD", "z", "1", "a", "2", "b", "3", "c");
        both("SET", "str", "v");
        sameFloats("BZPOPMIN", "nokey", "z", "0");
        sameFloats("BZPOPMAX", "z", "0");
        sameFloats("BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "10");
        same("EXISTS", "z");
        same("BZPOPMIN", "str", "0");
        same("BZPOPMIN", "nokey", "str", "0");
        same("BZMPOP", "0", "1", "str", "MIN");
    }

    @Test
    void argumentErrors() {
        for (String t : new String[] {"abc", "-1", "-0.5", "1e", "", " 1"}) {
            same("BZPOPMIN", "k", t);
            same("BZMPOP", t, "1", "k", "MIN");
        }
        same("BZPOPMIN", "k");
        same("BZMPOP", "0", "0", "k", "MIN");
        same("BZMPOP", "0", "1", "k", "UP");
        same("BZMPOP", "0", "1", "k", "MIN", "COUNT", "0");
        same("BZMPOP", "x", "0", "k", "MIN");
        same("BZMPOP", "0", "2", "k");
    }

    @Test
    void insideMultiNothingBlocks() {
        both("ZADD", "z", "1", "a");
        same("MULTI");
        same("BZPOPMIN", "nokey", "0");
        same("BZMPOP", "0", "1", "nokey", "MAX");
        same("BZPOPMIN", "z", "0");
        sameFloats("EXEC");
    }
}
