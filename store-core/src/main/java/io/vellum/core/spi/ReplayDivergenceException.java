package io.vellum.core.spi;

/**
 * Replaying a record did not produce the effects the record says it had: the store that
 * replays is not the store that wrote the log (DESIGN.md, determinism rule 6).
 */
public final class ReplayDivergenceException extends RuntimeException {
    private final long expected;
    private final long actual;
    private final String unit;

    public ReplayDivergenceException(String unit, long expected, long actual) {
        super(String.format("replay diverged: unit [%s] had effect digest %016x when logged but %016x on replay",
                unit, expected, actual));
        this.expected = expected;
        this.actual = actual;
        this.unit = unit;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }

    public String unit() {
        return unit;
    }
}
