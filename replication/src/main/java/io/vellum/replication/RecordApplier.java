package io.vellum.replication;

import io.vellum.aof.AppendOnlyLog;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.UnitRecord;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a primary's records to a replica: through {@link Engine#applyStoredRecord} (the code
 * that recovery replays with: the record's time, seed, database and protocol, and its effect
 * digest checked), appending each one to the replica's own log so that the replica can restart
 * and be promoted. The replica's log numbers the records it appends exactly as the primary's
 * did, so its last serial is where it is in the primary's log, and it stores them with the
 * primary's bytes (as they were read: not encoded again).
 *
 * <p>A record whose effects differ from its digest stops replication for good: the error names
 * the serial, the log and the unit, and is shown by INFO ({@code master_link_status:down},
 * {@code vellum_replication_error}) and the log. Nothing after it is applied.
 *
 * <p>{@link #submit} is called by the thread reading the records; a batch is applied as one
 * engine task (its records are committed to the replica's log once, the engine's group
 * commit), on the reading thread itself when the engine is free ({@link Engine#executeHere}:
 * at 50,000 records a second in batches of a few, waking the engine thread for each batch was
 * a futex wake and a switch each time), else on the engine thread after what is queued.
 * Thread-safe.
 */
final class RecordApplier {
    private static final Logger LOG = LoggerFactory.getLogger(RecordApplier.class);

    private final Engine engine;
    private final AppendOnlyLog log;
    private final String source;
    private final RecordBatch.Pool batches = new RecordBatch.Pool();
    private volatile String logId;
    private volatile long applied;
    private volatile long submitted;
    private volatile String error;
    private volatile boolean stopped;
    private volatile LongConsumer onApplied = s -> {
    };

    /**
     * @param log    the replica's own log, or null when it keeps none (then it starts empty: serial 0)
     * @param source what is followed, for messages ("127.0.0.1:6379", a directory)
     */
    RecordApplier(Engine engine, AppendOnlyLog log, String source, String logId) {
        this.engine = engine;
        this.log = log;
        this.source = source;
        this.logId = logId;
        this.applied = log != null ? log.lastSerial() : 0;
        this.submitted = applied;
    }

    /** The serial of the last record applied (replication's offset). */
    long applied() {
        return applied;
    }

    /** The serial up to which the applied records are on the replica's disk (its log's policy). */
    long synced() {
        return log != null ? Math.min(applied, log.syncedSerial()) : 0;
    }

    /** Records handed to the engine and not applied yet. */
    long backlog() {
        return submitted - applied;
    }

    /** A full resync replaced the data: it now holds the records up to {@code serial}. Engine thread. */
    void resetTo(long serial) {
        applied = serial;
        submitted = serial;
    }

    void setLogId(String id) {
        this.logId = id;
    }

    /** Why replication stopped (divergence), or null. */
    String error() {
        return error;
    }

    boolean stopped() {
        return stopped || error != null;
    }

    /** No batch submitted after this is applied (the link was dropped or the store promoted). Engine thread. */
    void stop() {
        stopped = true;
    }

    /** Runs on the engine thread after each record applied (tests, lag benchmarks). */
    void onApplied(LongConsumer listener) {
        this.onApplied = listener;
    }

    /** An empty batch for the reading thread to fill and {@link #submit}. */
    RecordBatch newBatch() {
        return batches.take();
    }

    /**
     * Hands a batch to the engine; {@code done} runs on the engine thread after it (acks). The
     * batch is the applier's from now on (it is reused).
     */
    void submit(RecordBatch batch, Runnable done) {
        if (batch.isEmpty()) {
            batches.give(batch);
            return;
        }
        submitted = batch.lastSerial();
        // On the reading thread when the engine is free: the engine thread stays parked.
        engine.executeHere(() -> {
            try {
                apply(batch);
            } finally {
                batches.give(batch);
            }
            done.run();
        });
    }

    /** Engine thread. */
    void apply(RecordBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (stopped || error != null) {
                return;
            }
            long serial = batch.serial(i);
            UnitRecord record = batch.record(i);
            if (serial <= applied) {
                continue; // sent again after a reconnect: already here
            }
            if (serial != applied + 1) {
                fail("record " + serial + " of log " + logId + " from " + source + " follows record " + applied
                        + ": records are missing");
                return;
            }
            try {
                if (log != null) {
                    engine.applyStoredRecord(record, serial, batch.bytes(), batch.offset(i), batch.length(i));
                } else {
                    engine.applyRecord(record, false);
                }
            } catch (ReplayDivergenceException e) {
                fail("record " + serial + " of log " + logId + " from " + source + " diverged: unit ["
                        + e.unit() + "] was logged with effect digest " + String.format("%016x", e.expected())
                        + " but applies here with " + String.format("%016x", e.actual())
                        + ". This replica no longer equals its primary; replication stopped (a full resync is needed)");
                return;
            } catch (RuntimeException e) {
                fail("record " + serial + " of log " + logId + " from " + source + " could not be applied: " + e);
                return;
            }
            if (log != null && log.lastSerial() != serial) {
                fail("record " + serial + " of log " + logId + " went to this replica's log as record "
                        + log.lastSerial() + ": its log is out of step with the primary's");
                return;
            }
            applied = serial;
            onApplied.accept(serial);
        }
    }

    private void fail(String why) {
        error = "Replication stopped: " + why;
        LOG.error(error);
    }
}
