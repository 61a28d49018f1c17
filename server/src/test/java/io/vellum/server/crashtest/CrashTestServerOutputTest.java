package io.vellum.server.crashtest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server's output reaches its log, and the lines the crash test waits for wake it. */
class CrashTestServerOutputTest {
    @TempDir
    Path dir;

    private static long in(long millis) {
        return System.nanoTime() + millis * 1_000_000L;
    }

    @Test
    void theReadyAndListeningLinesAreNotedOnceInTheLog() throws Exception {
        Path log = dir.resolve("server.log");
        Process p = new ProcessBuilder("sh", "-c", "echo starting; sleep 0.2; echo '" + Standby.READY
                + " 5 ms after the JVM started'; read go; echo recovered; echo '" + Standby.TIMELINE + " 3 1'; read end")
                .redirectErrorStream(true).start();
        try {
            ServerOutput out = ServerOutput.start(p, log.toFile());
            assertFalse(out.ready());
            assertTrue(out.awaitReady(in(10_000)));
            assertTrue(Files.readString(log).contains(Standby.READY + " 5 ms"), "in the log before it is noted");
            assertFalse(out.awaitListening(in(100)), "not listening before go");
            p.getOutputStream().write("go\n".getBytes());
            p.getOutputStream().flush();
            assertTrue(out.awaitListening(in(10_000)));
            assertTrue(Files.readString(log).startsWith("starting\n"), Files.readString(log));
            assertTrue(Files.readString(log).contains("recovered\n" + Standby.TIMELINE + " 3 1\n"), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aServerThatDiesEndsTheWaitAtOnce() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo 'Fatal error: no store'; exit 1").redirectErrorStream(true).start();
        ServerOutput out = ServerOutput.start(p, dir.resolve("server.log").toFile());
        long t0 = System.nanoTime();
        assertFalse(out.awaitReady(in(60_000)));
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "not at the deadline");
        assertFalse(out.awaitListening(in(60_000)));
        assertTrue(Files.readString(dir.resolve("server.log")).contains("Fatal error: no store"));
    }
}
