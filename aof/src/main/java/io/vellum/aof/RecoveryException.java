package io.vellum.aof;

import java.io.IOException;

/**
 * Opening a log stopped: damage recovery must not repair by itself, or a replay that diverged.
 * The message says where, why, and what the operator can do next.
 */
public final class RecoveryException extends IOException {
    public RecoveryException(String message) {
        super(message);
    }

    public RecoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
