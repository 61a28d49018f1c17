package io.vellum.aof;

/**
 * The log holds a record that cannot be read at {@link #position()}: cut by a crash, or
 * damaged on disk. Recovery decides whether it is a torn tail (nothing intact after it) or
 * damage in the middle.
 */
public final class LogDamageException extends Exception {
    private final long position;
    private final String reason;

    public LogDamageException(long position, String reason, Throwable cause) {
        super("damaged record at position " + LogFiles.describe(position) + ": " + reason, cause);
        this.position = position;
        this.reason = reason;
    }

    /** The position of the first record that cannot be read. */
    public long position() {
        return position;
    }

    public String reason() {
        return reason;
    }
}
