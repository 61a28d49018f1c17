package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who runs units on a started engine: a thread calling {@link Engine#submitHere} runs them
 * itself when the engine is free and releases their replies at {@link Engine#releaseHere};
 * NOSCRIPT commands, and everything while another thread owns the engine, go to the engine
 * thread; order within a connection is kept either way.
 */
class EngineOwnerTest {

    /** A connection that notes each reply and the thread that released it. */
    private static final class Recorder {
        final List<String> replies = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        final LocalConnection connection = new LocalConnection(2, this::released, "test");

        private synchronized void released(List<Reply> batch) {
            for (Reply r : batch) {
                replies.add(r.toString());
                threads.add(Thread.currentThread().getName());
            }
            notifyAll();
        }

        synchronized void awaitReplies(int n) throws InterruptedException {
            long end = System.currentTimeMillis() + 10_000;
            while (replies.size() < n && System.currentTimeMillis() < end) {
                wait(100);
            }
            assertEquals(n, replies.size(), "replies: " + replies);
        }

        synchronized int count() {
            return replies.size();
        }

        synchronized List<String> threadsSnapshot() {
            return new ArrayList<>(threads);
        }
    }

    private static byte[][] cmd(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return argv;
    }

    @Test
    void aFreeEngineRunsTheCommandsOnTheCallingThreadAndReleasesThemAtReleaseHere() throws Exception {
        try (Engine engine = Engine.builder().seed(1).build()) {
            engine.start();
            // The engine thread holds the owner briefly now and then (its timers): a submission
            // that meets it busy goes to the engine thread, as it must. On a loaded machine that
            // can happen to any one attempt; it cannot happen to all of them.
            String me = Thread.currentThread().getName();
            for (int attempt = 0; attempt < 50; attempt++) {
                Recorder rec = new Recorder();
                Session s = engine.openSession(rec.connection);
                engine.submitHere(s, List.of(cmd("SET", "k", "v"), cmd("GET", "k")));
                int beforeRelease = rec.count();
                engine.releaseHere();
                rec.awaitReplies(2);
                if (rec.threadsSnapshot().equals(List.of(me, me))) {
                    assertEquals(0, beforeRelease, "replies wait for releaseHere");
                    return;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("in 50 attempts the engine was never free to run a submission on the calling thread");
        }
    }

    @Test
    void noscriptCommandsGoToTheEngineThreadAndTheConnectionsOrderIsKept() throws Exception {
        try (Engine engine = Engine.builder().seed(1).build()) {
            engine.start();
            Recorder rec = new Recorder();
            Session s = engine.openSession(rec.connection);
            // CLIENT SETNAME is NOSCRIPT: it and everything after it run on the engine thread
            engine.submitHere(s, List.of(cmd("SET", "k", "1"), cmd("CLIENT", "SETNAME", "x"), cmd("INCR", "k")));
            engine.releaseHere();
            rec.awaitReplies(3);
            assertEquals("[Simple[text=OK], Simple[text=OK], Int[value=2]]", rec.replies.toString());
            List<String> threads = rec.threadsSnapshot();
            assertEquals(Thread.currentThread().getName(), threads.get(0));
            assertEquals("vellum-engine", threads.get(1));
            assertEquals("vellum-engine", threads.get(2));
        }
    }

    @Test
    void whileTheEngineThreadOwnsTheEngineSubmissionsWaitForIt() throws Exception {
        try (Engine engine = Engine.builder().seed(1).build()) {
            engine.start();
            Recorder rec = new Recorder();
            Session s = engine.openSession(rec.connection);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch leave = new CountDownLatch(1);
            engine.execute(() -> {
                inside.countDown();
                try {
                    leave.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            engine.submitHere(s, List.<byte[][]>of(cmd("PING")));
            engine.releaseHere();
            Thread.sleep(50);
            assertEquals(0, rec.count(), "nothing runs while another thread owns the engine");
            leave.countDown();
            rec.awaitReplies(1);
            assertEquals("Simple[text=PONG]", rec.replies.get(0));
            assertEquals("vellum-engine", rec.threadsSnapshot().get(0));
        }
    }
}
