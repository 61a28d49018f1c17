package io.vellum.aof;

import io.vellum.core.config.StoreConfig;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of a store opened with {@code appendonly no}: nothing is loaded from the log
 * directory and nothing is written to it, as Redis ignores its AOF then. If appendonly is
 * turned on at run time, the log on disk does not hold what memory holds, so writes are
 * refused (MISCONF) rather than continued into a log that would replay to something else;
 * rebuilding the log from memory is BGREWRITEAOF's job, which needs the snapshot store.
 *
 * <p>Engine thread, except {@link #failed} and {@link #failureReply} (volatile reads).
 */
public final class DisabledLog implements CommandLog {
    private static final Logger LOG = LoggerFactory.getLogger(DisabledLog.class);
    private volatile boolean turnedOn;

    public DisabledLog(StoreConfig config) {
        config.appendonly.onChange(on -> {
            turnedOn = on;
            if (on) {
                LOG.error("appendonly was turned on at run time: writes are refused until a rewrite"
                        + " (BGREWRITEAOF, which needs the snapshot store) or a restart with appendonly yes");
            }
        });
    }

    @Override
    public long append(UnitRecord record) {
        return -1;
    }

    @Override
    public boolean keepsRecords() {
        return false;
    }

    @Override
    public void commit() {
    }

    @Override
    public long lastPosition() {
        return -1;
    }

    @Override
    public boolean failed() {
        return turnedOn;
    }

    @Override
    public String failureReply() {
        return "MISCONF appendonly was turned on at run time: the log does not hold this store's data and must be"
                + " rewritten from memory first (BGREWRITEAOF needs the snapshot store)";
    }

    @Override
    public void close() {
    }
}
