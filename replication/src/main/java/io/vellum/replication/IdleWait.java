package io.vellum.replication;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread that tails a log ({@link LogFollower}, {@link ReplicaStream}) waits when it
 * finds no new record: it parks, starting short and doubling up to a cap, and starts short
 * again after each record found. It never spins or yields: on a small host (two cores) a
 * spinning tailer takes the core the primary's or the replica's engine needs, which costs
 * more lag and throughput than the few tens of microseconds a spin saves (Chronicle's
 * {@code LongPauser}, used before, spun 200 times and yielded 50 between every two batches,
 * so a tailer at 50,000 records a second was never parked). A steady stream is read every
 * 50 µs (plus the OS's timer slack, about 50 µs); after a pause the first record waits at most
 * 500 µs, and an idle tailer wakes 2,000 times a second. {@link LockSupport#unpark} ends a wait
 * early.
 */
final class IdleWait {
    private static final long MIN_NANOS = 50_000;
    private static final long MAX_NANOS = 500_000;
    private final long minNanos;
    private final long maxNanos;
    private long next;

    IdleWait() {
        this(MIN_NANOS, MAX_NANOS);
    }

    IdleWait(long minNanos, long maxNanos) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.next = minNanos;
    }

    /** A record was found: the next wait is short again. */
    void reset() {
        next = minNanos;
    }

    /** Nothing was found: park for the current wait, and double it for next time. */
    void pause() {
        LockSupport.parkNanos(next);
        next = Math.min(maxNanos, next * 2);
    }
}
