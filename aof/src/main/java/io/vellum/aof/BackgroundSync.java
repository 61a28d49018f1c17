package io.vellum.aof;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code appendfsync everysec}: a daemon thread that syncs the log about once a second when
 * records were appended since the last sync, so the engine thread never waits for the disk.
 * Under {@code always}, the same whole-file sync about once a second lets the commit journal
 * start over ({@link CommitJournal}). Idle under {@code no}. One per open log; stopped (and joined) by its close.
 */
final class BackgroundSync implements Runnable {
    private final AppendOnlyLog log;
    private final Thread thread;
    private volatile boolean running;

    BackgroundSync(AppendOnlyLog log) {
        this.log = log;
        this.thread = new Thread(this, "vellum-aof-fsync");
        thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** The policy changed: look again now. */
    void wake() {
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                if (System.nanoTime() < next && running) {
                    continue;
                }
            }
            next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            if (running && log.backgroundSyncDue() && !log.failed()) {
                try {
                    log.backgroundSync();
                } catch (IOException | RuntimeException e) {
                    log.backgroundSyncFailed(e instanceof IOException io ? io : new IOException(e));
                }
            }
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
