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

    @Override
    default void close() {
    }
}
