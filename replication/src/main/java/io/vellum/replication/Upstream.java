package io.vellum.replication;

/** What a replica follows: a primary over TCP ({@link ReplicaLink}) or a log directory ({@link LogFollower}). */
interface Upstream extends AutoCloseable {
    RecordApplier applier();

    /** INFO master_host: the primary's host, or the followed directory. */
    String host();

    /** INFO master_port (0 for a directory). */
    int port();

    /** ROLE's replica state: connect, connecting, handshake, connected. */
    String state();

    /** INFO master_link_status: whether records can arrive. */
    boolean up();

    /** When something last arrived from the primary (System.currentTimeMillis()). */
    long lastIoMillis();

    /** Why the last attempt failed, or null. */
    String lastError();

    void start();

    /** Stops following; does not wait for the threads (the engine thread may call it). */
    @Override
    void close();
}
