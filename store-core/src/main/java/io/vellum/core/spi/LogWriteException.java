package io.vellum.core.spi;

/** The log could not write or sync: nothing that depends on it may be acknowledged. */
public final class LogWriteException extends RuntimeException {
    public LogWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
