package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.UnitRecord;
import java.util.List;

/**
 * Replay of logged units (recovery, followers, the property tests): a record runs through
 * the same command code as on the primary, with the record's time, seed, database and
 * protocol, in the engine's internal session, and its effect digest must match the
 * record's (DESIGN.md, "Determinism rules"). Separate from the {@link Engine} because a
 * record is not a client's command: no client checks, no reply, a digest check instead.
 * Engine thread (or the opening thread before {@link Engine#start()}).
 */
final class RecordReplayer {
    private final Engine engine;
    private final UnitClock clock;
    private final BlockedCommands blocking;

    RecordReplayer(Engine engine, UnitClock clock, BlockedCommands blocking) {
        this.engine = engine;
        this.clock = clock;
        this.blocking = blocking;
    }

    /** What a replayed unit adds to the batch's appended units: no client, no replies to replace. */
    private EngineLoop.AppendedUnit replayed;

    /**
     * See {@link Engine#applyRecord(UnitRecord, boolean, ReplySink)}; with {@code stored} not
     * null, {@link Engine#applyStoredRecord}.
     */
    void applyRecord(UnitRecord r, boolean appendToLog, ReplySink replies, byte[] stored, long serial, int off, int len) {
        Session s = engine.internalSession;
        UnitState unit = engine.unit;
        s.selectDb(r.db());
        s.setProtocol(r.protocol());
        s.endMulti();
        clock.startUnitAt(r.timeMicros());
        engine.beginUnit(r.db(), r.protocol(), r.timeMicros(), r.seed());
        unit.replayedScriptState = r.scriptState();
        unit.ownLogReplay = engine.loading(); // recovery replays this store's own log (see Engine#applyRecord)
        EffectDigest digest = unit.effects;
        ReplySink d = digest;
        if (replies != null) {
            EffectDigest.Tee both = new EffectDigest.Tee();
            both.set(replies, digest);
            d = both;
        }
        switch (r.kind()) {
            case TRANSACTION -> {
                s.beginMulti();
                for (byte[][] c : r.commands()) {
                    s.queue(c);
                }
                engine.invoke(s, new byte[][] {{'E', 'X', 'E', 'C'}}, d, CommandContext.REPLAY);
            }
            case COMMAND, EXPIRY -> {
                for (byte[][] c : r.commands()) {
                    engine.invoke(s, c, d, CommandContext.REPLAY);
                }
            }
            case LOST -> throw new IllegalStateException("a lost record's effects are only in the snapshot that covers it");
        }
        unit.active = false;
        s.endMulti();
        if (digest.value() != r.effectDigest()) {
            throw new ReplayDivergenceException(r.describe(), r.effectDigest(), digest.value());
        }
        if (appendToLog) {
            if (stored != null) {
                engine.log().appendStored(r, serial, stored, off, len);
            } else {
                engine.log().append(r);
            }
            // One entry per batch is enough: it only tells the batch to commit the log.
            List<EngineLoop.AppendedUnit> appended = engine.loop.appendedInBatch;
            if (replayed == null || replayed.session() != s) {
                replayed = new EngineLoop.AppendedUnit(s, 0, 0);
            }
            if (appended.isEmpty() || appended.get(appended.size() - 1) != replayed) {
                appended.add(replayed);
            }
        }
        blocking.serveBlocked();
    }
}
