package io.vellum;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A connection of its own to an embedded store: its own selected database, MULTI/WATCH
 * state and protocol (RESP3 by default, so replies keep their map, set and double shapes).
 * Like a Redis connection, use it from one thread at a time; open as many as you need.
 *
 * <pre>{@code
 * try (Vellum store = Vellum.inMemory(); VellumConnection c = store.connect()) {
 *     c.execute("MULTI");
 *     c.execute("INCR", "a");
 *     Reply r = c.execute("EXEC");
 * }
 * }</pre>
 */
public final class VellumConnection implements AutoCloseable {
    private final Engine engine;
    private final Session session;
    private final ArrayDeque<CompletableFuture<Reply>> waiting = new ArrayDeque<>();
    private volatile boolean closed;

    VellumConnection(Engine engine, int protocol) {
        this.engine = engine;
        LocalConnection conn = new LocalConnection(protocol, this::release, "embedded");
        this.session = engine.openSession(conn);
        if (protocol != 2) {
            engine.execute(() -> session.setProtocol(protocol));
        }
    }

    /** Engine thread: replies come in command order. */
    private void release(List<Reply> replies) {
        synchronized (waiting) {
            for (Reply r : replies) {
                CompletableFuture<Reply> f = waiting.poll();
                if (f != null) {
                    f.complete(r);
                }
            }
        }
    }

    /** Runs one command and waits for its reply. */
    public Reply execute(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return execute(argv);
    }

    /** Runs one command (binary arguments, not copied: do not modify them) and waits. */
    public Reply execute(byte[]... argv) {
        try {
            return executeAsync(argv).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a reply", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sends one command; the future completes with its reply. */
    public CompletableFuture<Reply> executeAsync(byte[]... argv) {
        if (closed) {
            throw new IllegalStateException("connection closed");
        }
        CompletableFuture<Reply> f = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(f);
        }
        engine.submit(session, List.<byte[][]>of(argv));
        return f;
    }

    /** The client id (CLIENT ID). */
    public long id() {
        return session.id();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            engine.closeSession(session);
        }
    }
}
