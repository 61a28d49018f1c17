package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power loss under {@code appendfsync always}: what the disk holds afterwards is, page by page,
 * either what the last sync covering the page wrote or anything newer the kernel wrote back on
 * its own (any subset of the dirty pages). The test keeps the synced image of every log file
 * ({@link FileSyncer#listener}), builds such a disk in a new directory at random moments, opens
 * it, and checks that every acknowledged write is there and that the log goes on without a gap.
 * The commit makes durable only the records' bytes, in the commit journal (or, without one, by an
 * msync of their range in the cycle file), so the cycle files' pages, the header page
 * (Chronicle's write position) and the index pages are often older on that disk than the
 * journal: this proves that recovery's write-back of the journal ({@link CommitJournal#redo})
 * restores every acknowledged record, and that the stale header and index cost nothing.
 */
class PowerLossTest {
    static final int PAGE = 4096;

    @TempDir
    Path root;

    final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L * 1_000_000L);
    /** Per file, its pages as the last sync that covered each wrote them (absent: zeros). */
    final Map<Path, TreeMap<Long, byte[]>> synced = new HashMap<>();

    @AfterEach
    void unhook() {
        FileSyncer.listener = null;
    }

    @Test
    void everyAcknowledgedWriteSurvivesAPowerLossAndTheLogContinues() throws Exception {
        long seed = Long.getLong("vellum.test.seed", System.nanoTime());
        System.out.println("PowerLossTest seed " + seed + " (rerun: -Dvellum.test.seed=" + seed + ")");
        Random random = new Random(seed);
        FileSyncer.listener = this::record;
        Map<String, String> acked = new LinkedHashMap<>();
        Path dir = root.resolve("disk0");
        int losses = 6;
        for (int loss = 1; loss <= losses; loss++) {
            Path next = root.resolve("disk" + loss);
            try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS).time(time))) {
                assertState(s, acked, "seed " + seed + ", after power loss " + (loss - 1));
                // enough records to pass index entries (every 1024), in pipelines of one to
                // twenty (one sync each), sometimes into the next hour's file
                int records = 300 + random.nextInt(1500);
                int written = 0;
                while (written < records) {
                    int n = 1 + random.nextInt(20);
                    List<String[]> batch = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        String k = "k" + random.nextInt(3000);
                        String v = loss + ":" + written + ":" + i;
                        batch.add(new String[] {"SET", k, v});
                        acked.put(k, v);
                    }
                    for (var r : s.client.pipeline(batch)) {
                        assertEquals(OK, r);
                    }
                    written += n;
                    if (random.nextInt(400) == 0) {
                        time.advanceMillis(CycleFilesTest.HOUR);
                    }
                    if (random.nextInt(60) == 0) {
                        s.log.backgroundSync(); // the once-a-second whole sync: the commit journal starts over
                    }
                }
                // the power goes: what the disk holds is built now, while the store still runs
                buildDisk(dir, next, random.nextInt(3) == 0 ? 0.0 : random.nextDouble());
            }
            synced.clear();
            // the disk after the power loss is what the next store starts from: all of it durable
            try (Stream<Path> files = Files.walk(next)) {
                for (Path p : files.filter(PowerLossTest::imaged).toList()) {
                    record(p, -1, -1);
                }
            }
            dir = next;
        }
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS).time(time))) {
            assertState(s, acked, "seed " + seed + ", after the last power loss");
        }
        List<Long> ps = positionsAndSerials(dir);
        assertTrue(ps.size() > 0);
    }

    private static void assertState(LogStore s, Map<String, String> acked, String where) {
        assertEquals(TestStore.integer(acked.size()), s.client.call("DBSIZE"), where);
        for (Map.Entry<String, String> e : acked.entrySet()) {
            assertEquals(bulk(e.getValue()), s.client.call("GET", e.getKey()), where + ", key " + e.getKey());
        }
    }

    /** The sync listener: copies the pages a sync covered, as they are now, into the image. */
    private synchronized void record(Path file, long from, long to) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long first = from < 0 ? 0 : from / PAGE;
            long end = from < 0 ? (f.length() + PAGE - 1) / PAGE : (to + PAGE - 1) / PAGE;
            TreeMap<Long, byte[]> pages = synced.computeIfAbsent(file.toAbsolutePath(), p -> new TreeMap<>());
            byte[] page = new byte[PAGE];
            for (long p = first; p < end; p++) {
                Arrays.fill(page, (byte) 0);
                f.seek(p * PAGE);
                f.read(page, 0, (int) Math.min(PAGE, f.length() - p * PAGE));
                if (isZero(page)) {
                    pages.remove(p);
                } else {
                    pages.put(p, page.clone());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes into {@code to} the store as a disk could hold it after a power loss now: each log
     * page that changed since its last sync is the synced one, or with probability
     * {@code writtenBack} the current one (the kernel wrote it back by itself). Files other than
     * the log's cycle files (metadata, snapshots) are copied as they are.
     */
    private synchronized void buildDisk(Path from, Path to, double writtenBack) throws IOException {
        // synchronized with record(): the disk is the one of a single moment, never the cycle
        // files before a background sync and the journal after it started over
        Random random = new Random(Double.doubleToLongBits(writtenBack));
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.filter(Files::isRegularFile).toList();
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p));
            Files.createDirectories(target.getParent());
            if (!imaged(p)) {
                Files.copy(p, target);
                continue;
            }
            TreeMap<Long, byte[]> image = synced.getOrDefault(p.toAbsolutePath(), new TreeMap<>());
            try (RandomAccessFile in = new RandomAccessFile(p.toFile(), "r");
                    RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
                out.setLength(in.length());
                byte[] page = new byte[PAGE];
                for (long n = 0; n * PAGE < in.length(); n++) {
                    Arrays.fill(page, (byte) 0);
                    in.seek(n * PAGE);
                    in.read(page, 0, (int) Math.min(PAGE, in.length() - n * PAGE));
                    byte[] old = image.get(n);
                    byte[] chosen = random.nextDouble() < writtenBack ? page : old;
                    if (chosen != null && !isZero(chosen)) {
                        out.seek(n * PAGE);
                        out.write(chosen, 0, (int) Math.min(PAGE, in.length() - n * PAGE));
                    }
                }
            }
        }
    }

    /** The files whose pages a power loss may leave older than the page cache: the log's and the commit journal. */
    private static boolean imaged(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(SingleChronicleQueue.SUFFIX) || name.equals(CommitJournal.FILE);
    }

    private static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads the whole log, asserting its positions and serials follow each other. */
    private static List<Long> positionsAndSerials(Path dir) throws Exception {
        List<Long> out = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            long serial = -1;
            while (s.next()) {
                if (serial >= 0) {
                    assertEquals(serial + 1, s.serial(), "serials follow each other at " + s.position());
                }
                serial = s.serial();
                out.add(s.position());
            }
        }
        return out;
    }
}
