package io.vellum.core.keyspace;

/**
 * Hears about changes to the keyspace. The engine installs one observer that fans out to
 * WATCH, blocked clients, the unit's effect digest and a running snapshot.
 *
 * <p>Called on the engine thread, synchronously, inside the unit that makes the change.
 */
public interface KeyspaceObserver {
    KeyspaceObserver NONE = new KeyspaceObserver() {
    };

    /**
     * Before {@code key} changes in any way: value, TTL, deletion. A running snapshot uses this
     * to write the key as it was (copy-on-write at key granularity).
     */
    default void beforeKeyChange(Database db, byte[] key) {
    }

    /** After {@code key} changed (Redis's signalModifiedKey). */
    default void keyChanged(Database db, byte[] key) {
    }

    /**
     * Before every key of {@code db} is dropped or replaced at once (FLUSHDB, FLUSHALL,
     * SWAPDB). The observer may keep a reference to the database's current dictionaries:
     * the keyspace replaces them rather than clearing them in place.
     */
    default void beforeDatabaseReplaced(Database db) {
    }

    /** A key that expired was seen (lazily, by a read); the active expiry unit may reclaim it. */
    default void expiredKeySeen(Database db, byte[] key) {
    }
}
