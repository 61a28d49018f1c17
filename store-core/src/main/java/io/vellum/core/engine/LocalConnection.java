package io.vellum.core.engine;

import io.vellum.core.reply.Reply;
import io.vellum.core.reply.ReplyBuilder;
import io.vellum.core.reply.ReplySink;
import java.util.List;
import java.util.function.Consumer;

/**
 * An in-process client: replies are built as {@link Reply} values and handed to a consumer
 * when the engine releases them (after the batch's log commit). The embedded API and the
 * tests use it. Engine thread only, like every {@link ClientConnection}.
 */
public final class LocalConnection implements ClientConnection {
    private final ReplyBuilder builder;
    private final Consumer<List<Reply>> onRelease;
    private final String name;
    private volatile boolean closed;

    /**
     * @param protocol  the protocol to start with (HELLO may change it)
     * @param onRelease receives the replies of each release, in order (engine thread)
     */
    public LocalConnection(int protocol, Consumer<List<Reply>> onRelease, String name) {
        this.builder = new ReplyBuilder(protocol);
        this.onRelease = onRelease;
        this.name = name;
    }

    @Override
    public ReplySink replies() {
        return builder;
    }

    @Override
    public void setProtocol(int protocol) {
        builder.setProtocol(protocol);
    }

    @Override
    public long replyPosition() {
        return builder.completed();
    }

    @Override
    public void replaceReplies(long from, long to, String errorText) {
        builder.replace((int) from, (int) to, errorText);
    }

    @Override
    public void flush() {
        if (builder.completed() > 0) {
            onRelease.accept(builder.take());
        }
    }

    @Override
    public void closeAfterFlush() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String remoteAddress() {
        return name;
    }

    @Override
    public String localAddress() {
        return name;
    }
}
