package io.vellum.sim;

import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.TestStore;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A replica of a {@link SimStore}, run on the test thread as a same-host follower does: it
 * reads the primary's log (read-only) and applies each record after the last one it has with
 * {@code Engine.applyRecord(record, true)} (what the replication module's RecordApplier runs:
 * the record's time, seed and digest, appended to the replica's own log, numbered as the
 * primary numbered it). Where it is in the primary's log is its own log's last serial, so a
 * restart continues from what its log kept.
 *
 * <p>Actions: restart (kill -9: its directory as it is, recovered), link drop (it applies
 * nothing for some steps, then catches up), and a full resync when the primary lost records
 * the replica had applied (a torn tail of the primary: Redis resyncs then too).
 */
final class SimReplica implements AutoCloseable {
    private final Path root;
    private int generation;
    private Path dir;
    private TestStore store;
    private int linkDownFor;
    long resyncs;
    long restarts;

    SimReplica(Path root) {
        this.root = root;
        this.dir = nextDir();
        store = SimStore.openStore(dir, SimStore.START_MICROS);
    }

    private Path nextDir() {
        return root.resolve("replica-" + (generation++));
    }

    TestStore store() {
        return store;
    }

    /** The serial of the last record the replica has (its own log's). */
    long appliedSerial() {
        return ((io.vellum.aof.AppendOnlyLog) store.engine.log()).lastSerial();
    }

    /** One step went by: a dropped link counts down. */
    void tick(Path primaryDir) {
        if (linkDownFor > 0) {
            linkDownFor--;
            return;
        }
        catchUp(primaryDir);
    }

    void dropLink(int steps) {
        linkDownFor = steps;
    }

    /** Applies every record of the primary's log after the replica's last one (the link back up). */
    void catchUp(Path primaryDir) {
        linkDownFor = 0;
        long after = appliedSerial();
        boolean any = false;
        boolean lost = false;
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(primaryDir)); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            long expected = after + 1;
            while (sc.next()) {
                if (sc.serial() < expected) {
                    continue;
                }
                if (sc.serial() != expected) {
                    throw new AssertionError("replica: the primary's record after serial " + (expected - 1) + " has serial "
                            + sc.serial());
                }
                UnitRecord r = sc.record();
                if (r.kind() == UnitRecord.Kind.LOST) {
                    // the primary lost this record (torn) and only its snapshot holds it: what the
                    // replication module's LogTail answers with GONE, so a full resync
                    lost = true;
                    break;
                }
                store.engine.applyRecord(r, true);
                expected++;
                any = true;
            }
        } catch (LogDamageException e) {
            throw new AssertionError("replica: cannot read the primary's log: " + e.getMessage(), e);
        } finally {
            BackgroundResourceReleaser.releasePendingResources();
        }
        if (lost) {
            resync(primaryDir);
            return;
        }
        if (any) {
            // the applied records are committed to the replica's log at the end of an engine batch
            TestStore.Client c = store.client();
            c.call("PING");
            store.engine.closeSession(c.session);
        }
    }

    /** kill -9 of the replica and a restart: its directory as it is, recovered from its own log. */
    void restart() {
        restarts++;
        Path copy = nextDir();
        StoreFiles.copy(dir, copy);
        store.close();
        StoreFiles.delete(dir);
        dir = copy;
        store = SimStore.openStore(dir, SimStore.START_MICROS);
    }

    /**
     * The primary's log no longer holds the replica's last record (the primary dropped a torn
     * tail): the replica starts again from a copy of the primary's directory (its snapshot and
     * log), as a full resync does.
     */
    void resyncIfAhead(Path primaryDir, long primaryLastSerial) {
        if (appliedSerial() <= primaryLastSerial) {
            return;
        }
        resync(primaryDir);
    }

    /** A full resync: the replica starts again from a copy of the primary's directory (its snapshot and log). */
    private void resync(Path primaryDir) {
        resyncs++;
        store.close();
        StoreFiles.delete(dir);
        dir = nextDir();
        StoreFiles.copy(primaryDir, dir);
        store = SimStore.openStore(dir, SimStore.START_MICROS);
    }

    /** The replica's probes with its clock at {@code micros} (TTLs are read against the clock). */
    java.util.List<String> probes(long micros) {
        store.micros.set(micros);
        return Probe.of(store);
    }

    @Override
    public void close() {
        store.close();
    }
}
