package io.vellum.replication;

import io.vellum.aof.LogDamageException;
import io.vellum.snapshot.ProtoSnapshotStore;
import io.vellum.snapshot.SnapshotFormat;
import io.vellum.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * The snapshot a full resync sends ({@link ReplicationProtocol}): the newest durable snapshot of
 * a store whose position is still in the store's log (so the records after it can follow), or,
 * when there is none, a fresh one taken with BGSAVE (without stopping the engine) and waited
 * for. The file is opened before it is used, so retention deleting it meanwhile does no harm.
 *
 * <p>Runs on the thread of whoever sends or loads it (never the engine thread: BGSAVE is asked
 * for through {@code Engine.execute}).
 */
final class SnapshotSource {
    /** A snapshot opened for reading, covering the records up to {@code serial}. */
    record Prepared(Path file, FileChannel channel, long size, long serial, long position) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only: nothing lost
            }
        }
    }

    private SnapshotSource() {
    }

    /**
     * The newest snapshot of {@code storeDir} that the log of {@code storeDir} continues, or
     * null when there is none (no snapshot, or its position is gone from the log).
     */
    static Prepared newestUsable(Path storeDir) throws IOException {
        List<Path> snaps = SnapshotFormat.snapshots(SnapshotFormat.directory(storeDir));
        if (snaps.isEmpty()) {
            return null;
        }
        Path f = snaps.get(0);
        FileChannel ch;
        try {
            ch = FileChannel.open(f, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null; // retention deleted it just now: look again
        }
        try {
            // The header says what the snapshot covers: a name is a save sequence number when the
            // store has no log (SnapshotFormat.nameNumber).
            long position;
            try {
                position = SnapshotReader.header(ch, f).getLogPosition();
            } catch (IOException e) {
                ch.close();
                return null; // a damaged newest snapshot is no use: a fresh one is asked for
            }
            long serial;
            if (position <= 0) {
                serial = 0; // no record (-1; older builds also named that 0): the log from its first record follows
            } else {
                try (LogTail tail = new LogTail(storeDir)) {
                    serial = tail.serialAt(position);
                } catch (LogDamageException e) {
                    serial = -1;
                }
            }
            if (serial < 0) {
                ch.close();
                return null;
            }
            return new Prepared(f, ch, ch.size(), serial, position);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A snapshot of the primary {@code repl} for a full resync: the newest usable one, else a
     * fresh one (BGSAVE, waited for). Calls {@code keepalive} about once a second while it
     * waits; gives up (null) when {@code running} turns false.
     */
    static Prepared prepare(Replication repl, BooleanSupplier running, Runnable keepalive) throws IOException {
        if (!(repl.engine().snapshots() instanceof ProtoSnapshotStore snaps)) {
            throw new IOException("this primary has no snapshot store: a full resync needs one");
        }
        long lastKeepalive = System.nanoTime();
        long askedAt = 0;
        while (running.getAsBoolean()) {
            if (!snaps.inProgressVolatile()) {
                Prepared p = newestUsable(repl.dir());
                if (p != null) {
                    return p;
                }
                long now = System.nanoTime();
                if (askedAt == 0 || now - askedAt > TimeUnit.SECONDS.toNanos(5)) {
                    // (asked again after 5 s: the BGSAVE failed, or retention outran it)
                    askedAt = now;
                    repl.engine().execute(() -> {
                        if (!snaps.inProgressVolatile()) {
                            snaps.bgsave();
                        }
                    });
                }
            }
            if (System.nanoTime() - lastKeepalive > ReplicationProtocol.HEARTBEAT_NANOS) {
                keepalive.run();
                lastKeepalive = System.nanoTime();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return null;
    }
}
