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
 * <p>{@link #syncRecords} (the {@code always} commit) makes durable only the bytes of the records
 * appended since the last sync: written to the {@link CommitJournal} when there is one (the
 * cycle files are then synced whole in the background, about once a second, after which the
 * journal starts over), else through an msync of that range ({@link RangeWindow}). An append
 * also rewrites Chronicle's write position in the file's header page (and, every 1024 records,
 * an index entry further back), and a whole-file {@code fdatasync} wrote that second page back on
 * every commit and made the next append fault on both pages again (measured: 407 bytes written
 * per SET, Redis 203). Leaving the header and index pages to the whole-file syncs (a new file's
 * first sync, a roll, {@code everysec}, close) loses nothing on a power loss: recovery does not
 * trust the header's write position (Chronicle scans forward from it, and the records carry
 * their own serials) nor the sparse index (an entry found missing is scanned past).
 *
 * <p>Threads: {@link #fileAppeared} and {@link #appended} on the engine thread; {@link #sync}
 * on any thread (the engine for {@code always}, the background syncer for {@code everysec}),
 * one at a time; {@link #syncRecords} on the engine thread.
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
    /** The newest file's end of data after the last append (engine thread writes). */
    private volatile long appendedEnd;
    /** Up to where the newest file is synced; -1 until a whole-file sync of it (its header). Under filesLock. */
    private long syncedEnd = -1;
    private final RangeWindow window = new RangeWindow();
    /** Where the always commit writes, or null (msync of the range). Under syncLock. */
    private CommitJournal journal;
    /** The journal holds ranges that no whole-file sync has covered yet (the background syncer looks). */
    private volatile boolean journaled;

    private record Target(Path file, FileChannel channel) {
    }

    /** What a sync made durable: bytes {@code [from, to)} of a file, or all of it (from = -1). */
    interface SyncListener {
        void synced(Path file, long from, long to);
    }

    /** Tests only: told after each sync (PowerLossTest builds what a disk holds after a power loss). */
    static volatile SyncListener listener;

    static void tell(Path file, long from, long to) {
        SyncListener l = listener;
        if (l != null) {
            l.synced(file, from, to);
        }
    }

    FileSyncer(Path aofDir) {
        this.aofDir = aofDir;
    }

    /** From now on the always commit writes to {@code j} (which this syncer closes). */
    void useJournal(CommitJournal j) {
        syncLock.lock();
        try {
            journal = j;
        } finally {
            syncLock.unlock();
        }
    }

    /** True when the journal holds ranges a whole-file sync should cover (then it starts over). */
    boolean journaled() {
        return journaled;
    }

    /** The appender writes to {@code file} from now on (engine thread). */
    void fileAppeared(Path file, boolean isNew) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        synchronized (filesLock) {
            files.add(new Target(file, ch));
            directoryDirty |= isNew;
            syncedEnd = -1; // its header has not been synced
        }
    }

    /** A record was appended; the newest file's data now ends at {@code end} (engine thread). */
    void appended(long end) {
        appendedEnd = end;
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
     * Syncs the records appended so far: only their byte range when the newest file is the only
     * one tracked and has had a whole-file sync since it appeared, else as {@link #sync} does.
     *
     * @throws IOException when the operating system reports that the data may not be on disk
     */
    void syncRecords() throws IOException {
        syncLock.lock();
        try {
            long upTo = appendedSeq;
            long end = appendedEnd;
            Target only;
            long from;
            synchronized (filesLock) {
                only = files.size() == 1 && !directoryDirty ? files.get(0) : null;
                from = syncedEnd;
            }
            if (only == null || from < 0 || end < from
                    || (journal != null && !journal.fits(only.file().getFileName().toString(), end - from))) {
                sync();
                return;
            }
            if (journal != null) {
                if (end > from) {
                    long[] written = journal.write(only.file(), only.channel(), from, end);
                    journaled = true;
                    tell(journal.file(), written[0], written[1]);
                }
            } else {
                window.force(only.channel(), from, end);
                tell(only.file(), from, end);
            }
            synchronized (filesLock) {
                if (syncedEnd == from) { // (a file that appeared meanwhile reset it)
                    syncedEnd = end;
                }
            }
            syncedSeq = upTo;
            lastSyncMillis = System.currentTimeMillis();
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Syncs everything appended so far, whole files.
     *
     * @throws IOException when the operating system reports that the data may not be on disk
     */
    void sync() throws IOException {
        syncLock.lock();
        try {
            long upTo = appendedSeq;
            long end = appendedEnd;
            List<Target> targets;
            boolean dir;
            synchronized (filesLock) {
                targets = new ArrayList<>(files);
                dir = directoryDirty;
            }
            for (Target t : targets) {
                t.channel().force(false);
                tell(t.file(), -1, -1);
            }
            if (dir) {
                Path meta = aofDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
                if (Files.exists(meta)) {
                    LogFiles.syncFile(meta);
                }
                LogFiles.syncDirectory(aofDir);
            }
            if (journal != null) {
                // every range it holds was written before this sync began: the files have them now
                journal.restart();
                journaled = false;
            }
            synchronized (filesLock) {
                if (dir) {
                    directoryDirty = false;
                }
                // Files the appender has left are complete once synced: stop tracking them. Not
                // when records were appended while this sync ran: the appender may have left a
                // file during it, after writing records to it that the sync began too early to
                // cover (the next sync syncs it again and stops tracking it then).
                while (files.size() > 1 && targets.contains(files.get(0)) && appendedSeq == upTo) {
                    closeQuietly(files.remove(0).channel());
                }
                // the newest file's header is synced now, if the newest file was among the targets
                boolean newestSynced = !files.isEmpty() && targets.contains(files.get(files.size() - 1));
                syncedEnd = newestSynced ? end : -1;
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

    /**
     * The background syncer's sync under {@code always} with a commit journal: the cycle file
     * synced whole without holding up commits. Under the lock, later frames are sent to the
     * journal's other slot; the file is then synced outside the lock (commits go on, into the
     * other slot); under the lock again, the first slot, whose ranges the file now holds, is
     * released. When files are changing (a roll: more than one file tracked, or a directory to
     * sync), it syncs as {@link #sync} does, under the lock.
     *
     * @throws IOException when the operating system reports that the data may not be on disk
     */
    void syncBehindJournal() throws IOException {
        Target only;
        int slot;
        syncLock.lock();
        try {
            synchronized (filesLock) {
                only = files.size() == 1 && !directoryDirty ? files.get(0) : null;
            }
            slot = journal == null ? -2 : journal.switchSlots();
            if (slot == -1) {
                return; // no frame since the last sync
            }
            if (only == null || slot == -2) {
                sync();
                return;
            }
            journaled = false;
        } finally {
            syncLock.unlock();
        }
        try {
            only.channel().force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
            // a sync under the lock (a roll) synced the file and stopped tracking it meanwhile
        }
        tell(only.file(), -1, -1);
        syncLock.lock();
        try {
            journal.release(slot);
            lastSyncMillis = System.currentTimeMillis();
        } finally {
            syncLock.unlock();
        }
    }

    /** Stops tracking every file (their records are being dropped): waits for a running sync. */
    void forgetFiles() throws IOException {
        syncLock.lock();
        try {
            if (journal != null) {
                journal.restart(); // its ranges belong to the files being dropped
                journaled = false;
            }
            closeFiles();
        } finally {
            syncLock.unlock();
        }
    }

    @Override
    public void close() {
        closeFiles();
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException ignored) {
                // nothing was pending: a close after the last sync loses nothing
            }
        }
    }

    private void closeFiles() {
        window.close();
        synchronized (filesLock) {
            for (Target t : files) {
                closeQuietly(t.channel());
            }
            files.clear();
        }
    }
}
