package io.vellum.replication;

import io.vellum.aof.AppendOnlyLog;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a primary's records to a replica: through {@link Engine#applyRecord} (the code that
 * recovery replays with: the record's time, seed, database and protocol, and its effect digest
 * checked), appending each one to the replica's own log so that the replica can restart and be
 * promoted. The replica's log numbers the records it appends exactly as the primary's did, so
 * its last serial is where it is in the primary's log.
 *
 * <p>A record whose effects differ from its digest stops replication for good: the error names
 * the serial, the log and the unit, and is shown by INFO ({@code master_link_status:down},
 * {@code vellum_replication_error}) and the log. Nothing after it is applied.
 *
 * <p>{@link #submit} is called by the thread reading the records; applying runs on the engine
 * thread, one batch per engine task (so the batch's records are committed to the replica's log
 * once, the engine's group commit). Thread-safe.
 */
final class RecordApplier {
    private static final Logger LOG = LoggerFactory.getLogger(RecordApplier.class);

    /** One record read from the primary, with its serial. */
    record Item(long serial, UnitRecord record) {
    }

    private final Engine engine;
    private final AppendOnlyLog log;
    private final String source;
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

    /** Hands a batch to the engine; {@code done} runs on the engine thread after it (acks). */
    void submit(List<Item> batch, Runnable done) {
        if (batch.isEmpty()) {
            return;
        }
        submitted = batch.get(batch.size() - 1).serial();
        engine.execute(() -> {
            apply(batch);
            done.run();
        });
    }

    /** Engine thread. */
    void apply(List<Item> batch) {
        for (Item it : batch) {
            if (stopped || error != null) {
                return;
            }
            if (it.serial() <= applied) {
                continue; // sent again after a reconnect: already here
            }
            if (it.serial() != applied + 1) {
                fail("record " + it.serial() + " of log " + logId + " from " + source + " follows record " + applied
                        + ": records are missing");
                return;
            }
            try {
                engine.applyRecord(it.record(), log != null);
            } catch (ReplayDivergenceException e) {
                fail("record " + it.serial() + " of log " + logId + " from " + source + " diverged: unit ["
                        + e.unit() + "] was logged with effect digest " + String.format("%016x", e.expected())
                        + " but applies here with " + String.format("%016x", e.actual())
                        + ". This replica no longer equals its primary; replication stopped (a full resync is needed)");
                return;
            } catch (RuntimeException e) {
                fail("record " + it.serial() + " of log " + logId + " from " + source + " could not be applied: " + e);
                return;
            }
            if (log != null && log.lastSerial() != it.serial()) {
                fail("record " + it.serial() + " of log " + logId + " went to this replica's log as record "
                        + log.lastSerial() + ": its log is out of step with the primary's");
                return;
            }
            applied = it.serial();
            onApplied.accept(it.serial());
        }
    }

    private void fail(String why) {
        error = "Replication stopped: " + why;
        LOG.error(error);
    }
}
