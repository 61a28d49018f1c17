package io.vellum.aof;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log's pages small: {@code madvise(MADV_RANDOM)} on each chunk Chronicle maps for
 * the appender. Without it, the kernel's readahead for the faults of a sequential writer
 * through the mapping grows the page-cache folios of the file up to 2 MB (Linux 6.18 on ext4:
 * smaps showed the cycle file FilePmdMapped), and dirty tracking is per folio: every
 * {@code always} commit then wrote back a whole 2 MB folio for a few hundred bytes of records
 * (measured: 82,733 bytes written per SET after 1.6M records, 252 on a fresh file; throughput
 * fell from about 33k to 11k SETs/s at -P 1). With random access advised, a fault maps a
 * single page and a commit writes back the pages its records touched. Engine thread.
 */
final class MappingAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(MappingAdvice.class);
    private final PosixAPI posix;
    private Object advised;

    MappingAdvice() {
        PosixAPI p;
        try {
            p = PosixAPI.posix();
            p.getpid();
        } catch (Throwable e) {
            LOG.warn("No native madvise ({}): the log's page-cache folios may grow, and each sync write more", e.toString());
            p = null;
        }
        this.posix = p;
    }

    /** Advises the chunk that {@code store} maps, once per chunk. */
    void adviseChunk(BytesStore<?, ?> store) {
        if (posix == null || store == null || store == advised || !store.isDirectMemory()) {
            return;
        }
        advised = store;
        try {
            long start = store.start();
            long address = store.addressForRead(start);
            long length = store.realCapacity() - start; // a MappedBytesStore ends at start + its mapping's size
            long aligned = address & -4096L;
            if (length > 0 && posix.madvise(aligned, length + (address - aligned), MAdviseFlag.MADV_RANDOM) != 0) {
                LOG.debug("madvise of the log's mapping failed: {}", posix.strerror(posix.lastError()));
            }
        } catch (RuntimeException e) {
            LOG.debug("madvise of the log's mapping failed", e);
        }
    }
}
