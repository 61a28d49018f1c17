package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.reply.Reply;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#close} on a started engine: it waits for the work already submitted, and when
 * a unit does not end within the wait it reports that and leaves the log open (the unit may
 * still append to it), so a second close after the unit ended does close it. Scripts, which
 * close stops, are covered by the scripting module's ScriptCloseTest.
 */
class EngineCloseTest {

    /** A log that counts its closes. */
    private static final class CountingLog implements CommandLog {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public long append(UnitRecord record) {
            return 0;
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return 0;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
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
    void closeWaitsForSubmittedWorkThenClosesTheLog() {
        CountingLog log = new CountingLog();
        Engine engine = Engine.builder().log(log).build();
        engine.start();
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Session s = engine.openSession(new LocalConnection(2, replies::addAll, "test"));
        engine.submit(s, List.of(cmd("SET", "k", "v"), cmd("PING")));
        engine.close();
        assertEquals(2, replies.size(), "the work submitted before close was done: " + replies);
        assertEquals(1, log.closes.get());
    }

    @Test
    void aUnitThatDoesNotEndIsReportedAndTheLogStaysOpenForIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountingLog log = new CountingLog();
        Engine engine = Engine.builder().log(log)
                .commands(b -> b.bind("echo", ctx -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ctx.reply().bulk(ctx.arg(1));
                }))
                .build();
        engine.start();
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Session s = engine.openSession(new LocalConnection(2, replies::addAll, "test"));
        engine.submit(s, List.<byte[][]>of(cmd("ECHO", "stuck")));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.close(200));
        assertTrue(e.getMessage().contains("the log and scripting are left open"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "close reported within its wait");
        assertEquals(0, log.closes.get(), "the running unit may still use the log");
        assertTrue(engine.closing());
        release.countDown();
        engine.close(10_000);
        assertEquals(1, log.closes.get());
        assertFalse(replies.isEmpty(), "the unit finished and was released");
    }
}
