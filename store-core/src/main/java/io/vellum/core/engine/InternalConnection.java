package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;

/** The connection of the engine's own session (replay, active expiry): replies go nowhere. */
final class InternalConnection implements ClientConnection {
    private final DiscardingSink sink = new DiscardingSink(2);

    @Override
    public ReplySink replies() {
        return sink;
    }

    @Override
    public void setProtocol(int protocol) {
    }

    @Override
    public long replyPosition() {
        return 0;
    }

    @Override
    public void replaceReplies(long from, long to, String errorText) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void closeAfterFlush() {
    }

    @Override
    public String remoteAddress() {
        return "internal";
    }

    @Override
    public String localAddress() {
        return "internal";
    }
}
