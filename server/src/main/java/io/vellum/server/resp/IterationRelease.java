package io.vellum.server.resp;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.vellum.core.engine.Engine;

/**
 * Releases the replies of the units a network thread ran (Engine#submitHere) once per
 * event-loop iteration, after every connection that was readable in it has been read: one
 * group commit and one write per connection for all of them, as Redis does in beforeSleep.
 * Event-loop thread only.
 */
final class IterationRelease implements Runnable {
    private final Engine engine;
    private final EventLoop loop;
    private final BusyPump pump = new BusyPump();
    private boolean pumpRegistered;
    private boolean scheduled;

    IterationRelease(Engine engine, EventLoop loop) {
        this.engine = engine;
        this.loop = loop;
    }

    /** A connection of this loop opened (on the loop's thread). */
    void opened(io.netty.channel.Channel c) {
        if (!pumpRegistered) {
            pumpRegistered = true;
            engine.setBusyPump(pump);
        }
        pump.add(c);
    }

    /** The server's listening socket is on this loop: accept from it while a script is busy too. */
    void listening(io.netty.channel.Channel serverChannel) {
        pump.addListener(serverChannel);
    }

    void closed(io.netty.channel.Channel c) {
        pump.remove(c);
    }

    /** Asks for a release at the end of the current iteration (once, however often asked). */
    void schedule() {
        if (scheduled) {
            return;
        }
        scheduled = true;
        if (loop instanceof SingleThreadEventLoop l) {
            l.executeAfterEventLoopIteration(this);
        } else {
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        engine.releaseHere();
    }
}
