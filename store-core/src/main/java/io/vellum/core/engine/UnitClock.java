package io.vellum.core.engine;

/**
 * The time a unit sees (DESIGN.md, determinism rule 1): read once when the unit starts and
 * frozen until it ends, as Redis 7.2 freezes it for a command or script. Expiry checks,
 * relative TTLs, TIME, redis.call('TIME'), stream IDs and OBJECT IDLETIME all read it. On
 * replay it is set from the record.
 *
 * <p>Engine thread only.
 */
public final class UnitClock {
    private final TimeSource source;
    private long unitMicros;

    public UnitClock(TimeSource source) {
        this.source = source;
        this.unitMicros = source.currentMicros();
    }

    /** Starts a unit on a primary: takes the time from the source. */
    public long startUnit() {
        unitMicros = source.currentMicros();
        return unitMicros;
    }

    /** Starts a unit at a given time (replay, tests). */
    public void startUnitAt(long micros) {
        unitMicros = micros;
    }

    public long micros() {
        return unitMicros;
    }

    public long millis() {
        return Math.floorDiv(unitMicros, 1000);
    }

    /** Wall time from the source, for things outside units (timeouts, INFO uptime). */
    public long wallMillis() {
        return Math.floorDiv(source.currentMicros(), 1000);
    }

    public TimeSource source() {
        return source;
    }
}
