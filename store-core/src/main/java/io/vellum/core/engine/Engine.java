package io.vellum.core.engine;

import io.vellum.core.command.CommandFlag;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.keyspace.Database;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
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
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_BATCH = 4096;
    private static final byte[] DEL = {'D', 'E', 'L'};

    private final StoreConfig config;
    private final UnitClock clock;
    private final UnitRandom unitRandom = new UnitRandom();
    private final RandomGenerator seedSource;
    private final Keyspace keyspace;
    private final CommandTable table;
    private final WatchRegistry watches = new WatchRegistry();
    private final BlockedClients blocked = new BlockedClients();
    private final PubSubRegistry pubSub = new PubSubRegistry(this);
    private final UnitState unit = new UnitState();
    private final EffectDigest.Tee tee = new EffectDigest.Tee();
    private final List<KeyspaceObserver> observers = new ArrayList<>();
    private final List<Consumer<Session>> sessionClosedListeners = new ArrayList<>();
    private final List<Consumer<Session>> sessionResetListeners = new ArrayList<>();
    private final List<InfoContributor> infoContributors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String runId = randomHex40();
    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final AtomicLong nextSessionId = new AtomicLong(1);
    private final ConcurrentLinkedDeque<Object> inbox = new ConcurrentLinkedDeque<>();
    /** Held by whichever thread runs units: the engine thread, or a network thread running a batch here. */
    private final ReentrantLock owner = new ReentrantLock();
    /** True while a network thread runs a batch here: units that may run user code go to the engine thread. */
    private boolean runningHere;
    /** Per network thread: what serves its connections while a script it runs is busy. */
    private final ThreadLocal<Runnable> busyPump = new ThreadLocal<>();
    private static final java.util.Set<String> SCRIPT_CALLS =
            java.util.Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro");
    /** When the parked engine thread will wake by itself (wall millis). */
    private volatile long engineWakeAt;
    private final List<Session> withOutput = new ArrayList<>();
    private final List<AppendedUnit> appendedInBatch = new ArrayList<>();
    private final List<Cron> crons = new ArrayList<>();
    private final java.util.ArrayDeque<Runnable> afterBatch = new java.util.ArrayDeque<>();
    private final Session internalSession;
    private final List<byte[]> expiredSeen = new ArrayList<>();
    private final List<Integer> expiredSeenDb = new ArrayList<>();

    private CommandLog log;
    private final ScriptingEngine scripting;
    private volatile io.vellum.core.spi.SnapshotStore snapshots;
    private volatile Role role = Role.PRIMARY;
    private volatile boolean loading;
    private volatile Runnable shutdownHandler = () -> {
    };
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean parked;
    private long dirty;
    private long lastExpiryCycleMillis;

    // INFO stats (read from other threads without locking: approximate is fine)
    private volatile long totalCommands;
    private volatile long totalConnections;
    private final ErrorStats errorStats = new ErrorStats();
    private final ErrorStats.CountingSink counting = new ErrorStats.CountingSink(errorStats);
    /** errorStats.total() when the last command finished: later errors belong to the next (Redis's prev_err_count). */
    private long errorsSeen;
    private final long startMillis;

    private record AppendedUnit(Session session, long from, long to) {
    }

    private static final class Cron {
        final long periodMillis;
        final Runnable task;
        long nextMillis;

        Cron(long periodMillis, Runnable task, long now) {
            this.periodMillis = periodMillis;
            this.task = task;
            this.nextMillis = now + periodMillis;
        }
    }

    private record Submission(Session session, List<byte[][]> commands) {
    }

    /** Session bookkeeping that any thread running units may do (never user code, never blocks). */
    private record SessionTask(Runnable task) {
    }

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
        this.keyspace = new Keyspace(b.config.databases.intValue(), clock);
        this.log = b.log;
        this.scripting = b.scripting;
        long seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
        this.seedSource = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        List<CommandGroup> groups = new ArrayList<>(io.vellum.core.commands.BuiltinCommands.groups());
        if (scripting != null) {
            groups.add(scripting.commands());
        }
        groups.addAll(b.groups);
        this.table = CommandTable.build(groups);
        this.keyspace.setObserver(new EngineObserver());
        this.startMillis = clock.wallMillis();
        this.internalSession = new Session(0, new InternalConnection(), startMillis, true);
        this.lastExpiryCycleMillis = startMillis;
        // a closed or RESET connection loses its subscriptions without being told
        sessionClosedListeners.add(pubSub::forget);
        sessionResetListeners.add(pubSub::forget);
        if (scripting != null) {
            scripting.attach(this);
        }
    }

    /** Starts the engine thread. Until then the opening thread owns the engine. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        Thread t = new Thread(this::loop, "vellum-engine");
        t.setDaemon(true);
        thread = t;
        t.start();
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
        return blocked.count();
    }

    /** Open client sessions (engine thread). */
    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public Session session(long id) {
        return sessions.get(id);
    }

    public boolean isEngineThread() {
        Thread t = thread;
        return t == null || owner.isHeldByCurrentThread();
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
        sessionClosedListeners.add(listener);
    }

    /** Runs {@code task} on the engine thread about every {@code periodMillis}, between batches. */
    public void addCron(long periodMillis, Runnable task) {
        crons.add(new Cron(periodMillis, task, clock.wallMillis()));
    }

    // ------------------------------------------------------------------ sessions (any thread)

    /** Creates a session for a new client. Its commands may be submitted right away. */
    public Session openSession(ClientConnection connection) {
        boolean noPassword = config.requirepass.get().isEmpty();
        Session s = new Session(nextSessionId.getAndIncrement(), connection, clock.wallMillis(), noPassword);
        enqueue(new SessionTask(() -> {
            sessions.put(s.id(), s);
            totalConnections++;
        }));
        return s;
    }

    /** The client went away: forget its state. */
    public void closeSession(Session s) {
        s.markClosed();
        enqueue(new SessionTask(() -> releaseSession(s)));
    }

    private void releaseSession(Session s) {
        if (sessions.remove(s.id()) == null) {
            return;
        }
        watches.unwatchAll(s);
        BlockedClients.Blocked b = s.blocked();
        if (b != null) {
            blocked.unblock(b);
        }
        s.pending().clear();
        for (Consumer<Session> l : sessionClosedListeners) {
            l.accept(s);
        }
    }

    /** Hands commands to the engine (any thread). Replies go to the session's connection. */
    public void submit(Session session, List<byte[][]> commands) {
        enqueue(new Submission(session, commands));
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
        if (thread == null || owner.isHeldByCurrentThread()) {
            enqueue(new Submission(session, commands));
            return;
        }
        // no wake-up here: runHere either runs it or wakes the engine thread
        inbox.add(new Submission(session, commands));
        runHere();
    }

    /** Runs what has arrived on the calling thread if the engine is free (see {@link #submitHere}). */
    public void runHere() {
        if (thread == null || owner.isHeldByCurrentThread() || inbox.isEmpty()) {
            return;
        }
        if (!owner.tryLock()) {
            wakeEngineThread();
            return;
        }
        try {
            runningHere = true;
            int n = 0;
            Object item;
            while ((item = inbox.poll()) != null) {
                boolean done;
                if (item instanceof Submission sub) {
                    done = processSubmission(sub.session(), sub.commands());
                } else if (item instanceof SessionTask t) {
                    t.task().run();
                    done = true;
                } else {
                    inbox.addFirst(item);
                    done = false;
                }
                if (!done || ++n == MAX_BATCH) {
                    // the rest is the engine thread's: release what ran here first, so its
                    // replies do not wait behind a script
                    endBatch();
                    wakeEngineThread();
                    return;
                }
            }
        } catch (Throwable e) {
            LOG.error("engine failure on a network thread (the engine keeps running)", e);
        } finally {
            runningHere = false;
            owner.unlock();
        }
    }

    /**
     * Releases the replies of what ran on network threads: commits the log once, then sends
     * them. A no-op while another thread runs units (it releases them at the end of its batch).
     */
    public void releaseHere() {
        if (thread == null || owner.isHeldByCurrentThread() || !owner.tryLock()) {
            return;
        }
        try {
            endBatch();
            if (!afterBatch.isEmpty() || !inbox.isEmpty()
                    || (blocked.count() > 0 && blocked.nextDeadline() < engineWakeAt)) {
                wakeEngineThread();
            }
        } finally {
            owner.unlock();
        }
    }

    /**
     * Registers, for the calling network thread, what keeps its connections served (their
     * -BUSY replies, SCRIPT KILL) while a script it runs is busy. A network thread must
     * register one: scripts run on whichever thread runs units ({@link #submitHere}).
     */
    public void setBusyPump(Runnable pump) {
        busyPump.set(pump);
    }

    /**
     * A busy script calls this now and then from between its instructions (Redis's
     * processEventsWhileBlocked): a network thread running it reads its connections.
     */
    public void serveWhileBusy() {
        Runnable pump = busyPump.get();
        if (pump != null) {
            pump.run();
        }
    }

    private void wakeEngineThread() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Runs {@code task} on the engine thread and returns its result. */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (thread == null) {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
            return f;
        }
        enqueue((Runnable) () -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Runs {@code task} on the engine thread after the current batch's replies are released:
     * background work done in slices (a snapshot) goes here, so a slice never holds back the
     * replies of the batch it would otherwise run in. Engine thread (or the owner of an engine
     * not started, where it runs at once).
     */
    public void executeAfterBatch(Runnable task) {
        if (thread == null) {
            task.run();
        } else {
            afterBatch.add(task);
        }
    }

    /** Whether work waits in the inbox: a slice of background work (a snapshot) yields to it. Any thread. */
    public boolean hasWaitingWork() {
        return !inbox.isEmpty();
    }

    /** Runs the tasks queued for after the batch (not those they queue); true if there were any. */
    private boolean runAfterBatch() {
        int n = afterBatch.size();
        for (int i = 0; i < n; i++) {
            afterBatch.poll().run();
        }
        return n > 0;
    }

    /** Runs {@code task} on the engine thread (no result). */
    public void execute(Runnable task) {
        if (thread == null) {
            task.run();
        } else {
            enqueue(task);
        }
    }

    private void enqueue(Object item) {
        if (thread == null) {
            // Not started: the caller owns the engine.
            handle(item);
            endBatch();
            return;
        }
        inbox.add(item);
        wakeEngineThread();
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        while (running) {
            long waitMillis = -1;
            owner.lock();
            try {
                Object item = inbox.poll();
                if (item == null) {
                    runTimers();
                    if (!runAfterBatch()) {
                        waitMillis = Math.max(1, millisToNextTimer());
                        engineWakeAt = clock.wallMillis() + waitMillis;
                    }
                } else {
                    handle(item);
                    int n = 1;
                    while (n < MAX_BATCH && (item = inbox.poll()) != null) {
                        handle(item);
                        n++;
                    }
                    endBatch();
                    runTimers();
                    runAfterBatch();
                }
            } catch (Throwable e) {
                LOG.error("engine loop failure (the engine keeps running)", e);
            } finally {
                owner.unlock();
            }
            if (waitMillis > 0) {
                parked = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(waitMillis));
                }
                parked = false;
            }
        }
    }

    private void handle(Object item) {
        if (item instanceof Submission sub) {
            processSubmission(sub.session(), sub.commands());
        } else if (item instanceof SessionTask t) {
            t.task().run();
        } else if (item instanceof Runnable r) {
            r.run();
        }
    }

    /**
     * Runs a session's commands; false if, running on a network thread, it stopped at one
     * that must run on the engine thread (the rest is then first in the inbox).
     */
    private boolean processSubmission(Session s, List<byte[][]> commands) {
        if (s.isClosed()) {
            return true;
        }
        if (s.isBlocked() || !s.pending().isEmpty()) {
            s.pending().addAll(commands);
            return true;
        }
        for (int i = 0; i < commands.size(); i++) {
            if (s.closeAfterReply()) {
                return true;
            }
            if (s.isBlocked()) {
                s.pending().addAll(commands.subList(i, commands.size()));
                return true;
            }
            byte[][] argv = commands.get(i);
            CommandSpec spec = resolve(argv);
            if (runningHere && !runsAnywhere(s, spec)) {
                inbox.addFirst(new Submission(s, new ArrayList<>(commands.subList(i, commands.size()))));
                return false;
            }
            if (s.interceptor() != null) {
                s.interceptor().accept(new ArrayList<>(commands.subList(i, commands.size())));
                return true;
            }
            executeClientCommand(s, argv, spec);
        }
        return true;
    }

    /**
     * Whether a command may run on a network thread: it runs no user code and does not
     * administer the server (Redis's NOSCRIPT flag marks both), or it is transaction control.
     */
    private boolean runsAnywhere(Session s, CommandSpec spec) {
        if (s.interceptor() != null) {
            return false;
        }
        if (spec == null || !spec.has(io.vellum.core.command.CommandFlag.NOSCRIPT)) {
            return true;
        }
        switch (spec.fullName()) {
            case "multi", "discard", "watch", "unwatch":
                return true;
            case "exec":
                for (byte[][] q : s.queued()) {
                    CommandSpec qs = resolve(q);
                    if (qs != null && qs.has(io.vellum.core.command.CommandFlag.NOSCRIPT) && !scriptRunsHere(s, qs)) {
                        return false;
                    }
                }
                return true;
            default:
                return scriptRunsHere(s, spec);
        }
    }

    /**
     * Scripts run on any thread that runs units: a network thread keeps its connections
     * served while one is busy ({@link #setBusyPump}), and a waiting embedded caller serves
     * none; other connections get -BUSY from their own network threads meanwhile. A
     * debugging session's script stays on the engine thread (it waits for its client).
     */
    private boolean scriptRunsHere(Session s, CommandSpec spec) {
        return SCRIPT_CALLS.contains(spec.fullName()) && scripting != null && scripting.runsOffEngineThread(s);
    }

    /** Runs a blocked-then-released session's queued commands. */
    private void drainPending(Session s) {
        while (!s.isBlocked() && !s.pending().isEmpty() && !s.isClosed() && !s.closeAfterReply()) {
            CommandSpec spec = resolve(s.pending().peek());
            if (runningHere && !runsAnywhere(s, spec)) {
                // the engine thread goes on with them (the session's later commands queue behind)
                inbox.add((Runnable) () -> drainPending(s));
                return;
            }
            executeClientCommand(s, s.pending().poll(), spec);
        }
    }

    /** Releases the batch: commit the log once, then send every reply written. */
    private void endBatch() {
        if (!appendedInBatch.isEmpty()) {
            try {
                log.commit();
            } catch (LogWriteException e) {
                LOG.error("log commit failed; the batch's writes are not acknowledged", e);
                String err = log.failureReply();
                for (AppendedUnit u : appendedInBatch) {
                    u.session().connection().replaceReplies(u.from(), u.to(), err);
                }
            }
            appendedInBatch.clear();
        }
        for (int i = 0; i < withOutput.size(); i++) {
            Session s = withOutput.get(i);
            s.outputMarked = false;
            s.connection().flush();
            if (s.closeAfterReply()) {
                s.connection().closeAfterFlush();
            }
        }
        withOutput.clear();
    }

    /** The sink for a session's replies (marks it for release at the end of the batch). */
    public ReplySink output(Session s) {
        if (!s.outputMarked) {
            s.outputMarked = true;
            withOutput.add(s);
        }
        return s.connection().replies();
    }

    private ReplySink replySinkFor(Session s) {
        Session.ReplyMode mode = s.replyMode();
        if (mode == Session.ReplyMode.ON) {
            return output(s);
        }
        if (mode == Session.ReplyMode.SKIP_NEXT) {
            s.setReplyMode(Session.ReplyMode.ON);
        }
        return new DiscardingSink(s.protocol());
    }

    // ------------------------------------------------------------------ commands

    /** A client's command, with every check Redis's processCommand makes before running it. */
    /** Runs one client command; {@code spec} is {@link #resolve}'s answer for it (looked up once). */
    private void executeClientCommand(Session s, byte[][] argv, CommandSpec spec) {
        totalCommands++;
        ReplySink out = replySinkFor(s);
        if (s.replyMode() == Session.ReplyMode.SKIP) {
            s.setReplyMode(Session.ReplyMode.SKIP_NEXT);
        }
        // before running it (CLIENT INFO names itself); the time is refreshed by the unit below
        s.noteCommand(spec != null ? spec.fullName() : "NULL", clock.millis());
        String reject = checkExistence(argv, spec);
        if (reject == null) {
            reject = checkClient(s, spec);
        }
        if (reject != null) {
            if (spec != null) {
                spec.recordRejected();
            }
            if (s.inMulti()) {
                s.flagExecAbort();
            }
            if (spec != null && spec.fullName().equals("exec")) {
                // Redis's execCommandAbort, in or out of MULTI
                reject = io.vellum.core.commands.TransactionCommands.abortRejectedExec(this, s, reject);
            }
            errorStats.record(reject);
            errorsSeen = errorStats.total();
            out.error(reject);
            return;
        }
        if (s.inMulti() && !isTransactionControl(spec)) {
            s.queue(argv);
            out.simple("QUEUED");
            return;
        }
        runUnit(s, argv, spec, out);
        s.noteCommand(spec.fullName(), clock.millis());
    }

    private static boolean isTransactionControl(CommandSpec spec) {
        String n = spec.fullName();
        return n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset");
    }

    /** The command (or subcommand) {@code argv} names, or null. */
    public CommandSpec resolve(byte[][] argv) {
        if (argv.length == 0) {
            return null;
        }
        CommandSpec spec = table.lookup(argv[0]);
        if (spec == null || !spec.hasSubcommands() || argv.length < 2) {
            return spec;
        }
        return spec.subcommand(io.vellum.core.util.Text.lower(argv[1]));
    }

    /** Redis's commandCheckExistence and commandCheckArity: the error text, or null. */
    public String checkExistence(byte[][] argv, CommandSpec spec) {
        if (spec == null) {
            if (argv.length >= 2 && table.lookup(argv[0]) != null) {
                String cmd = io.vellum.core.util.Text.latin1(argv[0]).toUpperCase(java.util.Locale.ROOT);
                return "ERR unknown subcommand '" + cString(argv[1], 128) + "'. Try " + cmd + " HELP.";
            }
            StringBuilder args = new StringBuilder();
            for (int i = 1; i < argv.length && args.length() < 128; i++) {
                int room = 128 - args.length();
                args.append('\'').append(cString(argv[i], room)).append("' ");
            }
            String name = argv.length == 0 ? "" : cString(argv[0], 128);
            return "ERR unknown command '" + name + "', with args beginning with: " + args;
        }
        // A container alone (CONFIG) fails its arity; one with a handler of its own (COMMAND) runs it.
        if (spec.handler() == null && argv.length < 2 || !spec.arityAccepts(argv.length)) {
            return Errors.wrongArgs(spec.fullName());
        }
        return null;
    }

    /** C's "%.*s" of a byte string: up to the first NUL, at most {@code max} bytes. */
    private static String cString(byte[] b, int max) {
        int n = 0;
        while (n < b.length && n < max && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The per-client checks of processCommand, after existence and arity. */
    private String checkClient(Session s, CommandSpec spec) {
        if (authRequired(s) && !spec.has(CommandFlag.NO_AUTH)) {
            return Errors.NOAUTH;
        }
        if (s.inMulti() && spec.has(CommandFlag.NO_MULTI)) {
            return "ERR Command not allowed inside a transaction";
        }
        boolean write = spec.isWrite();
        if (log.failed() && (write || spec.fullName().equals("ping")) && role == Role.PRIMARY) {
            return log.failureReply();
        }
        if (role == Role.REPLICA && write) {
            return Errors.READONLY;
        }
        if (s.protocol() == 2 && io.vellum.core.commands.PubSubSupport.inSubscribedMode(s)
                && !io.vellum.core.commands.PubSubSupport.allowedWhileSubscribed(spec)) {
            return "ERR Can't execute '" + spec.fullName()
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
        }
        if (loading && !spec.has(CommandFlag.LOADING)) {
            return "LOADING Redis is loading the dataset in memory";
        }
        return null;
    }

    /**
     * True while {@code s} must authenticate before anything but AUTH/HELLO (Redis's
     * authRequired): a password is set and the client has not given it. A client connected
     * while there was no password stays authenticated. Any thread.
     */
    public boolean authRequired(Session s) {
        return !s.authenticated() && !config.requirepass.get().isEmpty();
    }

    /** Runs one client command as a unit. */
    private void runUnit(Session s, byte[][] argv, CommandSpec spec, ReplySink out) {
        ClientConnection conn = s.connection();
        long replyFrom = conn.replyPosition();
        beginUnit(s.db(), s.protocol(), clock.startUnit(), seedSource.nextLong());
        ReplySink sink = counting.wrap(out);
        if (mayWrite(spec)) {
            tee.set(sink, unit.effects);
            sink = tee;
        }
        call(spec, s, argv, sink, 0);
        endUnit(s, UnitRecord.Kind.COMMAND, List.<byte[][]>of(argv), replyFrom);
    }

    /**
     * False for a command that never writes (read-only, and not may-replicate as PFCOUNT is):
     * its unit is never logged, so the digest of its replies would never be read, and hashing
     * every GET's value is not free.
     */
    private static boolean mayWrite(CommandSpec spec) {
        return !spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.MAY_REPLICATE);
    }

    private void beginUnit(int db, int protocol, long timeMicros, long seed) {
        unitRandom.startUnit(seed);
        unit.reset(db, protocol, timeMicros, seed, dirty);
    }

    /** Logs the unit if it changed anything, then serves clients its changes unblocked. */
    private void endUnit(Session s, UnitRecord.Kind kind, List<byte[][]> commands, long replyFrom) {
        unit.active = false;
        if ((dirty != unit.dirtyAtStart || unit.forceLog) && !unit.discard) {
            assert kind != UnitRecord.Kind.COMMAND || mayWrite(resolve(commands.get(0)))
                    : "a read-only command wrote: its record's digest lacks its replies";
            UnitRecord.Kind k = unit.loggedKind != null ? unit.loggedKind : kind;
            List<byte[][]> cmds = unit.loggedCommands != null ? unit.loggedCommands : commands;
            UnitRecord r = new UnitRecord(k, unit.db, unit.protocol, unit.timeMicros, unit.seed, cmds, unit.effects.value(), unit.scriptState);
            ClientConnection conn = s.connection();
            try {
                log.append(r);
                appendedInBatch.add(new AppendedUnit(s, replyFrom, conn.replyPosition()));
            } catch (LogWriteException e) {
                LOG.error("log append failed; the unit is not acknowledged: {}", r.describe(), e);
                conn.replaceReplies(replyFrom, conn.replyPosition(), log.failureReply());
            }
        }
        pubSub.releaseDeferred(); // messages to the publisher itself follow its reply (Redis 7.2)
        serveBlocked();
    }

    /**
     * Runs a command inside the current unit: resolves it, checks existence and arity, and
     * calls its handler. EXEC, scripts and replay call this; client-level checks (auth,
     * MULTI queuing, READONLY...) are the caller's. Returns the command, or null when it
     * was refused (the error is written to {@code sink}).
     */
    public CommandSpec invoke(Session s, byte[][] argv, ReplySink sink, int flags) {
        CommandSpec spec = resolve(argv);
        String err = checkExistence(argv, spec);
        if (err != null) {
            sink.error(err);
            return null;
        }
        call(spec, s, argv, sink, flags);
        return spec;
    }

    /** Calls the handler of a resolved, checked command. */
    public void call(CommandSpec spec, Session s, byte[][] argv, ReplySink sink, int flags) {
        CommandContext ctx = new CommandContext(this, s, argv, sink, spec, flags);
        long t0 = System.nanoTime();
        try {
            spec.handler().execute(ctx);
        } catch (io.vellum.core.command.CommandError e) {
            sink.error(e.reply());
        }
        spec.recordCall((System.nanoTime() - t0) / 1000);
        if (errorStats.total() > errorsSeen) {
            spec.recordFailed();
            errorsSeen = errorStats.total();
        }
        watches.settle(keyspace);
    }

    // ------------------------------------------------------------------ blocking

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
    private void serveBlocked() {
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
                    drainPending(s);
                }
            }
        }
    }

    private void runRetry(Session s, BlockedClients.Blocked b) {
        ReplySink out = output(s);
        long replyFrom = s.connection().replyPosition();
        int dbBefore = s.db();
        s.selectDb(b.db);
        beginUnit(b.db, s.protocol(), clock.startUnit(), seedSource.nextLong());
        tee.set(counting.wrap(out), unit.effects);
        CommandSpec spec = resolve(b.argv);
        CommandContext ctx = new CommandContext(this, s, b.argv, tee, spec, CommandContext.RETRY);
        b.keptByRetry = false;
        try {
            spec.handler().execute(ctx);
        } catch (io.vellum.core.command.CommandError e) {
            tee.error(e.reply());
        }
        errorsSeen = errorStats.total(); // a retry's errors are not the next command's
        if (s.blocked() == b && !b.keptByRetry) {
            // served (or failed): the handler did not block again
            blocked.unblock(b);
        }
        s.selectDb(dbBefore);
        unit.active = false;
        endUnitAfterRetry(s, b.argv, replyFrom);
    }

    private void endUnitAfterRetry(Session s, byte[][] argv, long replyFrom) {
        if ((dirty != unit.dirtyAtStart || unit.forceLog) && !unit.discard) {
            UnitRecord.Kind k = unit.loggedKind != null ? unit.loggedKind : UnitRecord.Kind.COMMAND;
            List<byte[][]> cmds = unit.loggedCommands != null ? unit.loggedCommands : List.<byte[][]>of(argv);
            UnitRecord r = new UnitRecord(k, unit.db, unit.protocol, unit.timeMicros, unit.seed, cmds, unit.effects.value(), unit.scriptState);
            try {
                log.append(r);
                appendedInBatch.add(new AppendedUnit(s, replyFrom, s.connection().replyPosition()));
            } catch (LogWriteException e) {
                LOG.error("log append failed; the unit is not acknowledged: {}", r.describe(), e);
                s.connection().replaceReplies(replyFrom, s.connection().replyPosition(), log.failureReply());
            }
        }
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
        sessionResetListeners.add(listener);
    }

    /** RESET: tells the modules that keep per-client state to forget it. Engine thread. */
    public void resetSession(Session s) {
        watches.unwatchAll(s);
        for (Consumer<Session> l : sessionResetListeners) {
            l.accept(s);
        }
    }

    /** Unblocks a client (CLIENT UNBLOCK): with {@code error} it gets that error, else its timeout reply. */
    public boolean unblock(Session s, String error) {
        BlockedClients.Blocked b = s.blocked();
        if (b == null) {
            return false;
        }
        blocked.unblock(b);
        ReplySink out = output(s);
        if (error != null) {
            errorStats.record(error);
            errorsSeen = errorStats.total();
            out.error(error);
        } else {
            b.onTimeout.accept(out);
        }
        drainPending(s);
        return true;
    }

    private void expireBlocked() {
        List<BlockedClients.Blocked> expired = blocked.expired(clock.wallMillis());
        for (BlockedClients.Blocked b : expired) {
            if (!b.active) {
                continue;
            }
            blocked.unblock(b);
            b.onTimeout.accept(output(b.session));
            drainPending(b.session);
        }
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
        Session s = internalSession;
        s.selectDb(r.db());
        s.setProtocol(r.protocol());
        s.endMulti();
        clock.startUnitAt(r.timeMicros());
        beginUnit(r.db(), r.protocol(), r.timeMicros(), r.seed());
        unit.replayedScriptState = r.scriptState();
        unit.ownLogReplay = loading; // see above: recovery replays this store's own log
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
                invoke(s, new byte[][] {{'E', 'X', 'E', 'C'}}, d, CommandContext.REPLAY);
            }
            case COMMAND, EXPIRY -> {
                for (byte[][] c : r.commands()) {
                    invoke(s, c, d, CommandContext.REPLAY);
                }
            }
        }
        unit.active = false;
        s.endMulti();
        if (digest.value() != r.effectDigest()) {
            throw new ReplayDivergenceException(r.describe(), r.effectDigest(), digest.value());
        }
        if (appendToLog) {
            log.append(r);
            appendedInBatch.add(new AppendedUnit(s, 0, 0));
        }
        serveBlocked();
    }

    // ------------------------------------------------------------------ timers and expiry

    private long millisToNextTimer() {
        long now = clock.wallMillis();
        long next = lastExpiryCycleMillis + 1000 / Math.max(1, config.hz.get());
        for (Cron c : crons) {
            next = Math.min(next, c.nextMillis);
        }
        next = Math.min(next, blocked.nextDeadline());
        return Math.min(100, Math.max(0, next - now));
    }

    private void runTimers() {
        long now = clock.wallMillis();
        if (blocked.count() > 0 && blocked.nextDeadline() <= now) {
            expireBlocked();
        }
        if (now - lastExpiryCycleMillis >= 1000 / Math.max(1, config.hz.get())) {
            lastExpiryCycleMillis = now;
            activeExpireCycle();
        }
        for (Cron c : crons) {
            if (now >= c.nextMillis) {
                c.nextMillis = now + c.periodMillis;
                try {
                    c.task.run();
                } catch (RuntimeException e) {
                    LOG.error("periodic task failed", e);
                }
            }
        }
        endBatch();
    }

    /**
     * The primary's active expiry: per database, samples keys with a TTL (and the expired keys
     * reads saw) and deletes the expired ones in one logged unit, a DEL of those keys
     * (DESIGN.md, rule 4). Repeats while a quarter or more of a sample was expired, within
     * a time budget. Replicas never run it.
     */
    public void activeExpireCycle() {
        if (role != Role.PRIMARY || loading) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(25);
        for (int dbi = 0; dbi < keyspace.count(); dbi++) {
            Database db = keyspace.db(dbi);
            boolean seen = expiredSeenDb.contains(dbi);
            if (db.expiresSize() == 0 && !seen) {
                continue;
            }
            while (System.nanoTime() < deadline) {
                long nowMicros = clock.source().currentMicros();
                long nowMs = Math.floorDiv(nowMicros, 1000);
                List<byte[]> expired = new ArrayList<>();
                java.util.Set<io.vellum.core.data.DbKey> picked = new java.util.HashSet<>();
                for (int i = 0; i < expiredSeen.size(); i++) {
                    if (expiredSeenDb.get(i) == dbi) {
                        byte[] k = expiredSeen.get(i);
                        long when = db.expireAt(k);
                        if (when >= 0 && nowMs > when && picked.add(new io.vellum.core.data.DbKey(dbi, k))) {
                            expired.add(k);
                        }
                    }
                }
                int sample = Math.min(20, db.expiresSize());
                long seed = seedSource.nextLong();
                RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
                int sampledExpired = 0;
                for (int i = 0; i < sample; i++) {
                    io.vellum.core.data.OrderedDict<Long> ex = db.expires();
                    int e = ex.randomEntry(r);
                    if (nowMs > ex.valueAt(e)) {
                        sampledExpired++;
                        if (picked.add(new io.vellum.core.data.DbKey(dbi, ex.keyAt(e)))) {
                            expired.add(ex.keyAt(e));
                        }
                    }
                }
                if (!expired.isEmpty()) {
                    runExpiryUnit(dbi, expired, nowMicros, seed);
                }
                if (sample == 0 || sampledExpired * 4 < sample) {
                    break;
                }
            }
        }
        expiredSeen.clear();
        expiredSeenDb.clear();
    }

    private void runExpiryUnit(int dbi, List<byte[]> keys, long nowMicros, long seed) {
        byte[][] argv = new byte[keys.size() + 1][];
        argv[0] = DEL;
        for (int i = 0; i < keys.size(); i++) {
            argv[i + 1] = keys.get(i);
        }
        Session s = internalSession;
        s.selectDb(dbi);
        s.setProtocol(2);
        clock.startUnitAt(nowMicros);
        beginUnit(dbi, 2, nowMicros, seed);
        invoke(s, argv, unit.effects, 0);
        endUnit(s, UnitRecord.Kind.EXPIRY, List.<byte[][]>of(argv), 0);
    }

    // ------------------------------------------------------------------ observers

    private final class EngineObserver implements KeyspaceObserver {
        @Override
        public void beforeKeyChange(Database db, byte[] key) {
            for (int i = 0; i < observers.size(); i++) {
                observers.get(i).beforeKeyChange(db, key);
            }
        }

        @Override
        public void keyChanged(Database db, byte[] key) {
            dirty++;
            if (unit.active) {
                unit.effects.keyChanged(db.id(), key);
            }
            watches.touch(db, key);
            blocked.signal(db.id(), key);
            for (int i = 0; i < observers.size(); i++) {
                observers.get(i).keyChanged(db, key);
            }
        }

        @Override
        public void beforeDatabaseReplaced(Database db) {
            for (int i = 0; i < observers.size(); i++) {
                observers.get(i).beforeDatabaseReplaced(db);
            }
            watches.databaseReplaced(db);
            blocked.signalAll();
        }

        @Override
        public void expiredKeySeen(Database db, byte[] key) {
            if (expiredSeen.size() < 10_000) {
                expiredSeen.add(key);
                expiredSeenDb.add(db.id());
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Stops the engine thread after the work already submitted; closes the log and scripting. */
    @Override
    public void close() {
        Thread t = thread;
        if (t != null && running) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            enqueue((Runnable) () -> {
                running = false;
                done.complete(null);
            });
            try {
                done.get(30, TimeUnit.SECONDS);
                t.join(10_000);
            } catch (Exception e) {
                LOG.warn("engine did not stop cleanly", e);
                running = false;
                LockSupport.unpark(t);
            }
        }
        if (scripting != null) {
            scripting.close();
        }
        log.close();
    }

    /** The connection of the engine's own session (replay, active expiry): replies go nowhere. */
    private static final class InternalConnection implements ClientConnection {
        private final DiscardingSink sink = new DiscardingSink(2);

        @Override
        public ReplySink replies() {
            return sink;
        }

        @Override
        public void setProtocol(int protocol) {
        }

        @Override
        public long replyPosition() {
            return 0;
        }

        @Override
        public void replaceReplies(long from, long to, String errorText) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void closeAfterFlush() {
        }

        @Override
        public String remoteAddress() {
            return "internal";
        }

        @Override
        public String localAddress() {
            return "internal";
        }
    }
}
