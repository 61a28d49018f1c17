package io.vellum.replication;

import io.vellum.aof.AppendOnlyLog;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.InfoSection;
import io.vellum.core.engine.Role;
import io.vellum.core.engine.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's replication (DESIGN.md, "Replication"): which role it has, what it follows when it
 * is a replica ({@link Upstream}: a primary over TCP, or a log directory on the same host), and,
 * as a primary, the replicas attached to it ({@link ReplicaStream}) with their acks, which
 * {@code WAIT} and {@code WAITAOF} count. The wire protocol is {@link ReplicationProtocol};
 * positions are record serials and log ids ({@link LogIdentity}).
 *
 * <p>Life cycle: construct with the store's configuration (registers {@code replicaof} and
 * {@code masterauth}), bind {@link #commands()} into the engine, {@link #attach} after the log
 * was recovered and before the engine starts (a replica's role is set before the engine can run
 * active expiry), {@link #start()} after the engine started, {@link #close()} before the engine
 * closes.
 *
 * <p>Threads: role changes ({@link #replicaOf}, {@link #follow}, {@link #promote}) and the
 * commands run on the engine thread (or before the engine starts); the upstream and the streams
 * have threads of their own; read-only accessors are safe from any thread.
 */
public final class Replication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private final StoreConfig config;
    private Engine engine;
    private AppendOnlyLog log;
    private Path dir;
    private volatile boolean started;
    private volatile LogIdentity identity = LogIdentity.fresh();
    private volatile Upstream upstream;
    private volatile long linkDownSinceMillis = -1;
    private final Map<Long, ReplicaStream> replicas = new ConcurrentSkipListMap<>();
    /** {@link #replicas}' values, for the commit path to walk without allocating. */
    private volatile ReplicaStream[] streams = new ReplicaStream[0];
    private final Map<Long, Integer> listeningPorts = new java.util.HashMap<>();
    private final WaitRegistry waits = new WaitRegistry(this);
    private volatile LongConsumer appliedListener = s -> {
    };

    public Replication(StoreConfig config) {
        this.config = config;
        ReplicationConfig.register(config);
    }

    /** The replication commands (REPLICAOF, ROLE, WAIT, WAITAOF, REPLCONF, VELLUM.PSYNC), for the engine's builder. */
    public CommandGroup commands() {
        return new ReplicationCommands(this);
    }

    /**
     * Wires replication to a store whose log was recovered; before {@link Engine#start()}.
     * With {@code replicaof} configured the store becomes a replica now (role set, the link
     * started by {@link #start()}).
     *
     * @param log the store's log, or null (in memory, appendonly no): such a store can follow a
     *            primary but not serve replicas, and starts empty
     * @param dir the store's directory, or null
     */
    public void attach(Engine engine, AppendOnlyLog log, Path dir) {
        this.engine = engine;
        this.log = log;
        this.dir = dir;
        try {
            identity = dir != null ? LogIdentity.loadOrCreate(dir) : LogIdentity.fresh();
            if (FullResync.interrupted(dir)) {
                LOG.warn("A full resync of {} was interrupted: its data may be incomplete. It gets a new log id, so"
                        + " that its primary resyncs it again instead of continuing", dir);
                saveIdentity(LogIdentity.fresh());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log id of " + dir + ": " + e.getMessage(), e);
        }
        engine.addInfoContributor((section, fields) -> {
            if (section.equals("replication")) {
                ReplicationInfo.fill(this, fields);
            }
        });
        engine.onSessionClosed(this::sessionClosed);
        if (log != null) {
            log.onBatchAppended(this::batchAppended);
        }
        engine.addCron(10, waits::check, waits::any);
        String ro = ReplicationConfig.replicaof(config).trim();
        if (!ro.isEmpty() && !ro.equalsIgnoreCase("no one")) {
            String[] w = ro.split("\\s+");
            if (w.length != 2) {
                throw new IllegalArgumentException("replicaof takes a host and a port, not '" + ro + "'");
            }
            replicaOf(w[0], Integer.parseInt(w[1]));
        }
    }

    /** Starts following what {@link #attach} or {@link #follow} configured; after the engine started. */
    public void start() {
        started = true;
        Upstream u = upstream;
        if (u != null) {
            u.start();
        }
    }

    // ------------------------------------------------------------------ roles (engine thread)

    /**
     * Becomes a replica of {@code host:port} (REPLICAOF host port). Drops the replicas attached
     * to this store (they must follow the new primary). False when already following it.
     */
    public boolean replicaOf(String host, int port) {
        Upstream u = upstream;
        if (u instanceof ReplicaLink l && l.host().equalsIgnoreCase(host) && l.port() == port) {
            return false;
        }
        RecordApplier a = becomeReplica(host + ":" + port);
        setUpstream(new ReplicaLink(this, host, port, a));
        LOG.info("REPLICAOF {}:{} enabled: this store is now a replica", host, port);
        return true;
    }

    /** Becomes a same-host replica of the store in {@code primaryDir} (the launcher's {@code vellum replica}). */
    public void follow(Path primaryDir) {
        RecordApplier a = becomeReplica(primaryDir.toString());
        setUpstream(new LogFollower(this, primaryDir, a));
        LOG.info("Following the log of {}: this store is now a replica", primaryDir);
    }

    private RecordApplier becomeReplica(String source) {
        Upstream old = upstream;
        if (old != null) {
            old.close();
        }
        for (ReplicaStream r : replicas.values()) {
            r.stop();
        }
        engine.setRole(Role.REPLICA);
        waits.releaseAll();
        RecordApplier a = new RecordApplier(engine, log, source, identity.id());
        a.onApplied(s -> appliedListener.accept(s));
        linkDownSinceMillis = System.currentTimeMillis();
        return a;
    }

    private void setUpstream(Upstream u) {
        upstream = u;
        if (started) {
            u.start();
        }
    }

    /**
     * REPLICAOF NO ONE: stops following and becomes a primary with the data and the position it
     * has, under a new log id that continues the serials (a replica that followed the same
     * primary can continue from it). Nothing queued for applying after this is applied.
     */
    public void promote() {
        Upstream u = upstream;
        if (u == null) {
            return;
        }
        u.close();
        upstream = null;
        long last = log != null ? log.lastSerial() : u.applier().applied();
        LogIdentity promoted = identity.promote(last);
        saveIdentity(promoted);
        engine.setRole(Role.PRIMARY);
        LOG.info("MASTER MODE enabled: promoted after record {}; new log id {} (continues log {})", last,
                promoted.id(), promoted.previousId());
    }

    /** A replica's handshake succeeded: its records now belong to {@code logId}. Link thread. */
    void adoptPrimaryLog(String logId, RecordApplier applier) {
        applier.setLogId(logId);
        linkDownSinceMillis = -1;
        if (!identity.id().equals(logId)) {
            saveIdentity(new LogIdentity(logId, LogIdentity.NONE, -1));
        }
    }

    private void saveIdentity(LogIdentity i) {
        identity = i;
        if (dir != null) {
            try {
                i.save(dir);
            } catch (IOException e) {
                LOG.error("Cannot save the log id {} in {}: a restart will not know it", i.id(), dir, e);
            }
        }
    }

    /** The engine committed a batch of records: the streams send them. */
    private void batchAppended() {
        for (ReplicaStream r : streams) {
            try {
                r.kick();
            } catch (RuntimeException e) {
                // its event loop is shutting down (the server closes): the stream ends with it
                LOG.debug("Replica {}:{} cannot be woken: {}", r.ip, r.listeningPort, e.toString());
            }
        }
    }

    private void sessionClosed(Session s) {
        listeningPorts.remove(s.id());
        ReplicaStream r = replicas.remove(s.id());
        streams = replicas.values().toArray(new ReplicaStream[0]);
        if (r != null) {
            r.stop();
            LOG.info("Replica {}:{} disconnected", r.ip, r.listeningPort);
        }
    }

    // ------------------------------------------------------------------ accessors

    public boolean isReplica() {
        return upstream != null;
    }

    /** This store's log identity (after promotion, the new one). */
    public LogIdentity identity() {
        return identity;
    }

    /** The serial of the last record in this store's log (applied, for a replica without a log). */
    public long offset() {
        if (log != null) {
            return log.lastSerial();
        }
        Upstream u = upstream;
        return u != null ? u.applier().applied() : 0;
    }

    /** Why replication stopped or the link is down, or null. */
    public String lastError() {
        Upstream u = upstream;
        return u == null ? null : u.lastError();
    }

    /** Whether the replica's link is up (false for a primary). */
    public boolean linkUp() {
        Upstream u = upstream;
        return u != null && u.up();
    }

    /** Runs on the engine thread after each record a replica applies (tests, lag measurements). */
    public void onApplied(LongConsumer listener) {
        appliedListener = listener;
    }

    Upstream upstream() {
        return upstream;
    }

    Engine engine() {
        return engine;
    }

    AppendOnlyLog log() {
        return log;
    }

    Path dir() {
        return dir;
    }

    StoreConfig config() {
        return config;
    }

    WaitRegistry waits() {
        return waits;
    }

    long linkDownSinceMillis() {
        return linkDownSinceMillis;
    }

    String masterauth() {
        return ReplicationConfig.masterauth(config);
    }

    /** The port this store serves RESP on (what a replica announces). */
    int listeningPort() {
        return config.port.intValue();
    }

    Collection<ReplicaStream> replicas() {
        return replicas.values();
    }

    void addReplica(ReplicaStream r) {
        replicas.put(r.sessionId, r);
        streams = replicas.values().toArray(new ReplicaStream[0]);
    }

    Map<Long, Integer> listeningPorts() {
        return listeningPorts;
    }

    /** Replicas whose acked applied (or synced) serial reached {@code serial}. */
    int replicasAt(long serial, boolean synced) {
        int n = 0;
        for (ReplicaStream r : replicas.values()) {
            if ((synced ? r.ackSynced : r.ackApplied) >= serial) {
                n++;
            }
        }
        return n;
    }

    /** Stops following and drops the attached replicas; waits for the threads. Before the engine closes. */
    @Override
    public void close() {
        Upstream u = upstream;
        if (u != null) {
            u.close();
            try {
                u.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ReplicaStream> rs = new ArrayList<>(replicas.values());
        for (ReplicaStream r : rs) {
            r.stop();
        }
    }
}
