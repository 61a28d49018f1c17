package io.vellum.aof;

import io.vellum.core.engine.Engine;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

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
    /**
     * What a base covers: the log position of the last record it includes (-1: none, replay
     * from the start) and that record's serial (0: unknown). A known serial anchors the walk to
     * the position ({@link LogScanner#seekAfter(long, long)}): a covered record whose content is
     * damaged is passed over instead of refusing.
     */
    record Base(long position, long serial) {
        /** No base: replay every record. */
        public static final Base NONE = new Base(-1, 0);
    }

    /** Loads the base into {@code engine} (replacing whatever it holds); returns what it covers. */
    Base load(Engine engine);

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

    /**
     * A base that loads with {@code load} (which returns the position it covers; the serial
     * there is unknown) and retires the others with {@code retire}.
     */
    static BaseState of(ToLongFunction<Engine> load, LongPredicate retire) {
        return of(load, () -> 0, retire);
    }

    /**
     * A base that loads with {@code load} (which returns the position it covers), then asks
     * {@code serial} for the serial of the record at that position (0: unknown), and retires
     * the others with {@code retire}.
     */
    static BaseState of(ToLongFunction<Engine> load, LongSupplier serial, LongPredicate retire) {
        return new BaseState() {
            @Override
            public Base load(Engine engine) {
                long position = load.applyAsLong(engine);
                return new Base(position, position >= 0 ? Math.max(0, serial.getAsLong()) : 0);
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
        return Base.NONE;
    };
}
