package io.vellum;

import io.vellum.aof.AofCommands;
import io.vellum.aof.AofOptions;
import io.vellum.aof.BaseState;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.DisabledLog;
import io.vellum.aof.FsyncPolicy;
import io.vellum.aof.LogFiles;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import io.vellum.replication.Replication;
import io.vellum.replication.ReplicationConfig;
import io.vellum.server.RespServer;
import io.vellum.snapshot.ProtoSnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vellum store, embedded in this JVM. Open it, run Redis commands, optionally serve RESP
 * on a port (the "embedded Redis for tests" use), close it.
 *
 * <pre>{@code
 * try (Vellum store = Vellum.open(Path.of("data"))) {
 *     store.execute("SET", "greeting", "hello");
 *     Reply r = store.execute("GET", "greeting");      // Bulk[hello]
 *     try (RespServer server = store.serve(0)) {       // any Redis client can connect
 *         System.out.println("port " + server.port());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Persistence.</b> A store opened on a directory is durable: every write unit is
 * appended to the log in {@code <dir>/aof/} before its reply is released, synced as
 * {@code appendfsync} says (default {@code everysec}: a power loss may lose about the last
 * second of acknowledged writes, a crash of the process loses nothing; {@code always}: nothing
 * acknowledged is lost). Opening replays the log; closing syncs it. One process at a time may
 * open a directory: a second one gets an error naming the holder. With {@code appendonly no}
 * the log is neither loaded nor written, as Redis ignores its AOF then. Snapshots in
 * {@code <dir>/snapshots/} bound the log and the replay: opening loads the newest intact one and
 * replays the log after it; {@code save} points (Redis's default {@code 3600 1 300 100 60 10000})
 * take them in the background, and closing takes one when save points are set and something
 * changed since the last.
 *
 * <p><b>Threads.</b> Thread-safe. {@link #execute} runs on a connection owned by the calling
 * thread (so SELECT or MULTI on one thread do not affect another); {@link #connect()} gives
 * an explicit connection.
 */
public final class Vellum implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vellum.class);
    private static final Cleaner CLEANER = Cleaner.create();

    private final Engine engine;
    private final Path dir;
    private final AppendOnlyLog aof;
    private final Replication replication;
    private final ProtoSnapshotStore snapshots;
    private final ThreadLocal<VellumConnection> perThread;
    private final List<RespServer> servers = new ArrayList<>();
    private volatile boolean closed;

    private Vellum(Builder b) {
        this.dir = b.dir;
        this.replication = new Replication(b.config);
        this.snapshots = b.dir == null ? null : new ProtoSnapshotStore(b.dir);
        Engine.Builder eb = Engine.builder().config(b.config).commands(new AofCommands())
                .scripting(new io.vellum.scripting.LuaScripting());
        if (snapshots != null) {
            eb.commands(snapshots.commands()); // after the log's: its BGREWRITEAOF replaces the placeholder
        }
        eb.commands(replication.commands());
        this.engine = eb.build();
        this.aof = openLog(engine, b.dir, b.config, snapshots, b.logClock);
        if (aof != null) {
            engine.addInfoContributor((section, fields) -> {
                if (section.equals("persistence")) {
                    aof.info().forEach(fields::put);
                }
            });
        }
        if (snapshots != null) {
            snapshots.attach(engine);
        }
        try {
            // before the engine starts: a replica's role is set before active expiry could run
            replication.attach(engine, aof, b.dir);
            if (b.followDir != null) {
                replication.follow(b.followDir);
            }
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        this.engine.start();
        replication.start();
        this.perThread = ThreadLocal.withInitial(() -> {
            VellumConnection c = new VellumConnection(engine, 3);
            // Close the session when its thread is gone.
            CLEANER.register(Thread.currentThread(), c::close);
            return c;
        });
    }

    /**
     * Recovers the store (before the engine starts): loads the newest intact snapshot, replays
     * the log after the position it covers, and makes the log the engine's.
     */
    private static AppendOnlyLog openLog(Engine engine, Path dir, StoreConfig config, ProtoSnapshotStore snapshots,
                                         net.openhft.chronicle.core.time.TimeProvider logClock) {
        if (dir == null) {
            return null;
        }
        if (!config.appendonly.get()) {
            if (Files.isDirectory(LogFiles.aofDir(dir))) {
                LOG.warn("appendonly is no: the log in {} is neither loaded nor written", LogFiles.aofDir(dir));
            }
            engine.setLog(new DisabledLog(config));
            try {
                snapshots.load(engine);
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
            return null;
        }
        try {
            AofOptions options = AofOptions.of(dir, config).base(BaseState.of(snapshots::load, snapshots::loadedSerial, snapshots::retireOlderThan));
            if (logClock != null) {
                options.time(logClock);
            }
            return AppendOnlyLog.open(engine, options);
        } catch (IOException | RuntimeException e) {
            engine.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Opens the store kept in {@code dir}, durable with the defaults (see the class comment on
     * persistence).
     *
     * @throws UncheckedIOException when the directory is in use by another process, or the log
     *                              cannot be recovered (the message says why and what to do)
     */
    public static Vellum open(Path dir) {
        return builder().dir(dir).open();
    }

    /** A store that lives in memory only. */
    public static Vellum inMemory() {
        return builder().open();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs one command on the calling thread's connection and returns its reply. */
    public Reply execute(String... args) {
        return perThread.get().execute(args);
    }

    /** Runs one command with binary arguments (not copied: do not modify them afterwards). */
    public Reply execute(byte[]... argv) {
        return perThread.get().execute(argv);
    }

    /** A connection of its own (own database selection, MULTI/WATCH state). */
    public VellumConnection connect() {
        return new VellumConnection(engine, 3);
    }

    /** Serves RESP on 127.0.0.1:{@code port} (0: any free port). Closed with the store. */
    public RespServer serve(int port) {
        return serve("127.0.0.1", port);
    }

    public synchronized RespServer serve(String host, int port) {
        try {
            RespServer s = RespServer.start(engine, host, port, 1);
            servers.add(s);
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the server", e);
        }
    }

    /** The engine, for modules and advanced embedding. */
    public Engine engine() {
        return engine;
    }

    public StoreConfig config() {
        return engine.config();
    }

    /** The directory this store was opened on, or null for an in-memory store. */
    public Path dir() {
        return dir;
    }

    /** Replication: role, REPLICAOF, the replicas attached (see {@link Replication}). */
    public Replication replication() {
        return replication;
    }

    /** The store's snapshots, or null for an in-memory store. */
    public ProtoSnapshotStore snapshots() {
        return snapshots;
    }

    /** The store's log, or null (in memory, or appendonly no). Its {@code info()} holds INFO persistence's fields. */
    public AppendOnlyLog log() {
        return aof;
    }

    /**
     * Closes the store: its servers, replication, a snapshot when the save points call for one,
     * then the engine and the log. A script still running past busy-reply-threshold is stopped
     * as SHUTDOWN NOSAVE stops one: its writes are not logged and no snapshot is taken.
     *
     * @throws IllegalStateException when the engine does not stop (see {@code Engine#close})
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a busy script would hold up the servers' threads and the snapshot below: see Engine#close
        engine.beginClose();
        for (RespServer s : servers) {
            s.close();
        }
        replication.close();
        if (snapshots != null) {
            try {
                engine.call(() -> {
                    snapshots.beforeClose();
                    return null;
                }).get();
            } catch (Exception e) {
                LOG.error("The snapshot on close failed; the log holds everything", e);
            }
        }
        engine.close();
        if (snapshots != null) {
            snapshots.close();
        }
    }

    /** Options for opening a store. Every setting has the default its Javadoc states. */
    public static final class Builder {
        private Path dir;
        private Path followDir;
        private net.openhft.chronicle.core.time.TimeProvider logClock;
        private final StoreConfig config = new StoreConfig();

        private Builder() {
            ReplicationConfig.register(config);
        }

        /**
         * Makes the store a replica of the primary at {@code host:port} (directive
         * {@code replicaof}); default: a primary.
         */
        public Builder replicaOf(String host, int port) {
            return directive(ReplicationConfig.REPLICAOF, host + " " + port);
        }

        /** The password a replica authenticates with on its primary ({@code masterauth}); default none. */
        public Builder masterauth(String password) {
            return directive(ReplicationConfig.MASTERAUTH, password);
        }

        private Builder directive(String name, String value) {
            try {
                config.find(name).setText(value);
            } catch (io.vellum.core.config.ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return this;
        }

        /**
         * Makes the store a same-host replica that tails the log of the store kept in
         * {@code primaryDir} (read-only); default: none.
         */
        public Builder followDir(Path primaryDir) {
            this.followDir = primaryDir;
            return this;
        }

        /** Where the store keeps its files. Default: none (in memory). */
        public Builder dir(Path dir) {
            this.dir = dir;
            config.dir.set(dir.toString());
            return this;
        }

        /**
         * When the log is synced: {@link FsyncPolicy#EVERYSEC} by default; {@link FsyncPolicy#ALWAYS}
         * to lose nothing acknowledged on power loss; {@link FsyncPolicy#NO} to leave it to the OS.
         */
        public Builder fsync(FsyncPolicy policy) {
            config.appendfsync.set(policy.configText());
            return this;
        }

        /**
         * Whether a store opened on a directory keeps its log ({@code appendonly}); default true.
         * False: the log is neither loaded nor written (the store starts empty).
         */
        public Builder appendOnly(boolean on) {
            config.appendonly.set(on);
            return this;
        }

        /**
         * The clock that names the log's hourly files; default the system clock. Tests move it
         * on to make the log roll to new files (and retention delete old ones).
         */
        public Builder logClock(net.openhft.chronicle.core.time.TimeProvider clock) {
            this.logClock = clock;
            return this;
        }

        /** Any directive, typed: {@code b.configure(c -> c.hz.set(20L))}. Defaults: redis.conf's. */
        public Builder configure(Consumer<StoreConfig> changes) {
            changes.accept(config);
            return this;
        }

        /**
         * Opens the store.
         *
         * @throws UncheckedIOException when the directory is in use by another process, or its log
         *                              cannot be recovered (the message says why and what to do)
         */
        public Vellum open() {
            return new Vellum(this);
        }
    }
}
