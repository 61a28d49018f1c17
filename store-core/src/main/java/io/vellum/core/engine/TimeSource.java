package io.vellum.core.engine;

import java.time.Instant;

/** Where unit time comes from on a primary. Tests inject their own; replay uses the log's. */
@FunctionalInterface
public interface TimeSource {
    /** Microseconds since the epoch. */
    long currentMicros();

    TimeSource SYSTEM = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    };
}
