package io.vellum.aof;

import io.vellum.core.engine.Engine;

/**
 * Puts an engine's dataset at the base the log is replayed onto, and says which log position
 * that base covers: the empty dataset (position -1, replay from the start) until the snapshot
 * store exists, then the newest valid snapshot. Recovery calls it once on open; the log calls
 * it again when it must rebuild memory from disk after a write failure.
 *
 * <p>Runs on the thread that owns the engine (the opening thread, or the engine thread).
 */
@FunctionalInterface
public interface BaseState {
    /** Loads the base into {@code engine} (replacing whatever it holds); returns its log position. */
    long load(Engine engine);

    /**
     * The log lost its record at {@code position}, which the base loaded last covers (a torn
     * last record, Recovery pass 5): every other base covering less would need that record
     * replayed, so it must never be loaded again (retired: deleted or renamed). Returns false
     * when this base cannot do that; recovery then refuses to open rather than continue a log
     * that an older base cannot be replayed onto.
     */
    default boolean retireOlderThan(long position) {
        return false;
    }

    /** A base that loads with {@code load} and retires the others with {@code retire}. */
    static BaseState of(BaseState load, java.util.function.LongPredicate retire) {
        return new BaseState() {
            @Override
            public long load(Engine engine) {
                return load.load(engine);
            }

            @Override
            public boolean retireOlderThan(long position) {
                return retire.test(position);
            }
        };
    }

    /** No snapshot: every database emptied, replay from the first record. */
    BaseState EMPTY = engine -> {
        var ks = engine.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            ks.db(i).flush();
        }
        return -1;
    };
}
