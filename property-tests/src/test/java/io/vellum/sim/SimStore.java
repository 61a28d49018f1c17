package io.vellum.sim;

import io.vellum.aof.AofCommands;
import io.vellum.aof.AofOptions;
import io.vellum.aof.BaseState;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.FsyncPolicy;
import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import io.vellum.snapshot.ProtoSnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The store a simulation drives: an engine run on the test thread ({@link TestStore}) with a
 * real log in a directory, a clock only the simulation moves, and the store actions of
 * {@link Action}: reopen, crash (a copy of the directory as it is, then the old process is
 * abandoned), torn tail, active expiry.
 *
 * <p>Directories live under a root of their own, deleted on close. Not thread-safe.
 */
final class SimStore implements AutoCloseable {
    /** The clock every simulated run starts at (what generators assume). */
    static final long START_MICROS = 1_700_000_000_000_000L;

    private final Path root;
    private int generation;
    private Path dir;
    private long micros = START_MICROS;
    private TestStore store;
    private final List<TestStore.Client> clients = new ArrayList<>();
    private boolean lastTearCovered;
    private List<Long> lastTearPositions = List.of();

    private SimStore(Path root) {
        this.root = root;
        this.dir = nextDir();
        open();
    }

    static SimStore create() {
        try {
            return new SimStore(Files.createTempDirectory("vellum-sim"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path nextDir() {
        return root.resolve("store-" + (generation++));
    }

    /** Opens (recovers) the store in {@link #dir}. */
    private void open() {
        store = openStore(dir, micros);
        clients.clear();
    }

    /**
     * A store on {@code dir} with the clock at {@code micros}, wired as {@code Vellum} wires it
     * (log, snapshots), recovered: the newest intact snapshot, then the log after it (throws
     * what recovery throws).
     */
    static TestStore openStore(Path dir, long micros) {
        ProtoSnapshotStore snapshots = new ProtoSnapshotStore(dir);
        TestStore st = new TestStore(Engine.builder().commands(new AofCommands()).commands(snapshots.commands()));
        st.micros.set(micros);
        try {
            AppendOnlyLog.open(st.engine, AofOptions.of(dir).fsync(FsyncPolicy.NO).base(BaseState.of(snapshots::load, snapshots::loadedSerial, snapshots::retireOlderThan)));
            snapshots.attach(st.engine);
            return st;
        } catch (IOException | RuntimeException e) {
            st.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Closes as {@code Vellum.close} does: the snapshot store's last word (a save on close), then the engine. */
    static void closeCleanly(TestStore st) {
        if (st.engine.snapshots() instanceof ProtoSnapshotStore p) {
            p.beforeClose();
            st.close();
            p.close();
        } else {
            st.close();
        }
    }

    /** An engine without a log that replayed {@code records} (applied as replay does), the clock at {@code micros}. */
    static TestStore replayed(List<UnitRecord> records, long micros) {
        TestStore st = new TestStore(Engine.builder());
        for (UnitRecord r : records) {
            st.engine.applyRecord(r, false);
        }
        st.micros.set(micros);
        return st;
    }

    Path dir() {
        return dir;
    }

    Path root() {
        return root;
    }

    TestStore store() {
        return store;
    }

    long micros() {
        return micros;
    }

    Engine engine() {
        return store.engine;
    }

    TestStore.Client client(int i) {
        while (clients.size() <= i) {
            clients.add(store.client());
        }
        return clients.get(i);
    }

    /** The position of the last record in the log, -1 when empty. */
    long lastPosition() {
        return store.engine.log().lastPosition();
    }

    /** Runs a command or transaction; returns the reply of its last command (EXEC's for a transaction). */
    Reply run(Action a) {
        Sim.STATS.commands++;
        if (a instanceof Action.Command c) {
            return client(c.client()).call(Action.argv(c.args()));
        }
        Action.Transaction t = (Action.Transaction) a;
        TestStore.Client c = client(t.client());
        c.call("MULTI");
        for (List<String> cmd : t.commands()) {
            c.call(Action.argv(cmd));
        }
        return c.call(t.discard() ? "DISCARD" : "EXEC");
    }

    /**
     * Performs a store action that needs nothing from the property: the clock, active expiry,
     * reopen, crash, snapshot. False when {@code a} is none of them (commands, torn tails and
     * damage are the property's).
     */
    boolean perform(Action a) {
        if (a instanceof Action.AdvanceClock c) {
            advanceClock(c.millis());
        } else if (a instanceof Action.ActiveExpire) {
            activeExpire();
        } else if (a instanceof Action.Reopen) {
            reopen();
        } else if (a instanceof Action.Crash) {
            crash();
        } else if (a instanceof Action.CrashDuringSnapshot c) {
            crashDuringSnapshot(c.written());
        } else if (a instanceof Action.Snapshot snap) {
            snapshot(snap.background());
        } else {
            return false;
        }
        return true;
    }

    void advanceClock(long millis) {
        micros += millis * 1000;
        store.micros.set(micros);
    }

    void activeExpire() {
        Engine e = store.engine;
        e.execute(e::activeExpireCycle);
    }

    /** Closes cleanly, opens again. */
    void reopen() {
        Sim.STATS.reopens++;
        closeCleanly(store);
        open();
    }

    /**
     * A snapshot, on a session of its own; returns the reply. Always SAVE: on an engine run on
     * the test thread a BGSAVE would finish on the snapshot writer's thread, at a moment the
     * run cannot replay (so {@code background} only tells the two apart in printed runs).
     */
    Reply snapshot(boolean background) {
        TestStore.Client c = store.client();
        try {
            return c.call("SAVE");
        } finally {
            store.engine.closeSession(c.session);
        }
    }

    /** The log position the newest snapshot in {@code storeDir} covers, -1 when there is none. */
    static long newestSnapshotPosition(Path storeDir) {
        Path snaps = io.vellum.snapshot.SnapshotFormat.directory(storeDir);
        if (!Files.isDirectory(snaps)) {
            return -1;
        }
        try (var files = Files.list(snaps)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("snapshot-\\d{20}\\.vsnap"))
                    .mapToLong(n -> Long.parseLong(n.substring(9, 29))).max().orElse(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9 and restart: the directory as the dead process left it, opened again. */
    void crash() {
        Sim.STATS.crashes++;
        moveAsIs(d -> {
        });
    }

    /**
     * kill -9 during a BGSAVE, and restart: the directory as it was when the snapshot started,
     * plus the snapshot's temporary file cut at {@code written} of its bytes (what the writer
     * had written; it renames only a finished, synced file). The snapshot's bytes are those a
     * SAVE of the live store writes, taken after the copy.
     */
    void crashDuringSnapshot(double written) {
        Sim.STATS.crashes++;
        Sim.STATS.crashesDuringSnapshot++;
        Path copy = nextDir();
        StoreFiles.copy(dir, copy);
        snapshot(true);
        Path newest = StoreFiles.newestSnapshot(dir);
        if (newest != null) {
            StoreFiles.writeTempSnapshot(copy, newest, written);
        }
        store.close();
        StoreFiles.delete(dir);
        dir = copy;
        open();
    }

    /**
     * The process died writing its last record: the store is copied as it is, the last record
     * of the copy cut ({@link StoreFiles#tear}), and the copy opened. Returns the records the
     * log held before (the caller knows the last one was cut), or an empty list when it held none.
     * {@link #lastTearCovered()} says whether the newest snapshot covered the cut record (a power
     * loss after the snapshot was synced but before the record was): recovery then keeps the
     * snapshot's state, puts a stand-in where the record was and retires older snapshots.
     */
    List<UnitRecord> tornTail(double kept, boolean truncate) {
        Sim.STATS.tornTails++;
        lastTearCovered = false;
        List<UnitRecord> before = new ArrayList<>();
        moveAsIs(copy -> {
            List<StoreFiles.Extent> extents = StoreFiles.extents(copy);
            if (extents.isEmpty()) {
                return;
            }
            StoreFiles.Extent last = extents.get(extents.size() - 1);
            if (last.position() <= newestSnapshotPosition(copy)) {
                Sim.STATS.tornCovered++;
                lastTearCovered = true;
            }
            before.addAll(StoreFiles.records(copy));
            lastTearPositions = StoreFiles.positions(copy);
            StoreFiles.tear(last, kept, truncate);
        });
        return before;
    }

    /** The positions of the records the last {@link #tornTail} returned. */
    List<Long> lastTearPositions() {
        return lastTearPositions;
    }

    /**
     * An engine without a log holding the newest snapshot of {@code dir} with the records after
     * its position applied (records[i] at positions[i]): what a log holding a stand-in for a lost
     * record replays to, since the lost effects are only in that snapshot.
     */
    static TestStore fromNewestSnapshot(Path dir, List<UnitRecord> records, List<Long> positions, long micros) {
        TestStore st = new TestStore(Engine.builder());
        long covered = new ProtoSnapshotStore(dir).load(st.engine);
        for (int i = 0; i < records.size(); i++) {
            if (positions.get(i) > covered) {
                st.engine.applyRecord(records.get(i), false);
            }
        }
        st.micros.set(micros);
        return st;
    }

    /** Whether the last {@link #tornTail} cut a record the newest snapshot covers. */
    boolean lastTearCovered() {
        return lastTearCovered;
    }

    /** Copies the open store's directory as it is, abandons the old one, changes the copy, opens it. */
    private void moveAsIs(Consumer<Path> change) {
        Path copy = nextDir();
        StoreFiles.copy(dir, copy);
        store.close();
        StoreFiles.delete(dir);
        dir = copy;
        change.accept(copy);
        open();
    }

    /**
     * A copy of the directory as it is now (what a kill -9 would leave), for a rebuilt store;
     * the caller deletes it.
     */
    Path copyAsIs() {
        Path copy = nextDir();
        StoreFiles.copy(dir, copy);
        return copy;
    }

    @Override
    public void close() {
        try {
            closeCleanly(store);
        } finally {
            StoreFiles.delete(root);
        }
    }
}
