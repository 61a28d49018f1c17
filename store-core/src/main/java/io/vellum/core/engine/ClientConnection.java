package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;

/**
 * The engine's view of a client's transport: where its replies are written and how they are
 * released. The RESP server implements it over a Netty channel, the embedded API over
 * futures of {@link io.vellum.core.reply.Reply} values.
 *
 * <p>All methods are called on the engine thread.
 */
public interface ClientConnection {

    /** The sink this client's replies go to. */
    ReplySink replies();

    /** HELLO changed the protocol (2 or 3). */
    void setProtocol(int protocol);

    /**
     * A position in the replies written but not yet released, to bracket one unit's reply
     * (see {@link #replaceReplies}).
     */
    long replyPosition();

    /**
     * Replaces what was written between two positions with one error reply: used when the
     * log could not make a unit durable, so its success must not be acknowledged.
     */
    void replaceReplies(long from, long to, String errorText);

    /**
     * Appends a reply already encoded in RESP (one answered while a script is busy); false
     * when this transport takes only replies written through {@link #replies()}.
     */
    default boolean writeEncoded(byte[] resp) {
        return false;
    }

    /** Releases everything written so far (after the batch's log commit). */
    void flush();

    /** Closes the connection after what was released has been sent (QUIT, CLIENT KILL). */
    void closeAfterFlush();

    /** "ip:port" of the peer, for CLIENT LIST; embedded clients answer a fixed name. */
    String remoteAddress();

    String localAddress();

    /** The file descriptor CLIENT LIST shows, -1 for embedded clients. */
    default int fd() {
        return -1;
    }

    /**
     * The transport underneath (the RESP server's Netty channel), for a module that takes the
     * connection over as a byte stream after a handshake (replication); null for embedded clients.
     */
    default Object transport() {
        return null;
    }
}
