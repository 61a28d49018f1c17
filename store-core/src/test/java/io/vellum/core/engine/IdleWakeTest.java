package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A periodic task with nothing to do does not wake the engine thread: the replication's 10 ms
 * check of WAIT clients used to wake an idle server 100 times a second, and each wake took the
 * owner lock, so a network thread meeting it handed its batch to the engine thread (and under
 * {@code appendfsync always} the engine thread then committed small batches of its own).
 */
class IdleWakeTest {

    @Test
    void anInactiveTaskNeitherRunsNorWakesTheEngineThread() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counts the thread's sleeps in /proc (Linux)");
        Set<String> before = engineThreads();
        try (Engine engine = Engine.builder().seed(1).build()) {
            AtomicBoolean active = new AtomicBoolean();
            AtomicInteger runs = new AtomicInteger();
            engine.addCron(10, runs::incrementAndGet, active::get);
            engine.start();
            // A new thread names itself once it runs (its comm is "java" until then): look until it has.
            Set<String> started = engineThreads();
            started.removeAll(before);
            for (int i = 0; i < 200 && started.isEmpty(); i++) {
                Thread.sleep(10);
                started = engineThreads();
                started.removeAll(before);
            }
            assertEquals(1, started.size(), "the new engine thread: " + started);
            String tid = started.iterator().next();
            Thread.sleep(200); // settled
            long s0 = sleeps(tid);
            Thread.sleep(1000);
            long idleWakes = sleeps(tid) - s0;
            assertEquals(0, runs.get(), "an inactive task does not run");
            // hz 10: about 10 wakes a second (the active expiry cycle); a 10 ms task would make it 100
            assertTrue(idleWakes < 40, "engine thread slept and woke " + idleWakes + " times in 1 s");

            active.set(true);
            engine.execute(() -> { }); // a unit made it active: the engine thread looks again
            Thread.sleep(300);
            assertTrue(runs.get() >= 5, "an active 10 ms task runs about every 10 ms: " + runs.get() + " runs in 300 ms");
        }
    }

    /** Native thread ids of the engine threads of this JVM. */
    private static Set<String> engineThreads() throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).trim().equals("vellum-engine")) {
                        ids.add(t.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return ids;
    }

    /** Times the thread gave up the CPU by itself (each park of the engine thread is one). */
    private static long sleeps(String tid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/task", tid, "status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IOException("no voluntary_ctxt_switches for thread " + tid);
    }
}
