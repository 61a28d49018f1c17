package io.vellum.aof;

/**
 * The log holds a record that cannot be read at {@link #position()}: cut by a crash, or
 * damaged on disk. Recovery decides whether it is a torn tail (nothing intact after it) or
 * damage in the middle.
 */
public final class LogDamageException extends Exception {
    private final long position;
    private final String reason;
    private final long fileOffset;
    private final boolean intactHere;

    /**
     * @param fileOffset where in its cycle file the damage starts (-1: unknown)
     * @param intactHere the record at {@code position} is intact, something before it is missing
     */
    public LogDamageException(long position, String reason, long fileOffset, boolean intactHere) {
        this(position, reason, null, fileOffset, intactHere);
    }

    public LogDamageException(long position, String reason, Throwable cause, long fileOffset, boolean intactHere) {
        super("damaged record at position " + LogFiles.describe(position) + ": " + reason, cause);
        this.position = position;
        this.reason = reason;
        this.fileOffset = fileOffset;
        this.intactHere = intactHere;
    }

    /** The position of the first record that cannot be read (or that follows missing ones). */
    public long position() {
        return position;
    }

    public String reason() {
        return reason;
    }

    /** Where in its cycle file the damage starts, -1 when unknown. */
    public long fileOffset() {
        return fileOffset;
    }

    /** True when the record at {@link #position()} is intact but records before it are missing. */
    public boolean intactHere() {
        return intactHere;
    }
}
