package io.vellum.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#close} while a script runs for ever ({@code while true do end}) on one
 * connection: close, from another thread, stops the script once it is past
 * busy-reply-threshold, as SHUTDOWN NOSAVE does (Redis answers SHUTDOWN with -BUSY during a
 * busy script, defers SIGTERM, and stops the script only for SHUTDOWN NOSAVE), and completes.
 * Whatever the script wrote is not logged: a store reopened from the log holds none of it.
 */
class ScriptCloseTest {
    private static final String LOOP = "redis.call('SET', KEYS[1], 'partial') while true do end";

    /** An in-memory log that keeps its records. */
    private static final class ListLog implements CommandLog {
        final List<UnitRecord> records = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public long append(UnitRecord record) {
            records.add(record);
            return records.size() - 1;
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return records.size() - 1;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static byte[][] cmd(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return argv;
    }

    private static Engine engine(LuaScripting scripting, ListLog log) {
        StoreConfig config = new StoreConfig();
        config.busyReplyThreshold.set(50L);
        Engine engine = Engine.builder().config(config).scripting(scripting).log(log).build();
        engine.start();
        return engine;
    }

    @Test
    void closeStopsAScriptLoopingOnTheEngineThread() throws Exception {
        LuaScripting scripting = new LuaScripting();
        ListLog log = new ListLog();
        Engine engine = engine(scripting, log);
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Session s = engine.openSession(new LocalConnection(2, replies::addAll, "looping"));
        engine.submit(s, List.of(cmd("SET", "before", "1"), cmd("EVAL", LOOP, "1", "k")));
        awaitBusy(scripting);
        closeWithin(engine, 10);
        assertEquals(2, replies.size(), replies.toString());
        List<Reply> got = List.copyOf(replies);
        assertTrue(got.get(1).toString().contains("Script killed by user with SCRIPT KILL..."), got.get(1).toString());
        assertStoppedUnlogged(log);
    }

    @Test
    void closeStopsAScriptLoopingOnAnEmbeddedCallersThread() throws Exception {
        LuaScripting scripting = new LuaScripting();
        ListLog log = new ListLog();
        Engine engine = engine(scripting, log);
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Session s = engine.openSession(new LocalConnection(2, replies::addAll, "looping"));
        engine.submit(s, List.<byte[][]>of(cmd("SET", "before", "1")));
        assertEquals(new Reply.Simple("OK"), replies.poll(10, TimeUnit.SECONDS));
        // a waiting embedded caller runs the command itself when the engine is free (VellumConnection#execute)
        Thread caller = new Thread(() -> {
            engine.submitHere(s, List.<byte[][]>of(cmd("EVAL", LOOP, "1", "k")));
            engine.releaseHere();
        }, "embedded-caller");
        caller.start();
        awaitBusy(scripting);
        closeWithin(engine, 10);
        caller.join(10_000);
        assertTrue(!caller.isAlive(), "the caller's thread was freed");
        Reply r = replies.poll(10, TimeUnit.SECONDS);
        assertTrue(r != null && r.toString().contains("Script killed by user with SCRIPT KILL..."), String.valueOf(r));
        assertStoppedUnlogged(log);
    }

    private static void awaitBusy(LuaScripting scripting) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!scripting.isBusy()) {
            assertTrue(System.nanoTime() < end, "the script never got busy");
            Thread.sleep(5);
        }
    }

    /** Closes the engine from this thread (not the one running the script); it must return in time. */
    private static void closeWithin(Engine engine, int seconds) {
        long t0 = System.nanoTime();
        engine.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(took < seconds * 1000L, "close took " + took + " ms");
    }

    /** The log holds the SET before the script, not the script's partial unit, and was closed. */
    private static void assertStoppedUnlogged(ListLog log) {
        assertEquals(1, log.records.size(), log.records.toString());
        assertEquals("SET before 1", log.records.get(0).describe());
        assertTrue(log.closed.get());
    }
}
