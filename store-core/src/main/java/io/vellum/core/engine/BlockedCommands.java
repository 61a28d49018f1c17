package io.vellum.core.engine;

import io.vellum.core.command.CommandSpec;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import java.util.function.Consumer;

/**
 * Blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK...) over time: a command that must wait is
 * parked in the {@link BlockedClients} registry; when one of its keys changes it is re-run
 * as a unit of its own (it serves or blocks again), on timeout it gets its timeout reply, and
 * CLIENT UNBLOCK ends the wait early. After the wait the session's queued commands run.
 * Separate from the {@link Engine} because waiting is a life cycle of its own beside the
 * one-command-one-unit path; the engine calls {@link #serveBlocked} after each unit.
 * Engine thread only.
 */
final class BlockedCommands {
    private final Engine engine;
    private final BlockedClients blocked;
    private final UnitClock clock;

    BlockedCommands(Engine engine, BlockedClients blocked, UnitClock clock) {
        this.engine = engine;
        this.blocked = blocked;
        this.clock = clock;
    }

    void blockCurrent(Session s, byte[][] argv, List<byte[]> keys, long timeoutMillis, Consumer<ReplySink> onTimeout) {
        BlockedClients.Blocked previous = s.blocked();
        if (previous != null && previous.sameWait(s.db(), keys)) {
            // A retry that must keep waiting on the same keys keeps its place in their queues
            // (Redis serves blocked clients first come, first served, and never requeues a
            // client it did not serve).
            previous.keptByRetry = true;
            return;
        }
        long deadline;
        if (previous != null) {
            deadline = previous.deadlineMillis;
            blocked.unblock(previous);
        } else {
            deadline = timeoutMillis <= 0 ? 0 : clock.millis() + timeoutMillis;
        }
        blocked.block(s, argv, keys, s.db(), deadline, onTimeout);
    }

    /** Wakes clients blocked on a key without a key change (CommandContext#signalKeyAsReady). */
    void signalReady(int db, byte[] key) {
        blocked.signal(db, key);
    }

    /** Re-runs blocked clients whose keys changed, each as a unit of its own. */
    void serveBlocked() {
        int rounds = 0;
        while (blocked.hasReady() && rounds++ < 1000) {
            for (BlockedClients.Blocked b : blocked.takeReady()) {
                if (!b.active) {
                    continue;
                }
                Session s = b.session;
                // Take it out of the registry; the retry blocks it again if it still must wait.
                s.setBlocked(b);
                runRetry(s, b);
                if (!s.isBlocked()) {
                    engine.dispatch.drainPending(s);
                }
            }
        }
    }

    private void runRetry(Session s, BlockedClients.Blocked b) {
        ReplySink out = engine.output(s);
        long replyFrom = s.connection().replyPosition();
        int dbBefore = s.db();
        s.selectDb(b.db);
        UnitState unit = engine.unit;
        EffectDigest.Tee tee = engine.tee;
        engine.beginUnit(b.db, s.protocol(), clock.startUnit(), engine.seedSource.nextLong());
        tee.set(engine.counting.wrap(out), unit.effects);
        CommandSpec spec = engine.resolve(b.argv);
        CommandContext ctx = new CommandContext(engine, s, b.argv, tee, spec, CommandContext.RETRY);
        b.keptByRetry = false;
        engine.runHandler(spec, ctx, tee);
        if (s.blocked() == b && !b.keptByRetry) {
            // served (or failed): the handler did not block again
            blocked.unblock(b);
        }
        s.selectDb(dbBefore);
        unit.active = false;
        engine.logUnit(s, UnitRecord.Kind.COMMAND, List.<byte[][]>of(b.argv), replyFrom);
    }

    /** Unblocks a client (CLIENT UNBLOCK): with {@code error} it gets that error, else its timeout reply. */
    boolean unblock(Session s, String error) {
        BlockedClients.Blocked b = s.blocked();
        if (b == null) {
            return false;
        }
        blocked.unblock(b);
        ReplySink out = engine.output(s);
        if (error != null) {
            engine.errorStats().record(error);
            engine.errorsSeen = engine.errorStats().total();
            out.error(error);
        } else {
            b.onTimeout.accept(out);
        }
        countEndedWait(b, error != null);
        engine.dispatch.drainPending(s);
        return true;
    }

    /** Gives every client whose wait is over its timeout reply. */
    void expireBlocked() {
        List<BlockedClients.Blocked> expired = blocked.expired(clock.wallMillis());
        for (BlockedClients.Blocked b : expired) {
            if (!b.active) {
                continue;
            }
            blocked.unblock(b);
            b.onTimeout.accept(engine.output(b.session));
            countEndedWait(b, false);
            engine.dispatch.drainPending(b.session);
        }
    }

    /**
     * A wait ended without a re-run (timeout, CLIENT UNBLOCK, WAIT's replicas caught up): the
     * command is counted now, as Redis's updateStatsOnUnblock does.
     */
    private void countEndedWait(BlockedClients.Blocked b, boolean failed) {
        engine.countCall(engine.resolve(b.argv), b.session, 0, failed, b.argv, false);
    }
}
