package io.vellum.aof;

import java.nio.file.Path;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps disk space allocated ahead of the end of the current cycle file (posix fallocate).
 *
 * <p>Why: Chronicle writes records into a memory-mapped, sparse file. On a full disk the first
 * write to an unallocated page is a SIGBUS, which the JVM turns into an InternalError in the
 * middle of a record (and reads of such pages fault too). With the space reserved in advance,
 * a full disk shows up as a failed fallocate before anything is written: the log refuses
 * writes while a reserved margin still holds the records of units already running.
 *
 * <p>Engine thread only. Without native access (a non-Linux system) it reserves nothing and
 * says so once.
 */
final class SpaceReservation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceReservation.class);
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final long PAGE = 4096;

    private final long chunk;
    private final PosixAPI posix;
    private Path file;
    private int fd = -1;
    private long reservedUpTo;

    SpaceReservation(long chunk) {
        this.chunk = chunk;
        PosixAPI p;
        try {
            p = PosixAPI.posix();
            p.getpid();
        } catch (Throwable e) {
            LOG.warn("No native fallocate ({}): a full disk will be detected only when a write fails", e.toString());
            p = null;
        }
        this.posix = p;
    }

    /** The appender writes to {@code file} now. Returns an error text, or null. */
    String switchTo(Path file) {
        if (file == null || file.equals(this.file)) {
            return null;
        }
        closeFd();
        this.file = file;
        this.reservedUpTo = 0;
        if (posix == null) {
            return null;
        }
        int f = posix.open(file.toString(), O_RDWR, 0);
        if (f < 0) {
            return "cannot open " + file + " to reserve space: " + posix.strerror(posix.lastError());
        }
        fd = f;
        return null;
    }

    /** Bytes still reserved after {@code end} in the current file. */
    long headroom(long end) {
        return posix == null ? Long.MAX_VALUE : reservedUpTo - end;
    }

    /**
     * Makes sure {@code [0, upTo)} of the current file is allocated, reserving a whole chunk
     * when it extends the reservation. Returns null, or the error text (ENOSPC...).
     */
    String ensure(long upTo) {
        if (posix == null || fd < 0 || upTo <= reservedUpTo) {
            return null;
        }
        long target = Math.max(upTo, reservedUpTo + chunk);
        target = (target + PAGE - 1) / PAGE * PAGE;
        int rc = posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, reservedUpTo, target - reservedUpTo);
        if (rc != 0) {
            return posix.strerror(posix.lastError()) + " (reserving " + (target - reservedUpTo) + " bytes in " + file + ")";
        }
        reservedUpTo = target;
        return null;
    }

    /** The chunk size: the reservation is extended when less than half of it is left. */
    long chunk() {
        return chunk;
    }

    private void closeFd() {
        if (fd >= 0) {
            posix.close(fd);
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeFd();
        file = null;
    }
}
