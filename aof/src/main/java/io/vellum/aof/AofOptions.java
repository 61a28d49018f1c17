package io.vellum.aof;

import io.vellum.core.config.StoreConfig;
import java.nio.file.Path;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * How {@link AppendOnlyLog#open} opens a store's log. Every setting has the default its
 * method states.
 */
public final class AofOptions {
    Path storeDir;
    FsyncPolicy fsync = FsyncPolicy.EVERYSEC;
    boolean loadTruncated = true;
    BaseState base = BaseState.EMPTY;
    long reserveBytes = 2L << 20;
    TimeProvider time = testClock(System.getProperty(TEST_CLOCK));
    ReplayProgress progress = new ReplayProgress();

    /**
     * Test only ({@code vellum crashtest}): {@code <originMillis>:<millisPerHour>} makes
     * Chronicle's clock run fast from the origin, so the hourly files roll every
     * millisPerHour of real time. The clock is a function of the real time, so processes
     * started one after the other with the same value roll forward, never back.
     */
    public static final String TEST_CLOCK = "vellum.test.aof-clock";

    /**
     * Test only ({@code vellum crashtest}): {@code true} keeps every log file (no retention
     * after a snapshot). The crash test replays the whole log at each restart to check it; it
     * reads it between kills, and a round with two snapshots in it would otherwise let
     * retention delete records it has not read yet. Retention's own crash safety is covered by
     * the simulation, which snapshots, retains and crashes.
     */
    public static final String TEST_KEEP_LOG = "vellum.test.keep-log";

    private AofOptions(Path storeDir) {
        this.storeDir = storeDir;
    }

    /** The log of the store kept in {@code storeDir} ({@code <storeDir>/aof}); defaults below. */
    public static AofOptions of(Path storeDir) {
        return new AofOptions(storeDir);
    }

    /** The log of {@code storeDir} with appendfsync and aof-load-truncated taken from {@code config}. */
    public static AofOptions of(Path storeDir, StoreConfig config) {
        return of(storeDir)
                .fsync(FsyncPolicy.parse(config.appendfsync.get()))
                .loadTruncated(config.aofLoadTruncated.get());
    }

    /** The sync policy; default {@link FsyncPolicy#EVERYSEC}. CONFIG SET appendfsync changes it later. */
    public AofOptions fsync(FsyncPolicy policy) {
        this.fsync = policy;
        return this;
    }

    /**
     * Whether a torn tail (records cut by a crash at the end of the log) is dropped and
     * reported ({@code aof-load-truncated yes}, the default) or stops recovery.
     */
    public AofOptions loadTruncated(boolean load) {
        this.loadTruncated = load;
        return this;
    }

    /** What the log is replayed onto; default {@link BaseState#EMPTY} (replay from the start). */
    public AofOptions base(BaseState base) {
        this.base = base;
        return this;
    }

    /**
     * Disk space reserved ahead of the log's end (fallocate), so that a full disk refuses
     * writes before a record is half-written; default 2 MiB. The reservation grows by this
     * much at a time, and writes are refused once it cannot while half of it (plus room for
     * Chronicle's index) is left.
     */
    public AofOptions reserveBytes(long bytes) {
        if (bytes < 64 * 1024) {
            throw new IllegalArgumentException("reserve at least 64 KiB, not " + bytes);
        }
        this.reserveBytes = bytes;
        return this;
    }

    /** Chronicle's clock, which picks the hourly file a record goes to; default the system clock (tests roll files with their own). */
    public AofOptions time(TimeProvider time) {
        this.time = time;
        return this;
    }

    /** Where replay reports its progress; default a new one that logs every 5 s. */
    public AofOptions progress(ReplayProgress progress) {
        this.progress = progress;
        return this;
    }

    static TimeProvider testClock(String spec) {
        if (spec == null) {
            return SystemTimeProvider.INSTANCE;
        }
        String[] parts = spec.split(":");
        long origin = Long.parseLong(parts[0]);
        long perHour = Long.parseLong(parts[1]);
        return new TimeProvider() {
            @Override
            public long currentTimeMillis() {
                long now = System.currentTimeMillis();
                return origin + Math.max(0, now - origin) * 3_600_000L / perHour;
            }

            @Override
            public long currentTimeMicros() {
                return currentTimeMillis() * 1000;
            }

            @Override
            public long currentTimeNanos() {
                return currentTimeMillis() * 1_000_000;
            }
        };
    }

    public Path storeDir() {
        return storeDir;
    }

    public FsyncPolicy fsync() {
        return fsync;
    }

    public ReplayProgress progress() {
        return progress;
    }
}
