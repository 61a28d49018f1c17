package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pub/Sub against a real redis-server, in RESP2 and RESP3, with a second connection per
 * server: (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE confirmations and their counts, messages and
 * pattern messages (glob specials, binary channels and payloads), receiver counts, PUBSUB
 * introspection, RESP2's subscribed-mode rules and RESET.
 *
 * <p>Where Redis follows a hash table (the order of unsubscribe-all confirmations, of
 * pmessages to one client from several patterns, of PUBSUB CHANNELS) the replies are
 * compared as multisets (KnownDifferences ORDER). Every test ends by checking that nothing
 * more is pending on either connection (a PING answers next).
 */
class PubSubDiffTest extends DifferentialTest {
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

    private static byte[][] argv(String... args) {
        return RawClient.argv(args);
    }

    /** Sends on one pair of connections and compares the next {@code n} replies byte for byte. */
    private void sameN(RawClient r, RawClient v, int n, byte[]... cmd) {
        byte[] wire = RawClient.encode(cmd);
        r.send(wire);
        v.send(wire);
        for (int i = 0; i < n; i++) {
            RespReader.Raw a = r.read();
            RespReader.Raw b = v.read();
            if (!Arrays.equals(a.bytes(), b.bytes())) {
                fail(describe(cmd) + " reply " + (i + 1) + "/" + n + "\n  redis:  " + a.text() + "\n  vellum: " + b.text());
            }
        }
    }

    /** Main connections ({@code redis}, {@code vellum}). */
    private void same1(int n, String... cmd) {
        sameN(redis, vellum, n, argv(cmd));
    }

    /** Second connections. */
    private void same2(int n, String... cmd) {
        sameN(redis2, vellum2, n, argv(cmd));
    }

    /** Reads the next {@code n} replies on a pair (messages) and compares them as multisets. */
    private static void samePendingUnordered(RawClient r, RawClient v, int n, String what) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add(r.read().text());
            b.add(v.read().text());
        }
        Collections.sort(a);
        Collections.sort(b);
        assertEquals(a, b, what);
    }

    /** Reads the next reply on a pair (a message); it must be the same bytes. */
    private static void samePending(RawClient r, RawClient v, String what) {
        RespReader.Raw a = r.read();
        RespReader.Raw b = v.read();
        assertEquals(a.text(), b.text(), what);
    }

    /**
     * An unsubscribe-all: {@code n} confirmations whose names come in hash order in Redis.
     * The words and counts must come in the same sequence, the names as the same multiset.
     */
    private void sameUnsubscribeAll(RawClient r, RawClient v, int n, String... cmd) {
        byte[] wire = RawClient.encode(argv(cmd));
        r.send(wire);
        v.send(wire);
        List<String> rNames = new ArrayList<>();
        List<String> vNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RespReader.Node a = r.read().node();
            RespReader.Node b = v.read().node();
            assertEquals(a.type(), b.type(), String.join(" ", cmd));
            assertEquals(a.children().get(0).toString(), b.children().get(0).toString(), String.join(" ", cmd));
            assertEquals(a.children().get(2).toString(), b.children().get(2).toString(), String.join(" ", cmd) + " count");
            rNames.add(a.children().get(1).toString());
            vNames.add(b.children().get(1).toString());
        }
        Collections.sort(rNames);
        Collections.sort(vNames);
        assertEquals(rNames, vNames, String.join(" ", cmd));
    }

    /** Nothing else pending on either pair: a PING answers next (as a subscribed client may). */
    private void nothingPending() {
        same1(1, "PING", "end");
        same2(1, "PING", "end");
    }

    /**
     * Redis's tests/unit/pubsub.tcl "PubSub messages with CLIENT REPLY OFF": subscription
     * notifications and messages are pushes (CLIENT_PUSHING), sent whatever CLIENT REPLY says.
     */
    @Test
    void notificationsAndMessagesIgnoreClientReplyOff() {
        sameN(redis2, vellum2, 0, argv("CLIENT", "REPLY", "OFF"));
        same2(1, "SUBSCRIBE", "quiet");
        same2(1, "PSUBSCRIBE", "qu*");
        same1(1, "PUBLISH", "quiet", "hello");
        samePending(redis2, vellum2, "message");
        samePending(redis2, vellum2, "pmessage");
        same2(1, "UNSUBSCRIBE", "quiet");
        same2(1, "PUNSUBSCRIBE", "qu*");
        sameN(redis2, vellum2, 0, argv("CLIENT", "REPLY", "ON"));
        same2(1, "PING", "back");
        // SKIP drops the next reply only; a SUBSCRIBE's notifications still arrive
        sameN(redis2, vellum2, 0, argv("CLIENT", "REPLY", "SKIP"));
        same2(1, "SUBSCRIBE", "skipped");
        same2(1, "UNSUBSCRIBE", "skipped");
        nothingPending();
    }

    @Test
    void subscribePublishUnsubscribe() {
        same2(2, "SUBSCRIBE", "news", "sport");
        same2(1, "SUBSCRIBE", "news"); // already subscribed: the count stays
        same1(1, "PUBLISH", "news", "hello");
        samePending(redis2, vellum2, "message");
        same1(1, "PUBLISH", "nobody", "x");
        same1(1, "PUBLISH", "sport", "");
        samePending(redis2, vellum2, "empty message");
        same1(1, "PUBSUB", "NUMSUB", "news", "sport", "nobody");
        same1(1, "PUBSUB", "NUMSUB");
        sameUnordered("PUBSUB", "CHANNELS");
        same1(1, "PUBSUB", "CHANNELS", "n*");
        same1(1, "PUBSUB", "CHANNELS", "x*");
        same1(1, "PUBSUB", "NUMPAT");
        same2(1, "UNSUBSCRIBE", "news");
        same2(1, "UNSUBSCRIBE", "never");
        same1(1, "PUBLISH", "news", "gone");
        same2(1, "UNSUBSCRIBE");
        same2(1, "UNSUBSCRIBE"); // nothing left: one confirmation with a null name
        same1(1, "PUBSUB", "CHANNELS");
        nothingPending();
    }

    @Test
    void unsubscribeAllRepliesOnePerChannelWithFallingCounts() {
        same2(5, "SUBSCRIBE", "a", "b", "c", "d", "e");
        same2(2, "PSUBSCRIBE", "p1", "p2");
        sameUnsubscribeAll(redis2, vellum2, 5, "UNSUBSCRIBE");
        sameUnsubscribeAll(redis2, vellum2, 2, "PUNSUBSCRIBE");
        same2(1, "PUNSUBSCRIBE");
        same2(3, "SSUBSCRIBE", "s1", "s2", "s3");
        sameUnsubscribeAll(redis2, vellum2, 3, "SUNSUBSCRIBE");
        same2(1, "SUNSUBSCRIBE");
        nothingPending();
    }

    @Test
    void patternsWithGlobSpecials() {
        String[] patterns = {"h?llo", "h[ae]llo", "h*", "h\\*x", "[^h]*", "news.[a-c]", "*"};
        for (String p : patterns) {
            same2(1, "PSUBSCRIBE", p);
        }
        same1(1, "PUBSUB", "NUMPAT");
        String[][] cases = {{"hello", "4"}, {"hallo", "4"}, {"hxllo", "3"}, {"h*x", "3"}, {"hx", "2"},
                {"news.b", "3"}, {"news.d", "2"}, {"", "2"}, {"h[ae]llo", "2"}};
        for (String[] c : cases) {
            RespReader.Raw n = redis.call("PUBLISH", c[0], "m");
            RespReader.Raw v = vellum.call("PUBLISH", c[0], "m");
            assertEquals(n.text(), v.text(), "PUBLISH " + c[0]);
            int receivers = Integer.parseInt(v.node().scalarText());
            samePendingUnordered(redis2, vellum2, receivers, "pmessages for " + c[0]);
        }
        same2(1, "PUNSUBSCRIBE", "h*");
        same2(1, "PUNSUBSCRIBE", "no-such");
        same1(1, "PUBSUB", "NUMPAT");
        // a channel subscription and a matching pattern: the message, then the pmessage
        same2(1, "SUBSCRIBE", "hello");
        same1(1, "PUBLISH", "hello", "both");
        samePendingUnordered(redis2, vellum2, 4, "message and pmessages");
        nothingPending();
    }

    @Test
    void binaryChannelsAndMessages() {
        byte[] channel = {'c', 0, '\r', '\n', (byte) 0xff, ' '};
        byte[] message = {0, 1, 2, (byte) 0x80, '\n'};
        byte[] pattern = {'c', 0, '*'};
        sameN(redis2, vellum2, 1, new byte[][] {"SUBSCRIBE".getBytes(StandardCharsets.US_ASCII), channel});
        sameN(redis2, vellum2, 1, new byte[][] {"PSUBSCRIBE".getBytes(StandardCharsets.US_ASCII), pattern});
        sameN(redis, vellum, 1, new byte[][] {"PUBLISH".getBytes(StandardCharsets.US_ASCII), channel, message});
        samePending(redis2, vellum2, "binary message");
        samePending(redis2, vellum2, "binary pmessage");
        sameN(redis, vellum, 1, new byte[][] {"PUBSUB".getBytes(StandardCharsets.US_ASCII),
                "NUMSUB".getBytes(StandardCharsets.US_ASCII), channel});
        sameN(redis, vellum, 1, argv("PUBSUB", "CHANNELS"));
        sameN(redis2, vellum2, 1, new byte[][] {"UNSUBSCRIBE".getBytes(StandardCharsets.US_ASCII), channel});
        sameN(redis2, vellum2, 1, argv("PUNSUBSCRIBE"));
        nothingPending();
    }

    @Test
    void shardChannels() {
        same2(2, "SSUBSCRIBE", "s1", "s2");
        same2(1, "SUBSCRIBE", "s1"); // a plain subscription is counted apart
        same1(1, "SPUBLISH", "s1", "sharded");
        samePending(redis2, vellum2, "smessage");
        same1(1, "PUBLISH", "s1", "plain");
        samePending(redis2, vellum2, "message");
        same1(1, "PUBSUB", "SHARDNUMSUB", "s1", "s2", "s3");
        same1(1, "PUBSUB", "SHARDNUMSUB");
        sameUnordered("PUBSUB", "SHARDCHANNELS");
        same1(1, "PUBSUB", "SHARDCHANNELS", "*2");
        same1(1, "PUBSUB", "NUMSUB", "s1", "s2");
        same2(1, "SUNSUBSCRIBE", "s2");
        same2(1, "SUNSUBSCRIBE", "s2");
        same2(1, "PSUBSCRIBE", "s*");
        same1(1, "SPUBLISH", "s1", "patterns do not see shard messages");
        samePending(redis2, vellum2, "smessage without pmessage");
        nothingPending();
    }

    @Test
    void subscribedModeRules() {
        same2(1, "SUBSCRIBE", "ch");
        // RESP2 allows only the subscribe family, PING, QUIT and RESET; RESP3 allows everything
        same2(1, "GET", "k");
        same2(1, "SET", "k", "v");
        same2(1, "PUBSUB", "NUMSUB", "ch");
        same2(1, "MULTI");
        same2(1, "DISCARD");
        same2(1, "PING");
        same2(1, "PING", "hi");
        same2(1, "PING", "a", "b");
        same2(1, "PSUBSCRIBE", "c*");
        same2(1, "UNSUBSCRIBE", "ch");
        same2(1, "GET", "k"); // still subscribed to a pattern
        same2(1, "PUNSUBSCRIBE", "c*");
        same2(1, "GET", "k"); // out of subscribed mode
        same2(1, "PING");
        same2(1, "SSUBSCRIBE", "sh");
        same2(1, "ECHO", "x");
        same2(1, "RESET");
        same2(1, "PING"); // RESET left subscribed mode (and RESP3)
        same1(1, "PUBSUB", "SHARDCHANNELS");
        nothingPending();
    }

    @Test
    void subscribeInsideMulti() {
        same2(1, "MULTI");
        same2(1, "SUBSCRIBE", "m1");
        same2(1, "SSUBSCRIBE", "m2");
        same2(1, "PING");
        same2(1, "EXEC");
        same1(1, "PUBLISH", "m1", "after exec");
        samePending(redis2, vellum2, "message");
        same1(1, "PUBSUB", "SHARDNUMSUB", "m2");
        nothingPending();
    }

    @Test
    void arityAndSyntaxErrors() {
        same1(1, "SUBSCRIBE");
        same1(1, "PSUBSCRIBE");
        same1(1, "SSUBSCRIBE");
        same1(1, "PUBLISH", "a");
        same1(1, "PUBLISH", "a", "b", "c");
        same1(1, "SPUBLISH", "a");
        same1(1, "PUBSUB");
        same1(1, "PUBSUB", "NOPE");
        same1(1, "PUBSUB", "CHANNELS", "a", "b");
        same1(1, "PUBSUB", "SHARDCHANNELS", "a", "b");
        same1(1, "PUBSUB", "NUMPAT", "x");
        same1(1, "PUBSUB", "HELP");
        same1(1, "PUBSUB", "help");
        same1(1, "PUBSUB", "HELP", "x");
        nothingPending();
    }

    @Test
    void subscriberCountsAcrossConnections() {
        same1(1, "SUBSCRIBE", "shared");
        same2(1, "SUBSCRIBE", "shared");
        try (RawClient r3 = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v3 = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            sameN(r3, v3, 1, argv("PUBSUB", "NUMSUB", "shared"));
            sameN(r3, v3, 1, argv("PUBLISH", "shared", "to both"));
            samePending(redis, vellum, "first subscriber");
            samePending(redis2, vellum2, "second subscriber");
            sameN(r3, v3, 1, argv("PSUBSCRIBE", "sh*"));
            same1(1, "PUBSUB", "NUMPAT");
        }
        // the third connection closed: its pattern goes once each server has seen the close
        awaitNoPatterns(RedisOracle.get().port());
        awaitNoPatterns(VellumTarget.get().port());
        same2(1, "PUBSUB", "NUMPAT");
        same2(1, "PUBSUB", "NUMSUB", "shared");
        nothingPending();
    }

    private static void awaitNoPatterns(int port) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.call("PUBSUB", "NUMPAT").text().equals(":0\\r\\n")) {
                if (System.nanoTime() > deadline) {
                    fail("the closed connection's pattern is still counted on port " + port);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * A RESP3 client publishing to a channel it is subscribed to: Redis 7.2 sends the PUBLISH
     * reply first and the message after it (redis/redis#12326, released in 7.2.0); 7.0 sends
     * the message first (KnownDifferences PUBLISH_SELF_72). The two replies must be the same
     * pair; Vellum's must come in 7.2's order.
     */
    @Test
    void publishToSelfRepliesBeforeTheMessage() {
        if (protocol != 3) {
            return; // a RESP2 subscriber cannot PUBLISH
        }
        same1(1, "SUBSCRIBE", "me");
        byte[] wire = RawClient.encode(argv("PUBLISH", "me", "hello"));
        redis.send(wire);
        vellum.send(wire);
        List<String> r = List.of(redis.read().text(), redis.read().text());
        List<String> v = List.of(vellum.read().text(), vellum.read().text());
        assertEquals(":1\\r\\n", v.get(0), "7.2: the reply first");
        assertTrue(v.get(1).startsWith(">3"), v.toString());
        assertEquals(new java.util.HashSet<>(r), new java.util.HashSet<>(v));
        nothingPending();
    }
}
