package io.vellum.core.engine;

/** Whether a store takes writes from clients or follows another store's log. */
public enum Role {
    PRIMARY,
    /** Applies another store's records; refuses client writes with -READONLY; never expires keys itself. */
    REPLICA
}
