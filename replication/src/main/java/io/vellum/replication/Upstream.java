package io.vellum.replication;

/**
 * What a replica follows: a primary over TCP ({@link ReplicaLink}) or a log directory
 * ({@link LogFollower}). Holds what INFO and ROLE show about it; the fields are written by the
 * follower's thread and read from any thread.
 */
abstract class Upstream implements AutoCloseable {
    protected final RecordApplier applier;
    protected volatile boolean running = true;
    /** ROLE's replica state: connect, connecting, handshake, connected. */
    protected volatile String state = "connect";
    protected volatile boolean up;
    protected volatile long lastIoMillis;
    protected volatile String lastError;
    /** The full resync under way (INFO's master_sync_* fields), or null. */
    protected volatile FullResync.Progress sync;

    Upstream(RecordApplier applier) {
        this.applier = applier;
    }

    RecordApplier applier() {
        return applier;
    }

    /** INFO master_host: the primary's host, or the followed directory. */
    abstract String host();

    /** INFO master_port (0 for a directory). */
    abstract int port();

    FullResync.Progress sync() {
        return sync;
    }

    String state() {
        return state;
    }

    /** INFO master_link_status: whether records can arrive. */
    boolean up() {
        return up;
    }

    /** When something last arrived from the primary (System.currentTimeMillis()), 0 if never. */
    long lastIoMillis() {
        return lastIoMillis;
    }

    /** Why replication stopped or the last attempt failed, or null. */
    String lastError() {
        return applier.error() != null ? applier.error() : lastError;
    }

    abstract void start();

    /** Waits for the threads to end (store close; never on the engine thread). */
    abstract void join() throws InterruptedException;

    /** Stops following; does not wait for the threads (the engine thread may call it). */
    @Override
    public abstract void close();
}
