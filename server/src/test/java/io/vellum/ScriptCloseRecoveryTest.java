package io.vellum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.reply.Reply;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vellum#close} while a script loops for ever on one connection, embedded or over
 * RESP: close, from another thread, stops the script once it is past busy-reply-threshold, as
 * SHUTDOWN NOSAVE stops one, and completes. The script's writes are neither logged nor
 * snapshotted (the store is dirty and has save points, so close would otherwise take a
 * snapshot of the half-run script): the reopened store holds what came before the script.
 */
class ScriptCloseRecoveryTest {
    private static final String LOOP = "redis.call('SET', KEYS[1], 'partial') while true do end";

    private static Vellum open(Path dir) {
        return Vellum.builder().dir(dir).configure(c -> c.busyReplyThreshold.set(100L)).open();
    }

    @Test
    void closeStopsAScriptLoopingOnAnEmbeddedConnection(@TempDir Path dir) throws Exception {
        Vellum v = open(dir);
        v.execute("SET", "before", "1");
        AtomicReference<Object> scriptReply = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try (VellumConnection c = v.connect()) {
                scriptReply.set(c.execute("EVAL", LOOP, "1", "k"));
            } catch (RuntimeException e) {
                scriptReply.set(e);
            }
        }, "looping-caller");
        caller.setDaemon(true);
        caller.start();
        closeWhileBusy(v);
        caller.join(10_000);
        assertFalse(caller.isAlive(), "the looping caller got its answer");
        assertTrue(String.valueOf(scriptReply.get()).contains("Script killed by user with SCRIPT KILL..."),
                String.valueOf(scriptReply.get()));
        assertReopenedWithoutTheScript(dir);
    }

    @Test
    void closeStopsAScriptLoopingOnANetworkConnection(@TempDir Path dir) throws Exception {
        Vellum v = open(dir);
        v.execute("SET", "before", "1");
        int port = v.serve("127.0.0.1", 0).port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(resp("EVAL", LOOP, "1", "k"));
            out.flush();
            closeWhileBusy(v);
        }
        assertReopenedWithoutTheScript(dir);
    }

    /** Waits until the script is busy, then closes the store from a thread of its own, which must finish. */
    private static void closeWhileBusy(Vellum v) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!v.engine().scripting().isBusy()) {
            assertTrue(System.nanoTime() < end, "the script never got busy");
            Thread.sleep(5);
        }
        Thread closer = new Thread(v::close, "closer");
        closer.setDaemon(true); // a close that never returns must not hold the test JVM
        long t0 = System.nanoTime();
        closer.start();
        closer.join(15_000);
        assertFalse(closer.isAlive(), "close did not return within 15 s");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
    }

    private static void assertReopenedWithoutTheScript(Path dir) {
        try (Vellum v = open(dir)) {
            assertEquals(new Reply.Bulk("1".getBytes(StandardCharsets.UTF_8)), v.execute("GET", "before"));
            Reply k = v.execute("GET", "k");
            assertNotNull(k);
            assertEquals(new Reply.Null(false), k, "the stopped script's write was neither logged nor snapshotted");
        }
    }

    private static byte[] resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
