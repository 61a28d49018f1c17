package io.vellum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pub/Sub through embedded connections: confirmations answer the subscribe-family commands
 * (one push, or an array of them), messages wait in the subscriber's push queue, and the
 * replies of later commands still reach the right callers.
 */
class VellumConnectionPubSubTest {
    private static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply.Push push(Object... items) {
        return new Reply.Push(java.util.Arrays.stream(items)
                .map(o -> o instanceof Long l ? (Reply) new Reply.Int(l) : o == null ? new Reply.Null(false) : bulk((String) o))
                .toList());
    }

    @Test
    void subscribePublishAndUnsubscribeAll() throws Exception {
        try (Vellum store = Vellum.inMemory();
                VellumConnection sub = store.connect();
                VellumConnection pub = store.connect()) {
            assertEquals(push("subscribe", "news", 1L), sub.execute("SUBSCRIBE", "news"));
            assertEquals(new Reply.Array(List.of(push("psubscribe", "n*", 2L), push("psubscribe", "x*", 3L))),
                    sub.execute("PSUBSCRIBE", "n*", "x*"));
            assertEquals(new Reply.Int(2), pub.execute("PUBLISH", "news", "hi"));
            assertEquals(push("message", "news", "hi"), sub.nextPush(5, TimeUnit.SECONDS));
            assertEquals(push("pmessage", "n*", "news", "hi"), sub.nextPush(5, TimeUnit.SECONDS));
            // RESP3: other commands still work while subscribed, their replies not mixed up
            assertEquals(new Reply.Simple("OK"), sub.execute("SET", "k", "v"));
            assertEquals(new Reply.Array(List.of(push("punsubscribe", "n*", 2L), push("punsubscribe", "x*", 1L))),
                    sub.execute("PUNSUBSCRIBE"));
            assertEquals(push("unsubscribe", "news", 0L), sub.execute("UNSUBSCRIBE"));
            assertEquals(push("unsubscribe", null, 0L), sub.execute("UNSUBSCRIBE"));
            assertEquals(new Reply.Int(0), pub.execute("PUBLISH", "news", "nobody"));
            assertNull(sub.nextPush(50, TimeUnit.MILLISECONDS));
            assertEquals(bulk("v"), sub.execute("GET", "k"));
        }
    }

    /** PUBLISH units are logged; reopening replays them (digests checked) and delivers nothing. */
    @Test
    void loggedPublishesReplayOnReopen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (Vellum store = Vellum.open(dir);
                VellumConnection sub = store.connect();
                VellumConnection pub = store.connect()) {
            sub.execute("SUBSCRIBE", "ch");
            assertEquals(new Reply.Int(1), pub.execute("PUBLISH", "ch", "one"));
            pub.execute("MULTI");
            pub.execute("SET", "k", "v");
            pub.execute("SUBSCRIBE", "ch");
            pub.execute("PUBLISH", "ch", "two");
            pub.execute("PUBSUB", "NUMSUB", "ch");
            Reply exec = pub.execute("EXEC");
            assertEquals(4, ((Reply.Array) exec).items().size(), exec.toString());
            assertEquals(push("message", "ch", "one"), sub.nextPush(5, TimeUnit.SECONDS));
            assertEquals(push("message", "ch", "two"), sub.nextPush(5, TimeUnit.SECONDS));
            assertEquals(push("message", "ch", "two"), pub.nextPush(5, TimeUnit.SECONDS));
        }
        try (Vellum store = Vellum.open(dir); VellumConnection c = store.connect()) {
            assertEquals(bulk("v"), c.execute("GET", "k"));
            assertEquals(new Reply.Array(List.of(bulk("ch"), new Reply.Int(0))), c.execute("PUBSUB", "NUMSUB", "ch"));
        }
    }

    @Test
    void publishingToItselfRepliesFirstAndResetForgets() throws Exception {
        try (Vellum store = Vellum.inMemory(); VellumConnection c = store.connect()) {
            c.execute("SSUBSCRIBE", "s");
            c.execute("SUBSCRIBE", "a", "b");
            assertEquals(new Reply.Int(1), c.execute("SPUBLISH", "s", "self"));
            assertEquals(push("smessage", "s", "self"), c.nextPush(5, TimeUnit.SECONDS));
            assertEquals(new Reply.Simple("RESET"), c.execute("RESET"));
            // RESET dropped the subscriptions: an unsubscribe-all confirms "nothing"
            assertEquals(push("unsubscribe", null, 0L), c.execute("UNSUBSCRIBE"));
            assertEquals(new Reply.Simple("PONG"), c.execute("PING"));
        }
    }
}
