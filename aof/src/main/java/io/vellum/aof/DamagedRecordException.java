package io.vellum.aof;

/** An excerpt of the log is not a record this version can read: its bytes are damaged or cut. */
public final class DamagedRecordException extends Exception {
    public DamagedRecordException(String reason) {
        super(reason);
    }
}
