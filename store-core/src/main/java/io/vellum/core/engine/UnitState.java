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
    /** Log nothing of this unit (a script stopped by SHUTDOWN NOSAVE: its writes die with the process). */
    boolean discard;
    /** The unit is a record of this store's own log, replayed at startup (PUBLISH delivers nothing). */
    boolean ownLogReplay;
    UnitRecord.Kind loggedKind;
    List<byte[][]> loggedCommands;
    /** Scripting's generator state at unit start (logged), or UnitRecord.NO_SCRIPT_STATE. */
    long scriptState = UnitRecord.NO_SCRIPT_STATE;
    /** The state of the record being replayed, or UnitRecord.NO_SCRIPT_STATE. */
    long replayedScriptState = UnitRecord.NO_SCRIPT_STATE;
    final EffectDigest effects = new EffectDigest();
    /**
     * Whether changed keys go into {@link #effects}: off for a client's unit when the log keeps
     * no records (the digest exists only for the record); on for replay, which checks it.
     */
    boolean digestsKeys;

    void reset(int db, int protocol, long timeMicros, long seed, long dirty) {
        this.active = true;
        this.digestsKeys = true;
        this.db = db;
        this.protocol = protocol;
        this.timeMicros = timeMicros;
        this.seed = seed;
        this.dirtyAtStart = dirty;
        this.forceLog = false;
        this.discard = false;
        this.ownLogReplay = false;
        this.loggedKind = null;
        this.loggedCommands = null;
        this.scriptState = UnitRecord.NO_SCRIPT_STATE;
        this.replayedScriptState = UnitRecord.NO_SCRIPT_STATE;
        effects.reset(protocol);
    }
}
