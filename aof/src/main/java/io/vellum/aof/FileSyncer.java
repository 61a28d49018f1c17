package io.vellum.aof;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Makes what the log wrote durable: {@code fdatasync} of the cycle files written since the last
 * sync, and, when a new cycle file appeared, of the log directory (so its name survives a power
 * loss) and of Chronicle's metadata file (its directory listing names the newest cycle).
 *
 * <p>Why not Chronicle's {@code appender.sync()}: it msyncs only the current mapped chunk up to
 * the write position (not the index pages nor the file header Chronicle updates elsewhere in the
 * file), it logs an msync failure instead of throwing (so a failed sync could not refuse writes),
 * and an appender is single-threaded, so {@code everysec} could not sync from the background. On
 * Linux, {@code fdatasync} on the file writes back every page dirtied through the mapping, and
 * reports errors.
 *
 * <p>Threads: {@link #fileAppeared} and {@link #appended} on the engine thread; {@link #sync}
 * on any thread (the engine for {@code always}, the background syncer for {@code everysec}),
 * one at a time.
 */
final class FileSyncer implements AutoCloseable {
    private final Path aofDir;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Object filesLock = new Object();
    private final List<Target> files = new ArrayList<>();
    private boolean directoryDirty;
    private volatile long appendedSeq;
    private volatile long syncedSeq;
    private volatile long lastSyncMillis;

    private record Target(Path file, FileChannel channel) {
    }

    FileSyncer(Path aofDir) {
        this.aofDir = aofDir;
    }

    /** The appender writes to {@code file} from now on (engine thread). */
    void fileAppeared(Path file, boolean isNew) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        synchronized (filesLock) {
            files.add(new Target(file, ch));
            directoryDirty |= isNew;
        }
    }

    /** A record was appended (engine thread). */
    void appended() {
        appendedSeq++;
    }

    /** True when records were appended since the last successful sync. */
    boolean pending() {
        return appendedSeq != syncedSeq;
    }

    long lastSyncMillis() {
        return lastSyncMillis;
    }

    /**
     * Syncs everything appended so far.
     *
     * @throws IOException when the operating system reports that the data may not be on disk
     */
    void sync() throws IOException {
        syncLock.lock();
        try {
            long upTo = appendedSeq;
            List<Target> targets;
            boolean dir;
            synchronized (filesLock) {
                targets = new ArrayList<>(files);
                dir = directoryDirty;
            }
            for (Target t : targets) {
                t.channel().force(false);
            }
            if (dir) {
                Path meta = aofDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
                if (Files.exists(meta)) {
                    LogFiles.syncFile(meta);
                }
                LogFiles.syncDirectory(aofDir);
            }
            synchronized (filesLock) {
                if (dir) {
                    directoryDirty = false;
                }
                // Files the appender has left are complete once synced: stop tracking them.
                while (files.size() > 1 && targets.contains(files.get(0))) {
                    closeQuietly(files.remove(0).channel());
                }
            }
            syncedSeq = upTo;
            lastSyncMillis = System.currentTimeMillis();
        } finally {
            syncLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a close after a successful force loses nothing
        }
    }

    /** Stops tracking every file (their records are being dropped): waits for a running sync. */
    void forgetFiles() {
        syncLock.lock();
        try {
            close();
        } finally {
            syncLock.unlock();
        }
    }

    @Override
    public void close() {
        synchronized (filesLock) {
            for (Target t : files) {
                closeQuietly(t.channel());
            }
            files.clear();
        }
    }
}
