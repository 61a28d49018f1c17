package io.vellum.core.spi;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.engine.Engine;

/**
 * Snapshots (implemented by the snapshot module): writing the dataset at a log position
 * without stopping the engine, and loading the newest valid one on open. It binds SAVE,
 * BGSAVE, LASTSAVE and BGREWRITEAOF.
 */
public interface SnapshotStore extends AutoCloseable {

    CommandGroup commands();

    default void attach(Engine engine) {
    }

    /**
     * SHUTDOWN's save, on the engine thread: with {@code save} (SHUTDOWN SAVE) a snapshot is
     * taken; without either flag one is taken when save points are configured, as Redis does;
     * with {@code nosave} none. Returns false when a snapshot was needed and could not be
     * written (SHUTDOWN then refuses unless FORCE).
     */
    default boolean shutdownSave(boolean save, boolean nosave) {
        return true;
    }

    @Override
    default void close() {
    }
}
