package io.vellum.core.engine;

import io.vellum.core.spi.UnitRecord;
import java.util.List;

/** The engine's bookkeeping for the unit that is running. Engine thread only. */
final class UnitState {
    boolean active;
    int db;
    int protocol;
    long timeMicros;
    long seed;
    long dirtyAtStart;
    boolean forceLog;
    /** The unit is a record of this store's own log, replayed at startup (PUBLISH delivers nothing). */
    boolean ownLogReplay;
    UnitRecord.Kind loggedKind;
    List<byte[][]> loggedCommands;
    final EffectDigest effects = new EffectDigest();

    void reset(int db, int protocol, long timeMicros, long seed, long dirty) {
        this.active = true;
        this.db = db;
        this.protocol = protocol;
        this.timeMicros = timeMicros;
        this.seed = seed;
        this.dirtyAtStart = dirty;
        this.forceLog = false;
        this.ownLogReplay = false;
        this.loggedKind = null;
        this.loggedCommands = null;
        effects.reset(protocol);
    }
}
