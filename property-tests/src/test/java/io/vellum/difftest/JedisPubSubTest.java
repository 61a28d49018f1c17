package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisProtocol;

/**
 * A real client library on Vellum over several connections: a Jedis subscriber (RESP2 and
 * RESP3) gets what another connection publishes, adds a pattern while subscribed, pings (RESP2
 * only, see below), and leaves subscribed mode; and a BLPOP on one connection is served by an RPUSH from another
 * while a PUBLISH in between wakes nobody.
 */
class JedisPubSubTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<Jedis> opened = new java.util.ArrayList<>();

    private Jedis connect(RedisProtocol protocol) {
        Jedis j = new Jedis("127.0.0.1", VellumTarget.get().port(),
                DefaultJedisClientConfig.builder().protocol(protocol).socketTimeoutMillis(10_000).build());
        opened.add(j);
        return j;
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        opened.forEach(Jedis::close);
    }

    /** Records what the subscriber sees, as text, in arrival order. */
    private static final class Recorder extends JedisPubSub {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final CountDownLatch subscribed = new CountDownLatch(1);

        @Override
        public void onSubscribe(String channel, int count) {
            events.add("subscribe " + channel + " " + count);
            subscribed.countDown();
        }

        @Override
        public void onPSubscribe(String pattern, int count) {
            events.add("psubscribe " + pattern + " " + count);
        }

        @Override
        public void onMessage(String channel, String message) {
            events.add("message " + channel + " " + message);
            if (message.equals("bye")) {
                unsubscribe();
                punsubscribe();
            }
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            events.add("pmessage " + pattern + " " + channel + " " + message);
        }

        @Override
        public void onPong(String message) {
            events.add("pong " + message);
        }

        @Override
        public void onUnsubscribe(String channel, int count) {
            events.add("unsubscribe " + channel + " " + count);
        }

        @Override
        public void onPUnsubscribe(String pattern, int count) {
            events.add("punsubscribe " + pattern + " " + count);
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no pub/sub event within 10 s");
            }
            return e;
        }
    }

    @Test
    void subscriberAndPublisherOnTwoConnectionsResp2() throws Exception {
        subscriberAndPublisher(RedisProtocol.RESP2);
    }

    @Test
    void subscriberAndPublisherOnTwoConnectionsResp3() throws Exception {
        subscriberAndPublisher(RedisProtocol.RESP3);
    }

    private void subscriberAndPublisher(RedisProtocol protocol) throws Exception {
        Jedis subscriber = connect(protocol);
        Jedis publisher = connect(protocol);
        String channel = "news-" + protocol;
        Recorder r = new Recorder();
        Future<?> listening = pool.submit(() -> subscriber.subscribe(r, channel));
        assertTrue(r.subscribed.await(10, TimeUnit.SECONDS));
        assertEquals("subscribe " + channel + " 1", r.next());

        assertEquals(1L, publisher.publish(channel, "hello"));
        assertEquals("message " + channel + " hello", r.next());
        assertEquals(0L, publisher.publish("elsewhere", "unheard"));
        assertEquals(Map.of(channel, 1L), publisher.pubsubNumSub(channel));

        r.psubscribe("news-*");
        assertEquals("psubscribe news-* 2", r.next());
        assertEquals(2L, publisher.publish(channel, "twice"));
        assertEquals("message " + channel + " twice", r.next());
        assertEquals("pmessage news-* " + channel + " twice", r.next());
        assertEquals(1L, publisher.pubsubNumPat());

        if (protocol == RedisProtocol.RESP2) {
            // RESP2's subscribed-mode PING answers ["pong", ""]. RESP3's answers a plain +PONG,
            // and Jedis 8.0.2 races on it: JedisPubSubBase.ping() queues the handler for that
            // reply only after flushing the command, so a listener thread that reads the +PONG
            // first throws "Unexpected message : PONG" and leaves subscribed mode (seen twice
            // in CI-like runs). PubSubDiffTest.subscribedModeRules checks the RESP3 subscribed
            // PING byte for byte against Redis instead.
            r.ping();
            assertEquals("pong ", r.next());
        }

        assertEquals(2L, publisher.publish(channel, "bye"));
        assertEquals("message " + channel + " bye", r.next());
        assertEquals("pmessage news-* " + channel + " bye", r.next());
        assertEquals("unsubscribe " + channel + " 1", r.next());
        assertEquals("punsubscribe news-* 0", r.next());
        listening.get(10, TimeUnit.SECONDS); // subscribe() returned: out of subscribed mode
        assertFalse(r.isSubscribed());

        assertEquals("OK", subscriber.set("after", "subscribed mode"));
        assertEquals(Map.of(channel, 0L), publisher.pubsubNumSub(channel));
        assertEquals(0L, publisher.pubsubNumPat());
    }

    @Test
    void blpopIsServedByAPushFromAnotherConnectionNotByAPublish() throws Exception {
        Jedis waiter = connect(RedisProtocol.RESP2);
        Jedis other = connect(RedisProtocol.RESP2);
        other.del("jobs");
        Future<List<String>> popped = pool.submit(() -> waiter.blpop(10, "jobs"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (VellumTarget.get().store().engine().blockedClients() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, VellumTarget.get().store().engine().blockedClients());
        assertEquals(0L, other.publish("jobs", "a message is not a list element"));
        Thread.sleep(50);
        assertFalse(popped.isDone());
        assertEquals(1L, other.rpush("jobs", "job-1"));
        assertEquals(List.of("jobs", "job-1"), popped.get(10, TimeUnit.SECONDS));
        assertFalse(other.exists("jobs"));
    }
}
