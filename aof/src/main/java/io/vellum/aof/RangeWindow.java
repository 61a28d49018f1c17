package io.vellum.aof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Syncs a byte range of a file: {@code msync(MS_SYNC)} of the range through a mapping of the
 * file (Java has no {@code sync_file_range} that is durable, nor an {@code fdatasync} of a range;
 * on Linux, msync of a shared mapping writes back that range of the file's page cache, whichever
 * mapping dirtied it, and flushes the device cache as {@code fdatasync} does). The mapping is a
 * window of {@value #WINDOW} bytes, moved when a range leaves it, so a sync is one system call.
 * One user at a time (FileSyncer's sync lock).
 */
final class RangeWindow {
    static final long WINDOW = 64L << 20;
    private static final long PAGE = 4096;
    private FileChannel channel;
    private MappedByteBuffer map;
    private long start;

    /** Syncs bytes {@code [from, to)} of the file {@code ch} has open for reading and writing. */
    void force(FileChannel ch, long from, long to) throws IOException {
        if (to <= from) {
            return;
        }
        long first = from & -PAGE;
        if (ch != channel || map == null || first < start || to > start + map.capacity()) {
            long size = Math.min(WINDOW, ch.size() - first);
            if (to > first + size) {
                ch.force(false); // a range longer than a window (or beyond the file): the whole file
                return;
            }
            close();
            map = ch.map(FileChannel.MapMode.READ_WRITE, first, size);
            channel = ch;
            start = first;
        }
        try {
            map.force((int) (first - start), (int) (to - first));
        } catch (UncheckedIOException e) {
            throw e.getCause(); // msync failed: the data may not be on disk
        }
    }

    /** Unmaps the window now: a mapping would keep a file that retention deleted on disk until a GC. */
    void close() {
        if (map != null) {
            net.openhft.chronicle.core.io.IOTools.clean(map);
        }
        map = null;
        channel = null;
    }
}
