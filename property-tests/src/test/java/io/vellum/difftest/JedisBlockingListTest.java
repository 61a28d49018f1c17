package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A real client library over two connections: one Jedis blocks in BLPOP / BLMOVE on Vellum,
 * another pushes, the first gets the element; and a timeout ends with Jedis's null.
 */
class JedisBlockingListTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private Jedis waiter;
    private Jedis pusher;

    @BeforeEach
    void connect() {
        waiter = new Jedis("127.0.0.1", VellumTarget.get().port(), 10_000);
        pusher = new Jedis("127.0.0.1", VellumTarget.get().port(), 10_000);
        pusher.flushAll();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        waiter.close();
        pusher.close();
    }

    private void awaitBlocked() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (VellumTarget.get().store().engine().blockedClients() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, VellumTarget.get().store().engine().blockedClients());
    }

    @Test
    void blpopWaitsForAPushFromAnotherConnection() throws Exception {
        Future<List<String>> popped = pool.submit(() -> waiter.blpop(5, "jobs", "urgent"));
        awaitBlocked();
        assertEquals(1L, pusher.rpush("urgent", "job-1"));
        assertEquals(List.of("urgent", "job-1"), popped.get(10, TimeUnit.SECONDS));
        assertFalse(pusher.exists("urgent"));
    }

    @Test
    void brpoplpushMovesWhatArrivesAndTimesOutWithNull() throws Exception {
        Future<String> moved = pool.submit(() -> waiter.brpoplpush("in", "out", 5));
        awaitBlocked();
        pusher.lpush("in", "a", "b");
        assertEquals("a", moved.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), pusher.lrange("out", 0, -1));
        assertNull(pool.submit(() -> waiter.blpop(0.05, "empty")).get(10, TimeUnit.SECONDS));
    }
}
