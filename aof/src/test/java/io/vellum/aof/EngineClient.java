package io.vellum.aof;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client of a started engine: one command at a time, waiting for its reply. */
final class EngineClient implements AutoCloseable {
    private final Engine engine;
    private final Session session;
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();

    EngineClient(Engine engine) {
        this.engine = engine;
        this.session = engine.openSession(new LocalConnection(2, replies::addAll, "test"));
    }

    Reply call(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        engine.submit(session, List.<byte[][]>of(argv));
        try {
            Reply r = replies.poll(30, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no reply to " + String.join(" ", args));
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        engine.closeSession(session);
    }
}
