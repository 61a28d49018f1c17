package io.vellum.core.command;

/**
 * Thrown by command code to answer with an error reply. The dispatcher catches it and writes
 * {@link #getMessage()} (which starts with the error code, e.g. "ERR syntax error") as the reply.
 *
 * <p>Command code must validate every argument before changing anything: an error reply
 * leaves the dataset as it was, as in Redis. The exception carries no stack trace, so
 * throwing it costs about as much as returning.
 */
public final class CommandError extends RuntimeException {
    public CommandError(String replyText) {
        super(replyText, null, false, false);
    }

    /** The reply text, starting with the error code. */
    public String reply() {
        return getMessage();
    }
}
