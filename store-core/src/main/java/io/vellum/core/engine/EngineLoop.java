package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.LogWriteException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who runs units, and when: the inbox, the owner lock, the engine thread's loop, a network
 * thread or waiting embedded caller running what has arrived itself ({@link #submitHere},
 * {@link #runHere}, {@link #releaseHere}), and the end of each batch: one log commit for the
 * batch (group commit), then the release of its replies. Separate from the {@link Engine}
 * because this is the threading of the engine, not what a unit does: everything here is
 * about which thread holds the owner lock and when replies may leave.
 *
 * <p>Threading: the inbox, {@link #submit}, {@link #call}, {@link #execute} and
 * {@link #hasWaitingWork} are for any thread; everything else is for the owner (the engine
 * thread, a network thread running a batch here, or the opening thread before
 * {@link #start}).
 */
final class EngineLoop {
    /** Under the engine's name, as before the loop had a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_BATCH = 4096;

    record AppendedUnit(Session session, long from, long to) {
    }

    /**
     * A session's commands, as read together. Counted in the session while in the inbox
     * ({@link Session#hasSubmissionsInFlight}); {@link #answerWhileBusy} may answer a first
     * part of it and leave the rest.
     */
    static final class Submission {
        private final Session session;
        private final List<byte[][]> commands;
        private int start;

        Submission(Session session, List<byte[][]> commands) {
            this.session = session;
            this.commands = commands;
            session.submissionQueued();
        }

        Session session() {
            return session;
        }

        /** The commands not answered yet. */
        List<byte[][]> commands() {
            return start == 0 ? commands : commands.subList(start, commands.size());
        }
    }

    /** Session bookkeeping that any thread running units may do (never user code, never blocks). */
    record SessionTask(Runnable task) {
    }

    private final Engine engine;
    private final UnitClock clock;
    private final Timers timers;
    final ConcurrentLinkedDeque<Object> inbox = new ConcurrentLinkedDeque<>();
    /** Held by whichever thread runs units: the engine thread, or a network thread running a batch here. */
    private final ReentrantLock owner = new ReentrantLock();
    /** True while a network thread runs a batch here: units that may run user code go to the engine thread. */
    boolean runningHere;
    /** Per network thread: what serves its connections while a script it runs is busy. */
    private final ThreadLocal<Runnable> busyPump = new ThreadLocal<>();
    /** When the parked engine thread will wake by itself (wall millis). */
    private volatile long engineWakeAt;
    private final List<Session> withOutput = new ArrayList<>();
    final List<AppendedUnit> appendedInBatch = new ArrayList<>();
    private final ArrayDeque<Runnable> afterBatch = new ArrayDeque<>();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean parked;

    EngineLoop(Engine engine, UnitClock clock, Timers timers) {
        this.engine = engine;
        this.clock = clock;
        this.timers = timers;
    }

    /** See {@link Engine#start}. */
    void start() {
        if (thread != null) {
            return;
        }
        running = true;
        Thread t = new Thread(this::loop, "vellum-engine");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    boolean isEngineThread() {
        Thread t = thread;
        return t == null || owner.isHeldByCurrentThread();
    }

    void submit(Session session, List<byte[][]> commands) {
        enqueue(new Submission(session, commands));
    }

    /** See {@link Engine#submitHere}. */
    void submitHere(Session session, List<byte[][]> commands) {
        if (thread == null || owner.isHeldByCurrentThread()) {
            enqueue(new Submission(session, commands));
            return;
        }
        // no wake-up here: runHere either runs it or wakes the engine thread
        inbox.add(new Submission(session, commands));
        runHere();
    }

    /** Runs what has arrived on the calling thread if the engine is free (see {@link Engine#submitHere}). */
    void runHere() {
        if (thread == null || owner.isHeldByCurrentThread() || inbox.isEmpty()) {
            return;
        }
        if (!owner.tryLock()) {
            wakeEngineThread();
            return;
        }
        try {
            runningHere = true;
            int n = 0;
            Object item;
            while ((item = inbox.poll()) != null) {
                boolean done;
                if (item instanceof Submission sub) {
                    sub.session().submissionTaken();
                    done = engine.dispatch.processSubmission(sub.session(), sub.commands());
                } else if (item instanceof SessionTask t) {
                    t.task().run();
                    done = true;
                } else {
                    inbox.addFirst(item);
                    done = false;
                }
                if (!done || ++n == MAX_BATCH) {
                    // the rest is the engine thread's: release what ran here first, so its
                    // replies do not wait behind a script
                    endBatch();
                    wakeEngineThread();
                    return;
                }
            }
        } catch (Throwable e) {
            LOG.error("engine failure on a network thread (the engine keeps running)", e);
        } finally {
            runningHere = false;
            owner.unlock();
        }
    }

    /** See {@link Engine#releaseHere}. */
    void releaseHere() {
        if (thread == null || owner.isHeldByCurrentThread() || !owner.tryLock()) {
            return;
        }
        try {
            endBatch();
            wakeEngineThreadIfWanted();
        } finally {
            owner.unlock();
        }
    }

    /**
     * After a batch run on another thread: a unit run there may have made a timer due sooner
     * than the parked engine thread wakes (a blocked client's timeout, or a task that has work
     * now: a WAIT's check), or left work for it.
     */
    private void wakeEngineThreadIfWanted() {
        if (!afterBatch.isEmpty() || !inbox.isEmpty() || timers.nextDueMillis() < engineWakeAt) {
            wakeEngineThread();
        }
    }

    void setBusyPump(Runnable pump) {
        busyPump.set(pump);
    }

    void serveWhileBusy() {
        Runnable pump = busyPump.get();
        if (pump != null) {
            pump.run();
        }
    }

    private void wakeEngineThread() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (thread == null) {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
            return f;
        }
        enqueue((Runnable) () -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    void executeAfterBatch(Runnable task) {
        if (thread == null) {
            task.run();
        } else {
            afterBatch.add(task);
        }
    }

    boolean hasWaitingWork() {
        return !inbox.isEmpty();
    }

    /** Runs the tasks queued for after the batch (not those they queue); true if there were any. */
    private boolean runAfterBatch() {
        int n = afterBatch.size();
        for (int i = 0; i < n; i++) {
            afterBatch.poll().run();
        }
        return n > 0;
    }

    void execute(Runnable task) {
        if (thread == null) {
            task.run();
        } else {
            enqueue(task);
        }
    }

    /** See {@link Engine#executeHere}. */
    void executeHere(Runnable task) {
        if (thread == null || owner.isHeldByCurrentThread() || !owner.tryLock()) {
            execute(task);
            return;
        }
        boolean ran = false;
        try {
            // Checked under the lock: nothing queued before the task is waiting or running.
            if (inbox.isEmpty()) {
                ran = true;
                task.run();
            }
        } catch (Throwable e) {
            LOG.error("engine failure running a task on the calling thread (the engine keeps running)", e);
        } finally {
            if (ran) {
                endBatch();
                wakeEngineThreadIfWanted();
            }
            owner.unlock();
        }
        if (!ran) {
            execute(task);
        }
    }

    void enqueue(Object item) {
        if (thread == null) {
            // Not started: the caller owns the engine.
            handle(item);
            endBatch();
            return;
        }
        inbox.add(item);
        wakeEngineThread();
    }

    private void loop() {
        while (running) {
            long waitMillis = -1;
            owner.lock();
            try {
                Object item = inbox.poll();
                if (item == null) {
                    timers.runTimers();
                    if (!runAfterBatch()) {
                        waitMillis = Math.max(1, timers.millisToNextTimer());
                        engineWakeAt = clock.wallMillis() + waitMillis;
                    }
                } else {
                    handle(item);
                    int n = 1;
                    while (n < MAX_BATCH && (item = inbox.poll()) != null) {
                        handle(item);
                        n++;
                    }
                    endBatch();
                    timers.runTimers();
                    runAfterBatch();
                }
            } catch (Throwable e) {
                LOG.error("engine loop failure (the engine keeps running)", e);
            } finally {
                owner.unlock();
            }
            if (waitMillis > 0) {
                parked = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(waitMillis));
                }
                parked = false;
            }
        }
    }

    private void handle(Object item) {
        if (item instanceof Submission sub) {
            sub.session().submissionTaken();
            engine.dispatch.processSubmission(sub.session(), sub.commands());
        } else if (item instanceof SessionTask t) {
            t.task().run();
        } else if (item instanceof Runnable r) {
            r.run();
        }
    }

    /**
     * Answers, while a script is busy, the commands that wait in the inbox (Redis's
     * processEventsWhileBlocked reads them then): a command sent just before the script turned
     * busy gets -BUSY, or SCRIPT KILL runs, instead of waiting for the end of a script that may
     * never end. {@code whileBusy} gives each command's reply, or null for one that waits for
     * the script; then the rest of its session's commands wait too, as do the script's own
     * session's, a blocked session's and any whose transport takes no encoded replies.
     * Called by the thread running the script, which owns the engine.
     */
    void answerWhileBusy(Session scriptSession, java.util.function.BiFunction<Session, byte[][], byte[]> whileBusy) {
        if (inbox.isEmpty()) {
            return;
        }
        java.util.Set<Session> waiting = new java.util.HashSet<>();
        waiting.add(scriptSession);
        for (java.util.Iterator<Object> it = inbox.iterator(); it.hasNext(); ) {
            if (!(it.next() instanceof Submission sub)) {
                continue;
            }
            Session s = sub.session();
            if (waiting.contains(s) || s.isClosed() || s.isBlocked() || !s.pending().isEmpty() || s.interceptor() != null) {
                waiting.add(s);
                continue;
            }
            List<byte[][]> commands = sub.commands();
            int answered = 0;
            boolean quit = false;
            while (answered < commands.size() && !quit) {
                byte[] reply = whileBusy.apply(s, commands.get(answered));
                if (reply == null || !s.connection().writeEncoded(reply)) {
                    break;
                }
                answered++;
                quit = reply == io.vellum.core.spi.ScriptingEngine.QUIT_REPLY;
            }
            if (answered > 0) {
                s.connection().flush();
            }
            if (quit) {
                s.setCloseAfterReply();
                s.connection().closeAfterFlush();
            }
            if (answered == commands.size() || quit) {
                it.remove();
                s.submissionTaken();
            } else {
                sub.start += answered;
                waiting.add(s);
            }
        }
    }

    /** Releases the batch: commit the log once, then send every reply written. */
    void endBatch() {
        releaseAllBut(null);
    }

    /**
     * Commits the batch's log and sends every reply written but {@code running}'s (null: all).
     * With a session, a script of its has turned busy: what the batch did before it is sent
     * (Redis's processEventsWhileBlocked runs beforeSleep: the AOF flush, then the writes), so
     * that a -BUSY reply from now on never overtakes one of them; the script's session keeps
     * its replies, as its unit is under way and its other commands wait for it anyway.
     */
    void releaseAllBut(Session running) {
        commitBatchLog();
        boolean kept = false;
        for (int i = 0; i < withOutput.size(); i++) {
            Session s = withOutput.get(i);
            if (s == running) {
                kept = true;
                continue;
            }
            s.outputMarked = false;
            s.connection().flush();
            if (s.closeAfterReply()) {
                s.connection().closeAfterFlush();
            }
        }
        withOutput.clear();
        if (kept) {
            withOutput.add(running);
        }
    }

    private void commitBatchLog() {
        if (!appendedInBatch.isEmpty()) {
            CommandLog log = engine.log();
            try {
                log.commit();
            } catch (LogWriteException e) {
                LOG.error("log commit failed; the batch's writes are not acknowledged", e);
                String err = log.failureReply();
                for (AppendedUnit u : appendedInBatch) {
                    u.session().connection().replaceReplies(u.from(), u.to(), err);
                }
            }
            appendedInBatch.clear();
        }
    }

    /** The sink for a session's replies (marks it for release at the end of the batch). */
    ReplySink output(Session s) {
        if (!s.outputMarked) {
            s.outputMarked = true;
            withOutput.add(s);
        }
        return s.connection().replies();
    }

    /**
     * Stops the engine thread after the work already submitted (see {@link Engine#close}),
     * waiting up to {@code waitMillis} for that work: true when the thread has stopped and no
     * other thread runs units, false when the wait ran out first (a unit that does not end).
     */
    boolean stop(long waitMillis) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        if (owner.isHeldByCurrentThread()) {
            running = false; // closed from inside a unit: the loop ends when the unit returns
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        if (running) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            enqueue((Runnable) () -> {
                running = false;
                done.complete(null);
            });
            try {
                done.get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.error("the engine did not finish its work within {} ms", waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // the task above throws nothing
            } finally {
                running = false; // once what it runs now returns, the thread ends
                LockSupport.unpark(t);
            }
        }
        try {
            t.join(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            // a network thread or an embedded caller may be running a unit (runHere) still
            if (t.isAlive() || !owner.tryLock(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                    TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        owner.unlock();
        return true;
    }
}
