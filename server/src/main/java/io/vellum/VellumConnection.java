package io.vellum;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connection of its own to an embedded store: its own selected database, MULTI/WATCH
 * state and protocol (RESP3 by default, so replies keep their map, set and double shapes).
 * Like a Redis connection, use it from one thread at a time; open as many as you need.
 *
 * <p><b>Pub/Sub.</b> A (P|S)SUBSCRIBE or (P|S)UNSUBSCRIBE answers with its confirmation push
 * (one channel) or an array of them (several, or an unsubscribe-all); the messages that arrive
 * later wait in this connection's queue for {@link #nextPush}. Subscribe on a connection of
 * your own, not through {@link Vellum#execute} (nobody would read its queue).
 *
 * <pre>{@code
 * try (Vellum store = Vellum.inMemory(); VellumConnection c = store.connect()) {
 *     c.execute("MULTI");
 *     c.execute("INCR", "a");
 *     Reply r = c.execute("EXEC");
 * }
 * try (VellumConnection sub = store.connect(); VellumConnection pub = store.connect()) {
 *     sub.execute("SUBSCRIBE", "news");                    // Push[subscribe, news, 1]
 *     pub.execute("PUBLISH", "news", "hi");                // Int[1]
 *     Reply.Push m = sub.nextPush(1, TimeUnit.SECONDS);    // Push[message, news, hi]
 * }
 * }</pre>
 */
public final class VellumConnection implements AutoCloseable {
    private final Engine engine;
    private final Session session;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final LinkedBlockingQueue<Reply.Push> pushes = new LinkedBlockingQueue<>();
    private final Subscriptions subscriptions = new Subscriptions();
    private volatile boolean closed;

    /** A command waiting for its reply; a subscribe-family one collects its confirmations. */
    private static final class Waiting {
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        final String subscribeKind;
        final int names;
        final List<Reply> confirmations = new ArrayList<>();
        int expected = -1;

        Waiting(byte[][] argv) {
            String name = argv.length == 0 ? "" : new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            this.subscribeKind = Subscriptions.KINDS.contains(name) ? name : null;
            this.names = argv.length - 1;
        }
    }

    VellumConnection(Engine engine, int protocol) {
        this.engine = engine;
        LocalConnection conn = new LocalConnection(protocol, this::release, "embedded");
        this.session = engine.openSession(conn);
        if (protocol != 2) {
            engine.execute(() -> session.setProtocol(protocol));
        }
    }

    /**
     * Engine thread: replies come in command order, messages in between. A message goes to
     * the push queue; a subscription confirmation to the subscribe-family command at the head
     * (which completes once all of its confirmations are in); anything else completes the head.
     */
    private void release(List<Reply> replies) {
        synchronized (waiting) {
            for (Reply r : replies) {
                String word = Subscriptions.pushWord(r);
                if (word != null && Subscriptions.MESSAGES.contains(word)) {
                    pushes.add((Reply.Push) r);
                    continue;
                }
                Waiting w = waiting.peek();
                if (w == null) {
                    if (r instanceof Reply.Push p) {
                        pushes.add(p); // nothing asked for it
                    }
                    continue;
                }
                if (word != null && w.subscribeKind != null) {
                    subscriptions.apply(word, (Reply.Push) r);
                    if (w.expected < 0) {
                        w.expected = w.names > 0 ? w.names : Math.max(1, subscriptions.sizeBefore(w.subscribeKind));
                    }
                    w.confirmations.add(r);
                    if (w.confirmations.size() < w.expected) {
                        continue;
                    }
                    r = w.confirmations.size() == 1 ? w.confirmations.get(0) : new Reply.Array(List.copyOf(w.confirmations));
                }
                waiting.poll();
                subscriptions.commandDone();
                if (r instanceof Reply.Simple s && s.text().equals("RESET")) {
                    subscriptions.clear();
                } else if (w.subscribeKind == null && r instanceof Reply.Array a) {
                    // an EXEC that ran subscribe-family commands
                    for (Reply item : a.items()) {
                        String kind = Subscriptions.pushWord(item);
                        if (kind != null && Subscriptions.KINDS.contains(kind)) {
                            subscriptions.apply(kind, (Reply.Push) item);
                        }
                    }
                    subscriptions.commandDone();
                }
                w.future.complete(r);
            }
        }
    }

    /**
     * The next message (a {@code message}, {@code pmessage} or {@code smessage} push) this
     * connection received, waiting up to {@code timeout}; null when none came.
     */
    public Reply.Push nextPush(long timeout, TimeUnit unit) throws InterruptedException {
        return pushes.poll(timeout, unit);
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
            // the caller waits anyway: run the command on its thread when the engine is free
            return send(argv, true).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a reply", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sends one command; the future completes with its reply. */
    public CompletableFuture<Reply> executeAsync(byte[]... argv) {
        return send(argv, false);
    }

    private CompletableFuture<Reply> send(byte[][] argv, boolean runHere) {
        if (closed) {
            throw new IllegalStateException("connection closed");
        }
        Waiting w = new Waiting(argv);
        synchronized (waiting) {
            waiting.add(w);
        }
        if (runHere) {
            engine.submitHere(session, List.<byte[][]>of(argv));
            engine.releaseHere();
        } else {
            engine.submit(session, List.<byte[][]>of(argv));
        }
        return w.future;
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
