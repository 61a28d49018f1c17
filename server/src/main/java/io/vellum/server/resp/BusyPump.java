package io.vellum.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Serves an event loop's connections while a script that this loop's thread runs is busy
 * (Redis's processEventsWhileBlocked): reads what each connection sent, straight from its
 * socket, and feeds it through the connection's own pipeline, where the client handler
 * answers -BUSY or lets SCRIPT KILL / SHUTDOWN NOSAVE through. Commands that wait for the
 * script queue behind it in order. The listening socket, when this loop serves it, is
 * accepted from too, as Redis does: an operator's new {@code redis-cli SCRIPT KILL} is a new
 * connection, and it would otherwise wait for the script it is meant to stop. Event-loop
 * thread only.
 */
final class BusyPump implements Runnable {
    private static final long MIN_INTERVAL_NANOS = 1_000_000;
    private static final MethodHandle JAVA_CHANNEL = javaChannelHandle();

    private final Set<Channel> channels = new LinkedHashSet<>();
    private final Set<Channel> listeners = new LinkedHashSet<>();
    private long lastNanos;

    void add(Channel c) {
        channels.add(c);
    }

    void remove(Channel c) {
        channels.remove(c);
    }

    /** A listening socket this loop accepts on. */
    void addListener(Channel serverChannel) {
        listeners.add(serverChannel);
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        if (now - lastNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastNanos = now;
        for (Channel l : listeners) {
            acceptPending(l);
        }
        for (Channel c : new ArrayList<>(channels)) {
            readOnce(c);
        }
    }

    /**
     * Accepts what is pending on a listening socket, as its selection key would: the new
     * connections are registered on this loop at once (this is its thread), their handlers
     * added and, once active, {@link #add added} here, so the same pass reads them.
     */
    private static void acceptPending(Channel listener) {
        if (listener.isActive() && listener.unsafe() instanceof AbstractNioChannel.NioUnsafe u) {
            u.read();
        }
    }

    private static void readOnce(Channel c) {
        if (!c.isActive() || !(c instanceof AbstractNioChannel)) {
            return;
        }
        ByteBuf buf = c.alloc().ioBuffer(16 * 1024);
        int n;
        try {
            SocketChannel socket = (SocketChannel) (SelectableChannel) JAVA_CHANNEL.invoke(c);
            n = buf.writeBytes(socket, buf.writableBytes());
        } catch (IOException e) {
            n = -1; // Netty sees the failure on its own next read
        } catch (Throwable e) {
            buf.release();
            throw new IllegalStateException("reading a connection while a script is busy", e);
        }
        if (n <= 0) {
            buf.release();
            return;
        }
        c.pipeline().fireChannelRead(buf);
        c.pipeline().fireChannelReadComplete();
    }

    private static MethodHandle javaChannelHandle() {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(AbstractNioChannel.class, MethodHandles.lookup());
            return l.findVirtual(AbstractNioChannel.class, "javaChannel", MethodType.methodType(SelectableChannel.class))
                    .asType(MethodType.methodType(SelectableChannel.class, Channel.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
