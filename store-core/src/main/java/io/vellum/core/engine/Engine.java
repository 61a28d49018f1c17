package io.vellum.core.engine;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.keyspace.KeyspaceObserver;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.LogWriteException;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.ScriptingEngine;
import io.vellum.core.spi.UnitRecord;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: one thread that owns all data and runs execution units one at a time
 * (DESIGN.md, "The engine and execution units").
 *
 * <p><b>Batches.</b> Network threads and embedded callers {@link #submit} commands; the
 * engine drains what has arrived as one batch, runs each command as a unit (or queues it in
 * a MULTI, or parks it behind a blocked command), appends the record of every unit that
 * changed the store to the log, commits the log once for the batch (group commit), and only
 * then releases the batch's replies.
 *
 * <p><b>Units.</b> A unit is a command, an EXEC, a script call, a blocked command's retry or
 * an active-expiry pass. It gets its time and random seed once when it starts
 * ({@link UnitClock}, {@link UnitRandom}); its effects are digested ({@link EffectDigest});
 * if it changed anything (or asked to be logged) its {@link UnitRecord} is appended.
 * {@link #applyRecord} replays a record through the same code with the record's time, seed
 * and protocol, and checks the digest.
 *
 * <p><b>Threading.</b> Units run one at a time under one owner lock. The engine thread takes
 * it for what arrives from anywhere (embedded callers, timers, replication, scripts); a
 * network thread or a waiting embedded caller takes it when it is free and runs what has
 * arrived itself ({@link #submitHere}, {@link #releaseHere}), which saves the two thread
 * hand-offs a request would otherwise cost. "Engine thread" below means the owner. Any thread
 * may call {@link #submit}, {@link #openSession}, {@link #closeSession}, {@link #call},
 * {@link #execute} and the volatile state readers. Before {@link #start()} the opening thread
 * may call engine-thread methods (recovery replays the log that way).
 *
 * <p><b>Parts.</b> This class is the façade other modules use, and it runs a unit's life
 * (begin, call, log, end). Each other job is a package-private class of its own:
 * {@link EngineLoop} (the owner lock, the inbox, the engine thread, running here, the batch's
 * group commit and release), {@link CommandDispatch} (a client's command: Redis's
 * processCommand checks, MULTI queuing, what may run on a network thread),
 * {@link BlockedCommands} (waits, retries, timeouts), {@link RecordReplayer} (replay of log
 * records), {@link Timers} and {@link ActiveExpiry} (work by the clock),
 * {@link SessionRegistry} (open sessions) and {@link EngineObserver} (key changes fanned out).
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final StoreConfig config;
    private final UnitClock clock;
    private final UnitRandom unitRandom = new UnitRandom();
    final RandomGenerator seedSource;
    private final Keyspace keyspace;
    private final CommandTable table;
    private final WatchRegistry watches = new WatchRegistry();
    private final SlowLog slowLog;
    private final ClientPause clientPause = new ClientPause(this);
    private final Monitors monitors = new Monitors(this);
    private final BusyScripts busyScripts;
    private final BlockedClients blocked = new BlockedClients();
    private final PubSubRegistry pubSub = new PubSubRegistry(this);
    final UnitState unit = new UnitState();
    final EffectDigest.Tee tee = new EffectDigest.Tee();
    private final List<KeyspaceObserver> observers = new ArrayList<>();
    private final List<InfoContributor> infoContributors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String runId = randomHex40();
    final Session internalSession;
    private final ActiveExpiry activeExpiry;
    private final Timers timers;
    private final BlockedCommands blocking;
    private final RecordReplayer replayer;
    final CommandDispatch dispatch;
    final EngineLoop loop;
    private final SessionRegistry sessions;

    private CommandLog log;
    private final ScriptingEngine scripting;
    private volatile io.vellum.core.spi.SnapshotStore snapshots;
    private volatile Role role = Role.PRIMARY;
    private volatile boolean loading;
    private volatile Runnable shutdownHandler = () -> {
    };
    long dirty;

    // INFO stats (read from other threads without locking: approximate is fine)
    volatile long totalCommands;
    volatile long totalConnections;
    private final ErrorStats errorStats = new ErrorStats();
    final ErrorStats.CountingSink counting = new ErrorStats.CountingSink(errorStats);
    /** errorStats.total() when the last command finished: later errors belong to the next (Redis's prev_err_count). */
    long errorsSeen;
    private final long startMillis;

    // ------------------------------------------------------------------ construction

    /** What an engine is made of; see {@link #builder()}. */
    public static final class Builder {
        private StoreConfig config = new StoreConfig();
        private TimeSource timeSource = TimeSource.SYSTEM;
        private final List<CommandGroup> groups = new ArrayList<>();
        private CommandLog log = CommandLog.NONE;
        private ScriptingEngine scripting;
        private Long seed;

        /** Directives; default: {@link StoreConfig}'s defaults. */
        public Builder config(StoreConfig config) {
            this.config = config;
            return this;
        }

        /** Where unit time comes from; default: the system clock. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = timeSource;
            return this;
        }

        /** Command groups to bind besides the built-in ones. */
        public Builder commands(CommandGroup group) {
            groups.add(group);
            return this;
        }

        /** The log; default: none (an in-memory store). */
        public Builder log(CommandLog log) {
            this.log = log;
            return this;
        }

        /** Scripting; default: none (EVAL and friends are unknown commands). */
        public Builder scripting(ScriptingEngine scripting) {
            this.scripting = scripting;
            return this;
        }

        /** Seed of the per-unit seed generator (tests); default: from SecureRandom. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Engine build() {
            return new Engine(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private Engine(Builder b) {
        this.config = b.config;
        this.clock = new UnitClock(b.timeSource);
        this.slowLog = new SlowLog(b.config, clock);
        this.keyspace = new Keyspace(b.config.databases.intValue(), clock);
        this.log = b.log;
        this.scripting = b.scripting;
        long seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
        this.seedSource = UnitRandom.seeded(seed);
        List<CommandGroup> groups = new ArrayList<>(io.vellum.core.commands.BuiltinCommands.groups());
        if (scripting != null) {
            groups.add(scripting.commands());
        }
        groups.addAll(b.groups);
        this.table = CommandTable.build(groups);
        this.activeExpiry = new ActiveExpiry(this, keyspace, clock);
        this.keyspace.setObserver(new EngineObserver(this, unit, watches, blocked, activeExpiry, observers));
        this.startMillis = clock.wallMillis();
        this.internalSession = new Session(0, new InternalConnection(), startMillis, true);
        this.blocking = new BlockedCommands(this, blocked, clock);
        this.replayer = new RecordReplayer(this, clock, blocking);
        this.timers = new Timers(this, config, clock, blocked, blocking, activeExpiry, startMillis);
        this.loop = new EngineLoop(this, clock, timers);
        this.busyScripts = new BusyScripts(this, loop);
        this.dispatch = new CommandDispatch(this, loop, table, config, clock, errorStats, scripting);
        // a closed or RESET connection loses its subscriptions without being told
        this.sessions = new SessionRegistry(this, config, clock, loop, watches, blocked);
        sessions.onSessionClosed(pubSub::forget);
        sessions.onSessionReset(pubSub::forget);
        if (scripting != null) {
            scripting.attach(this);
        }
    }

    /** Starts the engine thread. Until then the opening thread owns the engine. */
    public synchronized void start() {
        loop.start();
    }

    // ------------------------------------------------------------------ accessors

    public StoreConfig config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable table() {
        return table;
    }

    public UnitClock clock() {
        return clock;
    }

    UnitRandom unitRandom() {
        return unitRandom;
    }

    UnitState unit() {
        return unit;
    }

    public WatchRegistry watches() {
        return watches;
    }

    /** MONITOR's clients. Engine thread only. */
    public Monitors monitors() {
        return monitors;
    }

    /** CLIENT PAUSE's state. Engine thread only. */
    public ClientPause clientPause() {
        return clientPause;
    }

    /** SLOWLOG's entries. Engine thread only. */
    public SlowLog slowLog() {
        return slowLog;
    }

    public PubSubRegistry pubSub() {
        return pubSub;
    }

    public ScriptingEngine scripting() {
        return scripting;
    }

    public CommandLog log() {
        return log;
    }

    /** Replaces the log (after recovery opened it); engine thread or before start. */
    public void setLog(CommandLog log) {
        this.log = log;
    }

    public Role role() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    /** The snapshot store, or null (SHUTDOWN asks it to save). */
    public io.vellum.core.spi.SnapshotStore snapshots() {
        return snapshots;
    }

    public void setSnapshots(io.vellum.core.spi.SnapshotStore snapshots) {
        this.snapshots = snapshots;
    }

    public boolean loading() {
        return loading;
    }

    public void setLoading(boolean loading) {
        this.loading = loading;
    }

    /** What SHUTDOWN runs after the store is closed cleanly (the launcher exits the process). */
    public void setShutdownHandler(Runnable handler) {
        this.shutdownHandler = handler;
    }

    public Runnable shutdownHandler() {
        return shutdownHandler;
    }

    /** Changes since start (INFO rdb_changes_since_last_save is computed from it). */
    public long dirty() {
        return dirty;
    }

    void addDirty(long n) {
        dirty += n;
    }

    public long totalCommands() {
        return totalCommands;
    }

    public long totalConnections() {
        return totalConnections;
    }

    public long totalErrorReplies() {
        return errorStats.total();
    }

    /** Error replies by error code (INFO errorstats). Engine thread. */
    public ErrorStats errorStats() {
        return errorStats;
    }

    /**
     * CONFIG RESETSTAT: zeroes the counters INFO reports (commands, connections, errors, per
     * command statistics, expired keys). Engine thread.
     */
    public void resetStats() {
        totalCommands = 0;
        totalConnections = 0;
        errorStats.reset();
        errorsSeen = 0;
        for (CommandSpec c : table.allBound()) {
            c.resetStats();
        }
        keyspace.addExpired(-keyspace.expiredKeys());
    }

    /** Adds fields or sections to INFO (modules: log, snapshots, replication, scripting). Any thread. */
    public void addInfoContributor(InfoContributor contributor) {
        infoContributors.add(contributor);
    }

    public List<InfoContributor> infoContributors() {
        return Collections.unmodifiableList(infoContributors);
    }

    /** A random identifier of this engine instance (INFO run_id), 40 hex digits. */
    public String runId() {
        return runId;
    }

    private static String randomHex40() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        StringBuilder sb = new StringBuilder(40);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** A protocol error for a client (its connection is closed after the reply). Engine thread. */
    public void protocolError(Session s, String text) {
        errorStats.record(text);
        errorsSeen = errorStats.total();
        output(s).error(text);
        s.setCloseAfterReply();
    }

    public long startMillis() {
        return startMillis;
    }

    public int blockedClients() {
        return blocked.count() + clientPause.postponedCount();
    }

    /** INFO's total_blocking_keys and total_blocking_keys_on_nokey. */
    public int[] blockingKeys() {
        return new int[] {blocked.keyCount(), blocked.keysWaitedOnUntilDeleted()};
    }

    /** Open client sessions (engine thread). */
    public Collection<Session> sessions() {
        return sessions.sessions();
    }

    public Session session(long id) {
        return sessions.session(id);
    }

    public boolean isEngineThread() {
        return loop.isEngineThread();
    }

    /** Adds an observer of keyspace changes (snapshots, replication...). Engine thread. */
    public void addObserver(KeyspaceObserver observer) {
        observers.add(observer);
    }

    public void removeObserver(KeyspaceObserver observer) {
        observers.remove(observer);
    }

    /** Runs {@code listener} when a session closes (pub/sub cleanup...). Before start. */
    public void onSessionClosed(Consumer<Session> listener) {
        sessions.onSessionClosed(listener);
    }

    /** Runs {@code task} on the engine thread about every {@code periodMillis}, between batches. */
    public void addCron(long periodMillis, Runnable task) {
        timers.addCron(periodMillis, task, () -> true);
    }

    /**
     * As {@link #addCron(long, Runnable)}, for a task with nothing to do most of the time: it
     * runs, and wakes the parked engine thread, only while {@code active} says so (read on the
     * engine thread). An idle server's engine thread then wakes {@code hz} times a second, not
     * at the shortest period of a task that has no work.
     */
    public void addCron(long periodMillis, Runnable task, java.util.function.BooleanSupplier active) {
        timers.addCron(periodMillis, task, active);
    }

    // ------------------------------------------------------------------ sessions (any thread)

    /** Creates a session for a new client. Its commands may be submitted right away. */
    public Session openSession(ClientConnection connection) {
        return sessions.openSession(connection);
    }

    /** The client went away: forget its state. */
    public void closeSession(Session s) {
        sessions.closeSession(s);
    }

    // ------------------------------------------------------------------ the owner and its batches (EngineLoop)

    /** Hands commands to the engine (any thread). Replies go to the session's connection. */
    public void submit(Session session, List<byte[][]> commands) {
        loop.submit(session, commands);
    }

    /**
     * A network thread's fast path: hands commands to the engine and, when no other thread is
     * running units, runs what has arrived right here, so a request costs no thread hand-off
     * (DESIGN.md, "The engine and execution units": units still run one at a time, in arrival
     * order, under one owner). Commands that may run user code (scripts, FUNCTION LOAD, EXEC
     * of a transaction holding one) and other NOSCRIPT administration go to the engine
     * thread, so a busy script never stalls the thread that answers {@code -BUSY}. Replies
     * wait in the connections until {@link #releaseHere()}, which the network thread calls
     * once per event-loop iteration: one group commit for every connection read in it.
     */
    public void submitHere(Session session, List<byte[][]> commands) {
        loop.submitHere(session, commands);
    }

    /** Runs what has arrived on the calling thread if the engine is free (see {@link #submitHere}). */
    public void runHere() {
        loop.runHere();
    }

    /**
     * Releases the replies of what ran on network threads: commits the log once, then sends
     * them. A no-op while another thread runs units (it releases them at the end of its batch).
     */
    public void releaseHere() {
        loop.releaseHere();
    }

    /**
     * Registers, for the calling network thread, what keeps its connections served (their
     * -BUSY replies, SCRIPT KILL) while a script it runs is busy. A network thread must
     * register one: scripts run on whichever thread runs units ({@link #submitHere}).
     */
    public void setBusyPump(Runnable pump) {
        loop.setBusyPump(pump);
    }

    /**
     * A busy script calls this now and then from between its instructions (Redis's
     * processEventsWhileBlocked): a network thread running it reads its connections.
     */
    public void serveWhileBusy() {
        loop.serveWhileBusy();
    }

    /** What the thread running a busy script does for the others (see {@link BusyScripts}). */
    public BusyScripts busyScripts() {
        return busyScripts;
    }

    /** Runs {@code task} on the engine thread and returns its result. */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        return loop.call(task);
    }

    /**
     * Runs {@code task} on the engine thread after the current batch's replies are released:
     * background work done in slices (a snapshot) goes here, so a slice never holds back the
     * replies of the batch it would otherwise run in. Engine thread (or the owner of an engine
     * not started, where it runs at once).
     */
    public void executeAfterBatch(Runnable task) {
        loop.executeAfterBatch(task);
    }

    /** Whether work waits in the inbox: a slice of background work (a snapshot) yields to it. Any thread. */
    public boolean hasWaitingWork() {
        return loop.hasWaitingWork();
    }

    /** Runs {@code task} on the engine thread (no result). */
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /**
     * {@link #execute}, run on the calling thread when no thread runs units and nothing is
     * queued before it (it then keeps its place), as a batch of its own (the log committed,
     * replies released, as the engine thread would): a thread that brings work often and has
     * nothing else to do meanwhile (a replica's link or follower with its records) saves the
     * engine thread's wake-up and switch. Never for work that must not hold up its caller.
     * Any thread.
     */
    public void executeHere(Runnable task) {
        loop.executeHere(task);
    }

    /** The sink for a session's replies (marks it for release at the end of the batch). */
    public ReplySink output(Session s) {
        return loop.output(s);
    }

    // ------------------------------------------------------------------ commands

    /** The command (or subcommand) {@code argv} names, or null. */
    public CommandSpec resolve(byte[][] argv) {
        return dispatch.resolve(argv);
    }

    /** Redis's commandCheckExistence and commandCheckArity: the error text, or null. */
    public String checkExistence(byte[][] argv, CommandSpec spec) {
        return dispatch.checkExistence(argv, spec);
    }

    /**
     * True while {@code s} must authenticate before anything but AUTH/HELLO (Redis's
     * authRequired): a password is set and the client has not given it. A client connected
     * while there was no password stays authenticated. Any thread.
     */
    public boolean authRequired(Session s) {
        return dispatch.authRequired(s);
    }

    void beginUnit(int db, int protocol, long timeMicros, long seed) {
        unitRandom.startUnit(seed);
        unit.reset(db, protocol, timeMicros, seed, dirty);
    }

    /** Logs the unit if it changed anything, then serves clients its changes unblocked. */
    void endUnit(Session s, UnitRecord.Kind kind, List<byte[][]> commands, long replyFrom) {
        unit.active = false;
        logUnit(s, kind, commands, replyFrom);
        pubSub.releaseDeferred(); // messages to the publisher itself follow its reply (Redis 7.2)
        blocking.serveBlocked();
        clientPause.serveReleased();
    }

    /**
     * Appends the ended unit's record if it changed anything (and the log keeps records); its
     * replies, {@code replyFrom} to now, wait for the batch's commit, or become the log's error.
     */
    void logUnit(Session s, UnitRecord.Kind kind, List<byte[][]> commands, long replyFrom) {
        if ((dirty != unit.dirtyAtStart || unit.forceLog) && !unit.discard && log.keepsRecords()) {
            assert kind != UnitRecord.Kind.COMMAND || CommandDispatch.mayWrite(resolve(commands.get(0)))
                    : "a read-only command wrote: its record's digest lacks its replies";
            UnitRecord.Kind k = unit.loggedKind != null ? unit.loggedKind : kind;
            List<byte[][]> cmds = unit.loggedCommands != null ? unit.loggedCommands : commands;
            UnitRecord r = new UnitRecord(k, unit.db, unit.protocol, unit.timeMicros, unit.seed, cmds, unit.effects.value(), unit.scriptState);
            ClientConnection conn = s.connection();
            try {
                log.append(r);
                loop.appendedInBatch.add(new EngineLoop.AppendedUnit(s, replyFrom, conn.replyPosition()));
            } catch (LogWriteException e) {
                LOG.error("log append failed; the unit is not acknowledged: {}", r.describe(), e);
                conn.replaceReplies(replyFrom, conn.replyPosition(), log.failureReply());
            }
        }
    }

    /**
     * Runs a command inside the current unit: resolves it, checks existence and arity, and
     * calls its handler. EXEC, scripts and replay call this; client-level checks (auth,
     * MULTI queuing, READONLY...) are the caller's. Returns the command, or null when it
     * was refused (the error is written to {@code sink}).
     */
    public CommandSpec invoke(Session s, byte[][] argv, ReplySink sink, int flags) {
        CommandSpec spec = dispatch.resolve(argv);
        String err = dispatch.checkExistence(argv, spec);
        if (err != null) {
            sink.error(err);
            return null;
        }
        call(spec, s, argv, sink, flags);
        return spec;
    }

    /** Calls the handler of a resolved, checked command. */
    public void call(CommandSpec spec, Session s, byte[][] argv, ReplySink sink, int flags) {
        runHandler(spec, new CommandContext(this, s, argv, sink, spec, flags), sink);
    }

    /**
     * Runs a command's handler with Redis's call() bookkeeping: INFO commandstats (calls,
     * usec, failed_calls when it answered an error) and WATCH's judgement of the databases it
     * replaced. Every command comes here, a blocked command's retry included. A command that
     * leaves its client waiting is counted when the wait ends, once (Redis 7.2's call() skips
     * a blocked client; the re-run that serves it, or updateStatsOnUnblock, counts it).
     */
    void runHandler(CommandSpec spec, CommandContext ctx, ReplySink sink) {
        Session s = ctx.session();
        BlockedClients.Blocked waitingBefore = s.blocked();
        long t0 = System.nanoTime();
        try {
            spec.handler().execute(ctx);
        } catch (io.vellum.core.command.CommandError e) {
            sink.error(e.reply());
        }
        long micros = (System.nanoTime() - t0) / 1000;
        boolean failed = errorStats.total() > errorsSeen;
        errorsSeen = errorStats.total();
        BlockedClients.Blocked waiting = s.blocked();
        if (waiting != null && (waiting != waitingBefore || waiting.keptByRetry)) {
            s.waitingCallMicros += micros;
        } else {
            // replayed units were logged where they first ran (Redis's AOF load skips call())
            countCall(spec, s, micros, failed, ctx.isReplay() ? null : ctx.loggedArgv(), ctx.inScript());
        }
        monitors.afterCall(spec, ctx);
        watches.settle(keyspace);
    }

    /**
     * Counts a finished command in INFO commandstats, with what its runs took while its client
     * waited, and offers it to the slow log ({@code argv} null: not to be logged).
     */
    void countCall(CommandSpec spec, Session s, long micros, boolean failed, byte[][] argv, boolean fromScript) {
        // INFO total_commands_processed as Redis's call() counts it: every command run, those
        // of EXEC and of scripts included, none refused before running, a blocked one when served
        totalCommands++;
        long total = s.waitingCallMicros + micros;
        spec.recordCall(total);
        s.waitingCallMicros = 0;
        if (failed) {
            spec.recordFailed();
        }
        if (argv != null) {
            slowLog.consider(spec, s, argv, total, fromScript);
        }
    }

    // ------------------------------------------------------------------ blocking

    void blockCurrent(Session s, byte[][] argv, List<byte[]> keys, long timeoutMillis, Consumer<ReplySink> onTimeout) {
        blocking.blockCurrent(s, argv, keys, timeoutMillis, onTimeout);
    }

    /** Wakes clients blocked on a key without a key change (CommandContext#signalKeyAsReady). */
    void signalReady(int db, byte[] key) {
        blocking.signalReady(db, key);
    }

    /** Unblocks a client (CLIENT UNBLOCK): with {@code error} it gets that error, else its timeout reply. */
    public boolean unblock(Session s, String error) {
        return blocking.unblock(s, error);
    }

    /**
     * Closes another client's connection once what was written to it is sent (CLIENT KILL);
     * commands it sent after are not run. Engine thread.
     */
    public void kill(Session target) {
        output(target);
        target.setCloseAfterReply();
    }

    /** Runs {@code listener} when a client RESETs its connection (pub/sub unsubscribes...). Before start. */
    public void onSessionReset(Consumer<Session> listener) {
        sessions.onSessionReset(listener);
    }

    /** RESET: tells the modules that keep per-client state to forget it. Engine thread. */
    public void resetSession(Session s) {
        sessions.resetSession(s);
    }

    // ------------------------------------------------------------------ replay

    /**
     * Applies a logged unit: same code, the record's time, seed, database and protocol; the
     * effect digest must match. With {@code appendToLog} the record also goes to this
     * store's own log (a replica keeps one). While the store is {@link #loading()} its own
     * log at startup (recovery sets it), the records are its own: PUBLISH then delivers
     * nothing; a follower applying its primary's records (with or without a log of its own)
     * delivers to its subscribers. Engine thread (or the opening thread before {@link #start()}).
     *
     * @throws ReplayDivergenceException when the effects differ from the record's
     */
    public void applyRecord(UnitRecord r, boolean appendToLog) {
        applyRecord(r, appendToLog, null);
    }

    /**
     * {@link #applyRecord(UnitRecord, boolean)} that also writes the unit's replies to
     * {@code replies} (when not null): the property tests compare them, byte for byte, with
     * the replies the original run gave its client.
     */
    public void applyRecord(UnitRecord r, boolean appendToLog, ReplySink replies) {
        replayer.applyRecord(r, appendToLog, replies, null, 0, 0, 0);
    }

    /**
     * {@link #applyRecord(UnitRecord, boolean)} appending to this store's log the record's
     * bytes as its primary's log stores them, {@code stored[off, off + len)}, under
     * {@code serial} ({@link CommandLog#appendStored}): a replica copies them instead of
     * encoding the record again.
     */
    public void applyStoredRecord(UnitRecord r, long serial, byte[] stored, int off, int len) {
        replayer.applyRecord(r, true, null, stored, serial, off, len);
    }

    // ------------------------------------------------------------------ timers and expiry

    /**
     * The primary's active expiry: per database, samples keys with a TTL (and the expired keys
     * reads saw) and deletes the expired ones in one logged unit, a DEL of those keys
     * (DESIGN.md, rule 4). Repeats while a quarter or more of a sample was expired, within
     * a time budget. Replicas never run it.
     */
    public void activeExpireCycle() {
        activeExpiry.cycle();
    }

    // ------------------------------------------------------------------ shutdown

    /** How long close waits for the work already submitted, beyond busy-reply-threshold. */
    private static final long CLOSE_WAIT_MILLIS = 30_000;

    private volatile boolean closing;

    /**
     * Begins closing the store, before its owner stops what waits for the engine (servers, the
     * snapshot on close). From now on a script that runs past busy-reply-threshold is stopped
     * as SHUTDOWN NOSAVE stops one (see {@link #close}). Any thread.
     */
    public void beginClose() {
        closing = true;
    }

    /**
     * True once closing began: the scripting engine then stops a busy script, whatever it
     * wrote, and discards its unit (SHUTDOWN NOSAVE's rule: nothing of it is logged), then
     * calls {@link #stoppedPartWayAtClose}. A replayed script is left to end: it ended on its
     * primary (SCRIPT KILL calls it unkillable). Any thread.
     */
    public boolean closing() {
        return closing;
    }

    /**
     * A unit was stopped part way because the store is closing: the data in memory now holds
     * part of a unit the log will never hold, so no snapshot may be taken of it (the log holds
     * everything), as after SHUTDOWN NOSAVE. Engine thread.
     */
    public void stoppedPartWayAtClose() {
        LOG.warn("closing: a busy script was stopped as SHUTDOWN NOSAVE stops one; its writes are not logged "
                + "and no snapshot is taken on close");
        io.vellum.core.spi.SnapshotStore s = snapshots;
        if (s != null) {
            s.shutdownSave(false, true);
        }
    }

    /**
     * Stops the engine thread after the work already submitted, then closes scripting and the
     * log. A script still running once past busy-reply-threshold is stopped as SHUTDOWN NOSAVE
     * stops one ({@link #closing}); a script never holds close up for good. If the engine
     * still does not stop (a unit that does not end) within 30 s beyond busy-reply-threshold,
     * close leaves the log and scripting open, as that unit may still use them, and throws.
     *
     * @throws IllegalStateException when the engine did not stop
     */
    @Override
    public void close() {
        close(CLOSE_WAIT_MILLIS + Math.min(Math.max(0, config.busyReplyThreshold.get()), TimeUnit.DAYS.toMillis(1)));
    }

    /** {@link #close()} with its wait for the engine thread. */
    void close(long waitMillis) {
        closing = true;
        if (!loop.stop(waitMillis)) {
            String msg = "the engine did not stop within " + waitMillis + " ms (a unit that does not end): "
                    + "the log and scripting are left open, as it may still use them";
            LOG.error(msg);
            throw new IllegalStateException(msg);
        }
        if (scripting != null) {
            scripting.close();
        }
        log.close();
    }
}
