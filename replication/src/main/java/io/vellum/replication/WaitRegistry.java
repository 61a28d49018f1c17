package io.vellum.replication;

import io.vellum.core.engine.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients blocked in {@code WAIT} or {@code WAITAOF}. A waiter is blocked through the engine's
 * blocking (no keys, the command's timeout); when the acks (or the local sync) reach its target
 * it is released early through {@code Engine.unblock}, which writes the reply its timeout would
 * have written, counted then. Checked after acks and, while a client waits, every 10 ms (the local sync has no event).
 * Engine thread only.
 */
final class WaitRegistry {
    /** One blocked WAIT/WAITAOF: done when {@code numlocal} local and {@code numreplicas} replica acks reach {@code target}. */
    static final class Waiter {
        final Session session;
        final long target;
        final long numlocal;
        final long numreplicas;
        final boolean aof;

        Waiter(Session session, long target, long numlocal, long numreplicas, boolean aof) {
            this.session = session;
            this.target = target;
            this.numlocal = numlocal;
            this.numreplicas = numreplicas;
            this.aof = aof;
        }
    }

    private final Replication repl;
    private final List<Waiter> waiters = new ArrayList<>();

    WaitRegistry(Replication repl) {
        this.repl = repl;
    }

    void add(Waiter w) {
        waiters.add(w);
    }

    /** Whether a client waits (the 10 ms check has work only then). */
    boolean any() {
        return !waiters.isEmpty();
    }

    void remove(Waiter w) {
        waiters.remove(w);
    }

    /** Local syncs that reached {@code target}: 1 when this store's log is synced that far. */
    long localAt(long target) {
        var log = repl.log();
        return log != null && log.syncedSerial() >= target ? 1 : 0;
    }

    boolean done(Waiter w) {
        int replicas = repl.replicasAt(w.target, w.aof);
        if (!w.aof) {
            return replicas >= w.numreplicas;
        }
        return localAt(w.target) >= w.numlocal && replicas >= w.numreplicas;
    }

    /** Releases the waiters whose target was reached (and forgets closed clients). */
    void check() {
        if (waiters.isEmpty()) {
            return;
        }
        for (Waiter w : new ArrayList<>(waiters)) {
            if (w.session.isClosed()) {
                waiters.remove(w);
            } else if (done(w)) {
                repl.engine().unblock(w.session, null);
            }
        }
    }

    /** The store became a replica: every waiter gets its reply now. */
    void releaseAll() {
        for (Waiter w : new ArrayList<>(waiters)) {
            if (!w.session.isClosed()) {
                repl.engine().unblock(w.session, null);
            }
        }
        waiters.clear();
    }
}
