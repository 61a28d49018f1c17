package io.vellum.sim;

import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.spi.UnitRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/** File-level operations on a store directory: copies (what a kill -9 leaves), records, damage. */
final class StoreFiles {
    private StoreFiles() {
    }

    /** Where a record lies in its cycle file. */
    record Extent(long position, Path file, long header, long end) {
    }

    /**
     * Copies a store directory as it is now, open or not: for a store open in this process the
     * copy holds what its page cache holds, which is what a killed process leaves on disk.
     * Chronicle's files are sparse: holes are not written.
     */
    static void copy(Path from, Path to) {
        // GNU cp skips the holes (SEEK_HOLE) instead of reading 80 MB of zeroes per file.
        try {
            Process p = new ProcessBuilder("cp", "-a", "--sparse=always", from.toString(), to.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() == 0) {
                return;
            }
            StoreFiles.delete(to);
            System.err.println("cp failed (" + out.trim() + "): copying in Java");
        } catch (IOException e) {
            // no cp: copy in Java
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    sparseCopy(p, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sparseCopy(Path from, Path to) throws IOException {
        byte[] zero = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            while (true) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                if (Arrays.mismatch(buf.array(), 0, n, zero, 0, n) >= 0) {
                    buf.flip();
                    out.write(buf, pos);
                }
                pos += n;
            }
            if (out.size() < pos) {
                out.write(ByteBuffer.allocate(1), pos - 1);
            }
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of a (closed, or copied) store's log, in order, with where they lie. */
    static List<Extent> extents(Path storeDir) {
        List<Extent> out = new ArrayList<>();
        readLog(storeDir, (sc, aof) -> out.add(new Extent(sc.position(),
                aof.resolve(LogFiles.cycleFileName(LogFiles.cycleOf(sc.position()))), sc.headerOffset(), sc.endOffset())));
        return out;
    }

    /** The records of a (closed, or copied) store's log, in order. */
    static List<UnitRecord> records(Path storeDir) {
        List<UnitRecord> out = new ArrayList<>();
        readLog(storeDir, (sc, aof) -> out.add(sc.record()));
        return out;
    }

    /** The positions of a (closed, or copied) store's log records, in order. */
    static List<Long> positions(Path storeDir) {
        List<Long> out = new ArrayList<>();
        readLog(storeDir, (sc, aof) -> out.add(sc.position()));
        return out;
    }

    private interface Visitor {
        void visit(LogScanner sc, Path aof);
    }

    private static void readLog(Path storeDir, Visitor v) {
        Path aof = LogFiles.aofDir(storeDir);
        if (!Files.isDirectory(aof)) {
            return;
        }
        try (SingleChronicleQueue q = LogFiles.openReadOnly(aof); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            while (sc.next()) {
                v.visit(sc, aof);
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the log of " + storeDir + ": " + e, e);
        } finally {
            BackgroundResourceReleaser.releasePendingResources();
        }
    }

    /** Cuts the bytes of a record after {@code kept} of them: zeroes them, or truncates the file there. */
    static void tear(Extent e, double kept, boolean truncate) {
        long cut = e.header() + (long) Math.floor(kept * (e.end() - e.header()));
        cut = Math.min(cut, e.end() - 1);
        try (RandomAccessFile f = new RandomAccessFile(e.file().toFile(), "rw")) {
            if (truncate) {
                f.setLength(cut);
            } else {
                f.seek(cut);
                f.write(new byte[(int) (e.end() - cut)]);
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** The log's backup directories (a dropped torn tail, a repair): how recovery reports what it removed. */
    static List<Path> removedTails(Path storeDir) {
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("aof-removed-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest finished snapshot of a store, or null. */
    static Path newestSnapshot(Path storeDir) {
        try {
            List<Path> snaps = io.vellum.snapshot.SnapshotFormat.snapshots(io.vellum.snapshot.SnapshotFormat.directory(storeDir));
            return snaps.isEmpty() ? null : snaps.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the first {@code written} of {@code snapshot}'s bytes as the writer's temporary file in {@code storeDir}. */
    static void writeTempSnapshot(Path storeDir, Path snapshot, double written) {
        try {
            byte[] b = Files.readAllBytes(snapshot);
            Path dir = io.vellum.snapshot.SnapshotFormat.directory(storeDir);
            Files.createDirectories(dir);
            Path tmp = dir.resolve(snapshot.getFileName().toString() + ".tmp");
            Files.write(tmp, java.util.Arrays.copyOf(b, (int) (b.length * written)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The snapshot temporary files of a store (a snapshot a crash interrupted). */
    static List<Path> snapshotTempFiles(Path storeDir) {
        Path dir = io.vellum.snapshot.SnapshotFormat.directory(storeDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
