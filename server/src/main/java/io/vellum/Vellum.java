package io.vellum;

import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
 * <p><b>Persistence.</b> This version keeps data in memory only: {@link #open(Path)}
 * records the directory but writes nothing to it yet. The append-only log and snapshots
 * make it durable (they are wired in by the persistence modules when present).
 *
 * <p><b>Threads.</b> Thread-safe. {@link #execute} runs on a connection owned by the calling
 * thread (so SELECT or MULTI on one thread do not affect another); {@link #connect()} gives
 * an explicit connection.
 */
public final class Vellum implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Engine engine;
    private final Path dir;
    private final ThreadLocal<VellumConnection> perThread;
    private final List<RespServer> servers = new ArrayList<>();
    private volatile boolean closed;

    private Vellum(Builder b) {
        this.dir = b.dir;
        this.engine = Engine.builder().config(b.config).build();
        this.engine.start();
        this.perThread = ThreadLocal.withInitial(() -> {
            VellumConnection c = new VellumConnection(engine, 3);
            // Close the session when its thread is gone.
            CLEANER.register(Thread.currentThread(), c::close);
            return c;
        });
    }

    /** Opens the store kept in {@code dir} (see the class comment on persistence). */
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RespServer s : servers) {
            s.close();
        }
        engine.close();
    }

    /** Options for opening a store. Every setting has the default its Javadoc states. */
    public static final class Builder {
        private Path dir;
        private final StoreConfig config = new StoreConfig();

        private Builder() {
        }

        /** Where the store keeps its files. Default: none (in memory). */
        public Builder dir(Path dir) {
            this.dir = dir;
            config.dir.set(dir.toString());
            return this;
        }

        /** Any directive, typed: {@code b.configure(c -> c.hz.set(20L))}. Defaults: redis.conf's. */
        public Builder configure(Consumer<StoreConfig> changes) {
            changes.accept(config);
            return this;
        }

        public Vellum open() {
            return new Vellum(this);
        }
    }
}
