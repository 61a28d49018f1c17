package io.vellum.aof;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long replay (recovery, or the rebuild after a write failure): a log line every
 * few seconds with records done, records/s and time left, and the {@code loading*} fields of
 * INFO persistence. Written by the replaying thread, read by any (volatile fields).
 */
public final class ReplayProgress {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayProgress.class);

    private final long reportEveryNanos;
    private volatile boolean loading;
    private volatile long startMillis;
    private volatile long total = -1;
    private volatile long loaded;
    private volatile long bytes;
    private long startNanos;
    private long nextReportNanos;

    public ReplayProgress() {
        this(TimeUnit.SECONDS.toMillis(5));
    }

    /** @param reportEveryMillis how often the replay logs its progress */
    public ReplayProgress(long reportEveryMillis) {
        this.reportEveryNanos = TimeUnit.MILLISECONDS.toNanos(reportEveryMillis);
    }

    /** A replay of about {@code totalRecords} records (-1: unknown) starts. */
    void start(long totalRecords) {
        total = totalRecords;
        loaded = 0;
        bytes = 0;
        startMillis = System.currentTimeMillis();
        startNanos = System.nanoTime();
        nextReportNanos = startNanos + reportEveryNanos;
        loading = true;
    }

    /** One more record replayed ({@code size} bytes). Cheap: a clock read every 4096 records. */
    void record(int size) {
        long n = loaded + 1;
        loaded = n;
        bytes += size;
        if ((n & 4095) == 0) {
            long now = System.nanoTime();
            if (now >= nextReportNanos) {
                nextReportNanos = now + reportEveryNanos;
                LOG.info("Replaying the log: {}", describe(now));
            }
        }
    }

    void finish() {
        loading = false;
    }

    private String describe(long now) {
        long n = loaded;
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        long rate = (long) (n / secs);
        StringBuilder sb = new StringBuilder();
        sb.append(n);
        long t = total;
        if (t > 0) {
            sb.append('/').append(t).append(" records (").append(String.format("%.1f", 100.0 * n / t)).append("%)");
        } else {
            sb.append(" records");
        }
        sb.append(", ").append(rate).append(" records/s");
        if (t > 0 && rate > 0) {
            sb.append(", about ").append(Math.max(0, (t - n) / rate)).append(" s left");
        }
        return sb.toString();
    }

    /** Records replayed so far (of the current or last replay). */
    public long loaded() {
        return loaded;
    }

    /** The bytes of the records replayed so far. */
    public long loadedBytes() {
        return bytes;
    }

    public boolean loading() {
        return loading;
    }

    /** Records replayed per second over the whole replay so far. */
    public long recordsPerSecond() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        return secs <= 0 ? 0 : (long) (loaded / secs);
    }

    /** A summary for the log line that ends a replay. */
    public String summary() {
        return describe(System.nanoTime());
    }

    /** INFO persistence's loading fields, as Redis names them (records stand in for bytes). */
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        boolean l = loading;
        m.put("loading", l ? "1" : "0");
        m.put("async_loading", "0");
        if (l) {
            long n = loaded;
            long t = total;
            long rate = recordsPerSecond();
            m.put("loading_start_time", Long.toString(startMillis / 1000));
            m.put("loading_total_records", Long.toString(Math.max(t, n)));
            m.put("loading_loaded_records", Long.toString(n));
            m.put("loading_loaded_bytes", Long.toString(bytes));
            m.put("loading_loaded_perc", t > 0 ? String.format("%.2f", Math.min(100.0, 100.0 * n / t)) : "0.00");
            m.put("loading_eta_seconds", t > 0 && rate > 0 ? Long.toString(Math.max(0, (t - n) / rate)) : "1");
        }
        return m;
    }
}
