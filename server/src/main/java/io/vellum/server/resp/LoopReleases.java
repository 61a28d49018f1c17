package io.vellum.server.resp;

import io.netty.channel.EventLoop;
import io.vellum.core.engine.Engine;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link IterationRelease} per event loop of a server, shared by its connections. */
public final class LoopReleases {
    private final Engine engine;
    private final ConcurrentMap<EventLoop, IterationRelease> byLoop = new ConcurrentHashMap<>();

    public LoopReleases(Engine engine) {
        this.engine = engine;
    }

    Engine engine() {
        return engine;
    }

    /**
     * The server listens on {@code serverChannel}: its loop accepts from it even while a script
     * that loop runs is busy (see BusyPump). Waits until the loop has taken it.
     */
    public void listening(io.netty.channel.Channel serverChannel) {
        EventLoop loop = serverChannel.eventLoop();
        loop.submit(() -> forLoop(loop).listening(serverChannel)).syncUninterruptibly();
    }

    IterationRelease forLoop(EventLoop loop) {
        return byLoop.computeIfAbsent(loop, l -> new IterationRelease(engine, l));
    }
}
