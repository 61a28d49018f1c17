package io.vellum.replication;

import io.vellum.core.engine.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients blocked in {@code WAIT} or {@code WAITAOF}. A waiter is blocked through the engine's
 * blocking (no keys, the command's timeout); when the acks (or the local sync) reach its target
 * it is released early through {@code Engine.unblock}, which writes the reply its timeout would
 * have written, counted then. Checked after acks and, while a client waits, every 10 ms (the local sync has no event).
 *
 * <p>Replicas ack once a second by themselves; a waiter that needs replica acks asks them to ack
 * at once ({@link #requestAcks}, {@link ReplicaStream#requestAck}) when it blocks, and the 10 ms
 * check asks again every {@link #REQUEST_AGAIN_NANOS} while such a waiter still waits: a
 * WAITAOF waits for the replicas' syncs, which come after their applies, and a request lost in a
 * reconnect must not make a WAIT wait for the next periodic ack.
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

    /** How often ack requests are repeated while a waiter still waits for replicas. */
    static final long REQUEST_AGAIN_NANOS = 100_000_000L;

    private final Replication repl;
    private final List<Waiter> waiters = new ArrayList<>();
    private long lastRequestNanos;

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

    /** Asks every attached replica to ack at once: a waiter blocked for replica acks. */
    void requestAcks() {
        lastRequestNanos = System.nanoTime();
        for (ReplicaStream r : repl.replicas()) {
            r.requestAck();
        }
    }

    /**
     * Releases the waiters whose target was reached (and forgets closed clients); asks the
     * replicas again when one still waits for them and the last request is 100 ms old.
     */
    void check() {
        if (waiters.isEmpty()) {
            return;
        }
        boolean needAcks = false;
        for (Waiter w : new ArrayList<>(waiters)) {
            if (w.session.isClosed()) {
                waiters.remove(w);
            } else if (done(w)) {
                repl.engine().unblock(w.session, null);
            } else if (w.numreplicas > 0 && repl.replicasAt(w.target, w.aof) < w.numreplicas) {
                needAcks = true;
            }
        }
        if (needAcks && System.nanoTime() - lastRequestNanos >= REQUEST_AGAIN_NANOS) {
            requestAcks();
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
