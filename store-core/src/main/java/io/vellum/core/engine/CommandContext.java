package io.vellum.core.engine;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.Errors;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.util.Doubles;
import io.vellum.core.util.Longs;
import io.vellum.core.util.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * What a command handler sees: its arguments, the client, the selected database, the reply
 * sink, and the unit it runs in (time, randomness, what gets logged).
 *
 * <p>Argument helpers throw {@link CommandError} with Redis's text when an argument is
 * invalid; handlers parse everything before changing anything.
 *
 * <p>Engine thread only; one context per command call (nested calls — EXEC's commands,
 * redis.call — get their own).
 */
public final class CommandContext {
    /** The command runs inside EXEC. */
    public static final int IN_EXEC = 1;
    /** The command runs from a script (redis.call / redis.pcall). */
    public static final int IN_SCRIPT = 2;
    /** The command is being replayed from a log record. */
    public static final int REPLAY = 4;
    /** A blocked client's command, re-run because one of its keys changed. */
    public static final int RETRY = 8;

    private final Engine engine;
    private final Session session;
    private final byte[][] argv;
    private byte[][] loggedArgv;
    private static final byte[] REDACTED = "(redacted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ReplySink reply;
    private final CommandSpec spec;
    private final int flags;

    CommandContext(Engine engine, Session session, byte[][] argv, ReplySink reply, CommandSpec spec, int flags) {
        this.engine = engine;
        this.session = session;
        this.argv = argv;
        this.loggedArgv = argv;
        this.reply = reply;
        this.spec = spec;
        this.flags = flags;
    }

    public Engine engine() {
        return engine;
    }

    public Session session() {
        return session;
    }

    public CommandSpec spec() {
        return spec;
    }

    public ReplySink reply() {
        return reply;
    }

    /**
     * The client's sink without the unit's effect digest, for a reply that depends on state
     * neither the store nor the log holds (PUBLISH's receiver count, subscription counts):
     * replay could not reproduce it, so digesting it would make a follower's check fail.
     * During replay what is written here goes nowhere.
     */
    public ReplySink replyOutsideDigest() {
        if (reply instanceof EffectDigest.Tee t) {
            return t.client();
        }
        if (reply instanceof EffectDigest) {
            return new DiscardingSink(reply.protocol());
        }
        return reply;
    }


    /**
     * {@link #replyOutsideDigest()} for what Redis writes even while CLIENT REPLY OFF or SKIP
     * drops the command's replies: pushes (CLIENT_PUSHING: pub/sub notifications), and the
     * OK of CLIENT REPLY ON, which clears both flags first.
     */
    public ReplySink pushReply() {
        if (session().repliesDiscarded && !isReplay() && !inExec()) {
            return engine().output(session());
        }
        return replyOutsideDigest();
    }

    public int flags() {
        return flags;
    }

    public boolean inExec() {
        return (flags & IN_EXEC) != 0;
    }

    public boolean inScript() {
        return (flags & IN_SCRIPT) != 0;
    }

    public boolean isReplay() {
        return (flags & REPLAY) != 0;
    }

    public boolean isRetry() {
        return (flags & RETRY) != 0;
    }

    /**
     * True while the store replays its own log at startup ({@link Engine#loading()}), not
     * when a follower applies its primary's records: messages published then reach nobody
     * and are not re-published.
     */
    public boolean isOwnLogReplay() {
        return isReplay() && engine.unit().ownLogReplay;
    }

    // ------------------------------------------------------------------ store

    public Keyspace keyspace() {
        return engine.keyspace();
    }

    /** The database the client has selected. */
    public Database db() {
        return engine.keyspace().db(session.db());
    }

    public StoreConfig config() {
        return engine.config();
    }

    /** The unit's time in ms (frozen for the unit). */
    public long nowMillis() {
        return engine.clock().millis();
    }

    /** The unit's time in µs (frozen for the unit). */
    public long nowMicros() {
        return engine.clock().micros();
    }

    /** The unit's seeded generator (DESIGN.md, rule 2). */
    public RandomGenerator random() {
        return engine.unitRandom().generator();
    }

    // ------------------------------------------------------------------ the unit

    /** Log this unit even if no key changed (SCRIPT LOAD, PUBLISH, FLUSHALL of an empty store...). */
    public void forceLog() {
        engine.unit().forceLog = true;
    }

    /**
     * Log the unit as these commands instead of the one received (a blocking command that was
     * served later is logged as the non-blocking command it became).
     */
    public void logAs(UnitRecord.Kind kind, List<byte[][]> commands) {
        engine.unit().loggedKind = kind;
        engine.unit().loggedCommands = commands;
    }

    /**
     * Records scripting's generator state at the start of this unit in its log record (the
     * first call in a unit wins: that is the state replay must restore).
     */
    public void recordScriptState(long state) {
        if (engine.unit().scriptState == UnitRecord.NO_SCRIPT_STATE) {
            engine.unit().scriptState = state;
        }
    }

    /**
     * During replay, the generator state the record holds (once per unit: later scripts of
     * the same unit continue from where the first left it), else {@link UnitRecord#NO_SCRIPT_STATE}.
     */
    public long takeReplayedScriptState() {
        long s = engine.unit().replayedScriptState;
        engine.unit().replayedScriptState = UnitRecord.NO_SCRIPT_STATE;
        return s;
    }

    /**
     * Logs nothing of this unit, whatever it changed: a script stopped half way by SHUTDOWN
     * NOSAVE, whose writes must not outlive the process (Redis loses them too).
     */
    public void discardUnit() {
        engine.unit().discard = true;
    }

    /** Count {@code n} changes towards the dirty counter beyond the keys signalled. */
    public void addDirty(long n) {
        engine.addDirty(n);
    }

    /** True when this command may block (not in MULTI, a script or replay). */
    public boolean canBlock() {
        return (flags & (IN_EXEC | IN_SCRIPT | REPLAY)) == 0;
    }

    /**
     * Blocks the client on {@code keys} of the selected database until one changes or
     * {@code timeoutMillis} passes (0: forever). The handler writes no reply now; when a
     * key changes its command is re-run (with {@link #isRetry()}), and at the deadline
     * {@code onTimeout} writes the reply. A retry that blocks again keeps the first deadline.
     */
    public void block(List<byte[]> keys, long timeoutMillis, Consumer<ReplySink> onTimeout) {
        if (!canBlock()) {
            throw new IllegalStateException("block() outside a blockable context; check canBlock()");
        }
        engine.blockCurrent(session, argv, keys, timeoutMillis, onTimeout);
    }

    /**
     * Like {@link #block(List, long, Consumer)}, re-running {@code retryArgv} instead of the
     * arguments received (XREAD BLOCK waits for IDs above the ones "$" meant when it blocked).
     */
    public void block(List<byte[]> keys, long timeoutMillis, Consumer<ReplySink> onTimeout, byte[][] retryArgv) {
        if (!canBlock()) {
            throw new IllegalStateException("block() outside a blockable context; check canBlock()");
        }
        engine.blockCurrent(session, retryArgv, keys, timeoutMillis, onTimeout);
    }

    /**
     * Wakes the clients blocked on {@code key} without reporting a change of the key (Redis's
     * signalKeyAsReady: XGROUP DESTROY wakes XREADGROUP clients, WATCH does not see it).
     */
    public void signalKeyAsReady(byte[] key) {
        engine.signalReady(session.db(), key);
    }

    // ------------------------------------------------------------------ arguments

    /**
     * Replaces argument {@code index} by "(redacted)" in what the slow log keeps (Redis's
     * redactClientCommandArgument): passwords given to AUTH, HELLO and CONFIG SET.
     */
    public void redact(int index) {
        if (loggedArgv == argv) {
            loggedArgv = argv.clone();
        }
        loggedArgv[index] = REDACTED;
    }

    /** The arguments as the slow log shows them: {@link #argv()} but for {@link #redact redacted} ones. */
    public byte[][] loggedArgv() {
        return loggedArgv;
    }

    public byte[][] argv() {
        return argv;
    }

    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    /** Argument {@code i} as a byte string (one char per byte, see {@link ReplySink}). */
    public String argString(int i) {
        return new String(argv[i], StandardCharsets.ISO_8859_1);
    }

    /** True when argument {@code i} equals {@code lower} (lower-case ASCII), ignoring case. */
    public boolean argIs(int i, String lower) {
        return Text.eqIgnoreCase(argv[i], lower);
    }

    /** Argument {@code i} as an integer, or "ERR value is not an integer or out of range". */
    public long longArg(int i) {
        byte[] b = argv[i];
        if (!Longs.isLong(b)) {
            throw Errors.E_NOT_INTEGER;
        }
        return Longs.parseValid(b);
    }

    /** Argument {@code i} as an integer, or the given error text. */
    public long longArg(int i, String error) {
        byte[] b = argv[i];
        if (!Longs.isLong(b)) {
            throw new CommandError(error);
        }
        return Longs.parseValid(b);
    }

    /** Argument {@code i} as a float (Redis's string2d), or "ERR value is not a valid float". */
    public double doubleArg(int i) {
        double d = Doubles.parse(argv[i]);
        if (Double.isNaN(d)) {
            throw Errors.E_NOT_FLOAT;
        }
        return d;
    }

    /** Fails with "ERR syntax error". */
    public CommandError syntaxError() {
        return Errors.E_SYNTAX;
    }
}
