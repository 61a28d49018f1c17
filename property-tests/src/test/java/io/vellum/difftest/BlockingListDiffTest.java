package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP across connections: a client blocks on each
 * server, the test's main connection changes keys, and the blocked clients' replies must be
 * the same bytes. Timeouts here fire on the servers' real clocks.
 */
class BlockingListDiffTest extends CollectionDiffTest {
    private RawClient[] a;
    private RawClient[] b;

    @AfterEach
    void closeBlockers() {
        for (RawClient[] pair : new RawClient[][] {a, b}) {
            if (pair != null) {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    /**
     * INFO's 7.2 fields total_blocking_keys and total_blocking_keys_on_nokey (KnownDifferences
     * INFO_72: the oracle has neither): the keys clients wait on, and those an XREADGROUP
     * waits on. Redis's blocked_clients is compared too.
     */
    @Test
    void blockingKeyCounts() {
        int port = VellumTarget.get().port();
        both("DEL", "bk1", "bk2", "bk3", "bks");
        both("XGROUP", "CREATE", "bks", "g", "$", "MKSTREAM");
        try (RawClient a = new RawClient("127.0.0.1", port); RawClient b = new RawClient("127.0.0.1", port);
             RawClient c = new RawClient("127.0.0.1", port); RawClient d = new RawClient("127.0.0.1", port)) {
            a.send(RawClient.encode(RawClient.argv("BLPOP", "bk1", "0")));
            b.send(RawClient.encode(RawClient.argv("BLPOP", "bk1", "bk2", "0")));
            c.send(RawClient.encode(RawClient.argv("BRPOP", "bk3", "0")));
            d.send(RawClient.encode(RawClient.argv("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "bks", ">")));
            assertEquals("blocked_clients:4", awaitBlockedClients(vellum, 4));
            String info = vellum.call("INFO", "clients").node().scalarText();
            assertEquals(true, info.contains("total_blocking_keys:4\r\n"), info);
            assertEquals(true, info.contains("total_blocking_keys_on_nokey:1\r\n"), info);
            vellum.call("LPUSH", "bk1", "x", "y");
            a.read();
            b.read();
            vellum.call("RPUSH", "bk3", "z");
            c.read();
            vellum.call("XADD", "bks", "*", "f", "v");
            d.read();
            info = vellum.call("INFO", "clients").node().scalarText();
            assertEquals(true, info.contains("total_blocking_keys:0\r\n"), info);
            assertEquals(true, info.contains("total_blocking_keys_on_nokey:0\r\n"), info);
        }
        both("DEL", "bks");
    }

    @Test
    void eachCommandIsServedByAPushFromAnotherConnection() {
        a = connectBoth();
        String[][] cases = {
                {"BLPOP", "k1", "k2", "0"},
                {"BRPOP", "k1", "k2", "0"},
                {"BLMOVE", "k2", "dst", "LEFT", "RIGHT", "0"},
                {"BRPOPLPUSH", "k2", "dst", "0"},
                {"BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2"},
                {"BLMPOP", "10", "2", "k1", "k2", "LEFT"}};
        for (String[] blocking : cases) {
            sendBoth(a, blocking);
            awaitBlocked(1);
            same("RPUSH", "k2", "a", "b", "c");
            sameRead(a, String.join(" ", blocking));
            awaitBlocked(0);
            same("LRANGE", "k2", "0", "-1");
            same("DEL", "k2");
        }
        same("LRANGE", "dst", "0", "-1");
    }

    @Test
    void servedAtOnceWhenAListHasElements() {
        same("RPUSH", "k", "a", "b", "c", "d", "e");
        same("BLPOP", "nokey", "k", "0");
        same("BRPOP", "k", "0");
        same("BLMOVE", "k", "k", "LEFT", "RIGHT", "0");
        same("BRPOPLPUSH", "k", "other", "0");
        same("BLMPOP", "0", "2", "nokey", "k", "LEFT", "COUNT", "5");
        same("EXISTS", "k");
    }

    @Test
    void timeoutsAnswerTheNullArray() {
        a = connectBoth();
        for (String[] blocking : new String[][] {
                {"BLPOP", "k", "0.05"}, {"BRPOP", "k1", "k2", "0.05"}, {"BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"},
                {"BRPOPLPUSH", "k", "d", "0.05"}, {"BLMPOP", "0.05", "1", "k", "LEFT", "COUNT", "3"}}) {
            sendBoth(a, blocking);
            sameRead(a, String.join(" ", blocking));
        }
        awaitBlocked(0);
    }

    @Test
    void insideMultiNothingBlocks() {
        same("MULTI");
        same("BLPOP", "x", "0");
        same("BRPOP", "x", "0");
        same("BLMOVE", "x", "y", "LEFT", "LEFT", "0");
        same("BRPOPLPUSH", "x", "y", "0");
        same("BLMPOP", "0", "1", "x", "LEFT");
        same("RPUSH", "x", "1");
        same("BLPOP", "x", "0");
        same("EXEC");
    }

    @Test
    void clientsAreServedFirstComeFirstServed() {
        a = connectBoth();
        b = connectBoth();
        sendBoth(a, "BLPOP", "k1", "k2", "0");
        awaitBlocked(1);
        sendBoth(b, "BLPOP", "k1", "0");
        awaitBlocked(2);
        // k2 is signalled but empty again: A must keep its place ahead of B on k1
        same("MULTI");
        same("LPUSH", "k2", "x");
        same("DEL", "k2");
        same("EXEC");
        same("LPUSH", "k1", "first");
        sameRead(a, "A, blocked first");
        awaitBlocked(1);
        same("LPUSH", "k1", "second");
        sameRead(b, "B");
        awaitBlocked(0);
    }

    @Test
    void aKeyOfAnotherTypeDoesNotWakeTheClient() {
        a = connectBoth();
        sendBoth(a, "BLPOP", "k", "0");
        awaitBlocked(1);
        same("SET", "k", "s");
        same("DEL", "k");
        same("RPUSH", "k", "v");
        sameRead(a, "BLPOP k after SET, DEL, RPUSH");
        awaitBlocked(0);
    }

    @Test
    void aServedBlmoveWakesAClientOfItsDestination() {
        a = connectBoth();
        b = connectBoth();
        sendBoth(a, "BLMOVE", "q1", "q2", "RIGHT", "LEFT", "0");
        awaitBlocked(1);
        sendBoth(b, "BLPOP", "q2", "0");
        awaitBlocked(2);
        same("RPUSH", "q1", "job");
        sameRead(a, "BLMOVE");
        sameRead(b, "BLPOP of the destination");
        awaitBlocked(0);
        same("EXISTS", "q1", "q2");
    }

    @Test
    void commandsPipelinedBehindABlockedOneWaitForIt() {
        a = connectBoth();
        sendBoth(a, "BLPOP", "k", "0");
        sendBoth(a, "LLEN", "k");
        awaitBlocked(1);
        same("RPUSH", "k", "1", "2");
        sameRead(a, "BLPOP");
        sameRead(a, "LLEN after it");
    }

    @Test
    void aTinyNegativeTimeoutWaitsForever() {
        a = connectBoth();
        sendBoth(a, "BLPOP", "k", "-0.0001");
        awaitBlocked(1);
        same("RPUSH", "k", "v");
        sameRead(a, "BLPOP k -0.0001");
    }

    @Test
    void timeoutErrors() {
        // "0x1p-6": strtold takes hex floats; a 15 ms timeout keeps the test fast
        for (String t : new String[] {"x", "nan", "-1", "-inf", "1.5e", " 1", "0x1p-6", "1e-400"}) {
            same("BLPOP", "k", t);
            same("BLMPOP", t, "1", "k", "LEFT");
            same("BLMOVE", "a", "b", "LEFT", "LEFT", t);
        }
        String err = "-ERR timeout is out of range\\r\\n";
        differs(KnownDifferences.Rule.TIMEOUT_RANGE_72, "-ERR timeout is negative\\r\\n", err, "BLPOP", "k", "inf");
        differs(KnownDifferences.Rule.TIMEOUT_RANGE_72, "-ERR timeout is negative\\r\\n", err, "BRPOPLPUSH", "k", "d", "1e300");
    }

    @Test
    void aServedCommandChangesWhatAnotherClientWatches() {
        a = connectBoth();
        b = connectBoth();
        same("WATCH", "l");
        sendBoth(a, "BLPOP", "l", "0");
        awaitBlocked(1);
        sendBoth(b, "LPUSH", "l", "x");
        sameRead(b, "LPUSH");
        sameRead(a, "BLPOP, served");
        same("MULTI");
        same("LPUSH", "l", "mine");
        same("EXEC");
        // the destination of a served BLMOVE: only the served command writes it
        same("WATCH", "dst");
        sendBoth(a, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        awaitBlocked(1);
        sendBoth(b, "LPUSH", "src", "y");
        sameRead(b, "LPUSH src");
        sameRead(a, "BLMOVE, served");
        same("MULTI");
        same("DEL", "dst");
        same("EXEC");
        same("LRANGE", "dst", "0", "-1");
    }

    @Test
    void aBlockedCommandIsCountedOnceWhenItsWaitEnds() {
        a = connectBoth();
        String[] ids = {a[0].call("CLIENT", "ID").node().scalarText(), a[1].call("CLIENT", "ID").node().scalarText()};
        both("SET", "dst", "a string");
        both("CONFIG", "RESETSTAT");
        sendBoth(a, "BLPOP", "l", "0");
        awaitBlocked(1);
        same("RPUSH", "l", "x");
        sameRead(a, "BLPOP, served");
        sendBoth(a, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        awaitBlocked(1);
        same("RPUSH", "src", "y");
        sameRead(a, "BLMOVE into a string, served: WRONGTYPE");
        sendBoth(a, "BLPOP", "l", "0");
        awaitBlocked(1);
        redis.call("CLIENT", "UNBLOCK", ids[0], "ERROR");
        vellum.call("CLIENT", "UNBLOCK", ids[1], "ERROR");
        sameRead(a, "BLPOP, unblocked with an error");
        sendBoth(a, "BLPOP", "l", "0.01");
        sameRead(a, "BLPOP, timed out");
        Map<String, Map<String, String>> r = ServerDiffTest.sections(redis.call("INFO", "commandstats", "errorstats").node());
        Map<String, Map<String, String>> v = ServerDiffTest.sections(vellum.call("INFO", "commandstats", "errorstats").node());
        for (String cmd : new String[] {"cmdstat_blpop", "cmdstat_blmove", "cmdstat_rpush"}) {
            assertEquals(withoutUsec(r.get("Commandstats").get(cmd)), withoutUsec(v.get("Commandstats").get(cmd)), cmd);
        }
        assertEquals(r.get("Errorstats"), v.get("Errorstats"));
    }

    /** calls, rejected_calls, failed_calls of a cmdstat value (usec values differ). */
    private static String withoutUsec(String stat) {
        StringBuilder sb = new StringBuilder();
        for (String kv : stat.split(",")) {
            if (!kv.startsWith("usec")) {
                sb.append(kv).append(',');
            }
        }
        return sb.toString();
    }

    @Test
    void aRetryRunsTheWholeCommandAgainIn72() {
        a = connectBoth();
        sendBoth(a, "BLPOP", "k1", "k2", "0");
        awaitBlocked(1);
        same("SET", "k1", "s");
        same("RPUSH", "k2", "v");
        String theirs = a[0].read().text();
        String ours = a[1].read().text();
        assertEquals("*2\\r\\n$2\\r\\nk2\\r\\n$1\\r\\nv\\r\\n", theirs, "7.0 serves from the ready key");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n", ours,
                KnownDifferences.Rule.BLOCKING_RETRY_72 + ": 7.2 runs BLPOP again and meets k1 first");
        awaitBlocked(0);
    }
}
