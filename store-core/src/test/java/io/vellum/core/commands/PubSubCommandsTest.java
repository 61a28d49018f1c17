package io.vellum.core.commands;

import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the differential tests cannot see: PUBLISH is logged, a follower replaying it delivers
 * to its own subscribers, the store replaying its own log delivers nothing, replies that
 * depend on subscriptions stay out of the effect digest, messages to the publisher itself
 * follow its reply, and RESET and closed connections drop their subscriptions.
 */
class PubSubCommandsTest {
    private TestStore st;

    @BeforeEach
    void open() {
        st = new TestStore();
    }

    @AfterEach
    void close() {
        st.close();
    }

    private static Reply push(Reply... items) {
        return new Reply.Push(List.of(items));
    }

    private static List<Reply> pipeline(TestStore.Client c, String... args) {
        return c.pipeline(List.<String[]>of(args));
    }

    private static String text(Reply r) {
        return r instanceof Reply.Verbatim v ? new String(v.value()) : ((Reply.Bulk) r).utf8();
    }

    @Test
    void publishReachesSubscribersAndIsLogged() {
        TestStore.Client sub = st.client(3);
        TestStore.Client pub = st.client();
        assertEquals(List.of(push(bulk("subscribe"), bulk("a"), integer(1)),
                push(bulk("subscribe"), bulk("b"), integer(2))), pipeline(sub, "SUBSCRIBE", "a", "b"));
        assertEquals(push(bulk("psubscribe"), bulk("a*"), integer(3)), sub.call("PSUBSCRIBE", "a*"));
        sub.drain();
        int before = st.records.size();
        assertEquals(integer(2), pub.call("PUBLISH", "a", "hi"));
        assertEquals(List.of(push(bulk("message"), bulk("a"), bulk("hi")),
                push(bulk("pmessage"), bulk("a*"), bulk("a"), bulk("hi"))), sub.drain());
        assertEquals(before + 1, st.records.size());
        UnitRecord r = st.records.get(before);
        assertEquals("PUBLISH", new String(r.commands().get(0)[0]));
        assertEquals(integer(0), pub.call("PUBLISH", "nobody", "x"));
        assertEquals(before + 2, st.records.size(), "a PUBLISH nobody hears is logged too");
    }

    @Test
    void followerReplayDeliversAndOwnLogReplayDoesNot() {
        TestStore.Client pub = st.client();
        TestStore.Client primarySub = st.client();
        primarySub.call("SUBSCRIBE", "ch");
        assertEquals(integer(1), pub.call("PUBLISH", "ch", "m1"));
        UnitRecord r = st.records.get(st.records.size() - 1);

        try (TestStore follower = new TestStore()) {
            TestStore.Client sub = follower.client();
            sub.call("SUBSCRIBE", "ch");
            sub.drain();
            TestStore.Client other = follower.client();
            follower.engine.applyRecord(r, true); // as a follower: throws if the digest differed
            other.call("PING"); // ends a batch: what was written is released
            assertEquals(List.of(push(bulk("message"), bulk("ch"), bulk("m1"))), sub.drain());
            assertEquals(1, follower.records.size());

            follower.engine.applyRecord(r, false); // a follower without a log of its own
            other.call("PING");
            assertEquals(List.of(push(bulk("message"), bulk("ch"), bulk("m1"))), sub.drain());

            follower.engine.setLoading(true); // recovery replaying the store's own log
            follower.engine.applyRecord(r, false);
            follower.engine.setLoading(false);
            other.call("PING"); // nothing re-published
            assertEquals(List.of(), sub.drain());
        }
    }

    @Test
    void aLoggedTransactionWithSubscriptionsReplaysWithTheSameDigest() {
        TestStore.Client c = st.client();
        List<Reply> replies = c.pipeline(List.of(new String[] {"MULTI"}, new String[] {"SET", "k", "v"},
                new String[] {"SUBSCRIBE", "x"}, new String[] {"PUBLISH", "x", "self"}, new String[] {"PING"},
                new String[] {"PUBSUB", "NUMSUB", "x"}, new String[] {"EXEC"}));
        // the message to the publisher itself comes after the EXEC reply (Redis 7.2)
        Reply exec = replies.get(replies.size() - 2);
        assertTrue(exec instanceof Reply.Array a && a.items().size() == 5, exec.toString());
        assertEquals(push(bulk("message"), bulk("x"), bulk("self")), replies.get(replies.size() - 1));
        UnitRecord r = st.records.get(st.records.size() - 1);
        assertEquals(UnitRecord.Kind.TRANSACTION, r.kind());
        try (TestStore follower = new TestStore()) {
            follower.engine.applyRecord(r, true); // throws if the digest differed
            assertEquals(bulk("v"), follower.client().call("GET", "k"));
        }
    }

    @Test
    void selfPublishInResp3RepliesFirst() {
        TestStore.Client c = st.client(3);
        c.call("SUBSCRIBE", "me");
        assertEquals(List.of(integer(1), push(bulk("message"), bulk("me"), bulk("hello"))),
                pipeline(c, "PUBLISH", "me", "hello"));
    }

    @Test
    void resetAndCloseDropSubscriptions() {
        TestStore.Client a = st.client();
        TestStore.Client b = st.client();
        a.call("SUBSCRIBE", "c1");
        a.call("PSUBSCRIBE", "p*");
        b.call("SSUBSCRIBE", "s1");
        assertEquals(array(bulk("c1"), integer(1)), st.client().call("PUBSUB", "NUMSUB", "c1"));
        assertEquals(integer(1), st.client().call("PUBSUB", "NUMPAT"));
        assertEquals(new Reply.Simple("RESET"), a.call("RESET"));
        assertEquals(integer(0), st.client().call("PUBSUB", "NUMPAT"));
        assertEquals(array(bulk("s1")), st.client().call("PUBSUB", "SHARDCHANNELS"));
        st.engine.closeSession(b.session);
        assertEquals(array(), st.client().call("PUBSUB", "SHARDCHANNELS"));
        assertEquals(OK, a.call("SET", "k", "v"), "out of subscribed mode after RESET");
    }

    @Test
    void clientListAndInfoCountSubscriptions() {
        TestStore.Client a = st.client();
        pipeline(a, "SUBSCRIBE", "c1", "c2");
        a.call("PSUBSCRIBE", "p*");
        a.call("SSUBSCRIBE", "s1");
        String line = text(st.client().call("CLIENT", "LIST", "ID", Long.toString(a.session.id())));
        assertTrue(line.contains(" flags=P ") && line.contains(" sub=2 psub=1 ssub=1 "), line);
        String info = text(st.client().call("INFO", "stats"));
        assertTrue(info.contains("pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n"), info);
    }
}
