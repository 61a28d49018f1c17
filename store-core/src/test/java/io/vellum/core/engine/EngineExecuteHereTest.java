package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#executeHere}: a task runs on the calling thread, as the engine's owner, when the
 * engine is free; while another thread owns it, or work is queued, the task goes to the engine
 * thread after that work, so tasks from one caller keep their order.
 */
class EngineExecuteHereTest {

    @Test
    void aFreeEngineRunsTheTaskOnTheCallingThreadAsItsOwner() throws Exception {
        try (Engine engine = Engine.builder().seed(1).build()) {
            engine.start();
            String me = Thread.currentThread().getName();
            // The engine thread holds the owner briefly now and then (its timers): a task that
            // meets it busy goes to the engine thread. That cannot happen to every attempt.
            for (int attempt = 0; attempt < 50; attempt++) {
                List<String> ran = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch done = new CountDownLatch(1);
                engine.executeHere(() -> {
                    ran.add(Thread.currentThread().getName() + (engine.isEngineThread() ? " owner" : " not owner"));
                    done.countDown();
                });
                assertTrue(done.await(10, TimeUnit.SECONDS));
                if (ran.get(0).equals(me + " owner")) {
                    return;
                }
                assertEquals("vellum-engine owner", ran.get(0));
                Thread.sleep(10);
            }
            throw new AssertionError("in 50 attempts the engine was never free to run a task on the calling thread");
        }
    }

    @Test
    void whileTheEngineIsOwnedTasksGoToTheEngineThreadInTheirOrder() throws Exception {
        try (Engine engine = Engine.builder().seed(1).build()) {
            engine.start();
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
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(200);
            engine.executeHere(() -> {
                ran.add("first on " + Thread.currentThread().getName());
                done.countDown();
            });
            leave.countDown();
            // Whichever thread runs the rest, none may overtake what was queued before it.
            for (int i = 1; i < 200; i++) {
                int n = i;
                engine.executeHere(() -> {
                    ran.add("task " + n);
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("first on vellum-engine", ran.get(0));
            for (int i = 1; i < 200; i++) {
                assertEquals("task " + i, ran.get(i));
            }
        }
    }
}
