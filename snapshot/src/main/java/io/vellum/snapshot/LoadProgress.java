package io.vellum.snapshot;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a snapshot load: a log line every few seconds (keys, keys/s, time left) and the
 * {@code loading*} fields of INFO persistence. Written by the loading thread, read by any.
 */
public final class LoadProgress {
    private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);
    private final long everyNanos;
    private volatile boolean loading;
    private volatile long total;
    /** Published every {@link #PUBLISH_EVERY} keys (a volatile write per key cost 1% of a load). */
    private volatile long loaded;
    private static final int PUBLISH_EVERY = 1024;
    /** The loading thread's own count. */
    private long count;
    private volatile long startMillis;
    private long startNanos;
    private long nextReport;
    private Path file;

    public LoadProgress() {
        this(5000);
    }

    public LoadProgress(long reportEveryMillis) {
        this.everyNanos = TimeUnit.MILLISECONDS.toNanos(reportEveryMillis);
    }

    void start(Path f, long keys) {
        file = f;
        total = keys;
        count = 0;
        loaded = 0;
        startMillis = System.currentTimeMillis();
        startNanos = System.nanoTime();
        nextReport = startNanos + everyNanos;
        loading = true;
    }

    void key() {
        long n = ++count;
        if ((n & (PUBLISH_EVERY - 1)) == 0) {
            loaded = n;
        }
        if ((n & 8191) == 0) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                nextReport = now + everyNanos;
                LOG.info("Loading snapshot {}: {}", file.getFileName(), describe(now));
            }
        }
    }

    void finish() {
        loaded = count;
        loading = false;
    }

    public boolean loading() {
        return loading;
    }

    public long loaded() {
        return loaded;
    }

    private long rate(long now) {
        double secs = (now - startNanos) / 1e9;
        return secs <= 0 ? 0 : (long) (loaded / secs);
    }

    private String describe(long now) {
        long n = loaded;
        long t = total;
        long r = rate(now);
        return String.format("%d/%d keys (%.1f%%), %d keys/s, about %d s left", n, t, t > 0 ? 100.0 * n / t : 100.0, r,
                r > 0 ? Math.max(0, (t - n) / r) : 0);
    }

    /** INFO persistence's loading fields while a snapshot loads (empty otherwise). */
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        if (loading) {
            long n = loaded;
            long t = total;
            long r = rate(System.nanoTime());
            m.put("loading", "1");
            m.put("loading_start_time", Long.toString(startMillis / 1000));
            m.put("loading_total_keys", Long.toString(t));
            m.put("loading_loaded_keys", Long.toString(n));
            m.put("loading_loaded_perc", t > 0 ? String.format("%.2f", Math.min(100.0, 100.0 * n / t)) : "0.00");
            m.put("loading_eta_seconds", r > 0 ? Long.toString(Math.max(0, (t - n) / r)) : "1");
        }
        return m;
    }
}
