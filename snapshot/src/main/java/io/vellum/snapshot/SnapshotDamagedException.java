package io.vellum.snapshot;

/** A snapshot file cannot be used: cut short, a checksum that does not match, bytes that make no sense. */
public final class SnapshotDamagedException extends Exception {
    public SnapshotDamagedException(String message, Throwable cause) {
        super(message, cause);
    }
}
