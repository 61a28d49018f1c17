package io.vellum.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The constants and names of the snapshot format described at the top of {@code snapshot.proto}.
 *
 * <p>Format version history (what is on disk is frozen, STYLE.md 5):
 * <ul>
 *   <li>1 — header, key records with StoredValue values, scripts section, fixed-size trailer.
 *       Later within version 1: the header's {@code base_serial} (field 8), which readers of
 *       every build may ignore (an older snapshot reads as 0, unknown), so the version stays.</li>
 * </ul>
 */
public final class SnapshotFormat {
    /** The file's first 8 bytes. */
    static final byte[] MAGIC = "VLMSNAP1".getBytes(StandardCharsets.US_ASCII);
    /** The format this build writes; it reads this and every earlier one. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The Trailer's size with its length prefix: 1 (prefix) + 9 (records: tag, fixed64) +
     * 5 (crc32c: tag, fixed32). Fixed, so a reader finds it from the file's end.
     */
    static final int TRAILER_SIZE = 15;
    /** The snapshots' directory inside a store directory. */
    public static final String DIR = "snapshots";
    static final String PREFIX = "snapshot-";
    static final String SUFFIX = ".vsnap";
    static final String TMP_SUFFIX = ".vsnap.tmp";
    /** Added to the name of a snapshot that must never be loaded again (ProtoSnapshotStore#retireOlderThan). */
    public static final String RETIRED_SUFFIX = ".retired";
    static final String WRITER = "Vellum 0.1.0";

    private SnapshotFormat() {
    }

    public static Path directory(Path storeDir) {
        return storeDir.resolve(DIR);
    }

    /** The file name of a snapshot numbered {@code number} ({@link #nameNumber}). */
    public static String fileName(long number) {
        return String.format("%s%020d%s", PREFIX, Math.max(0, number), SUFFIX);
    }

    /**
     * The number that names a new snapshot covering {@code position}, given the highest number
     * {@code newest} of the snapshots already in the directory (-2 when there are none). With a
     * log it is the position, so `ls` shows what each file covers. Without one ({@code
     * appendonly no}: position -1) it is a save sequence number, one more than the newest name:
     * every snapshot gets its own file, the newest sorts last, and recovery still falls back to
     * the one before. A position below the newest name (snapshots taken without a log, then a
     * log whose positions are smaller) gets the sequence number too, so order still means age.
     * Recovery and retention take the covered position from the header, never from the name.
     */
    static long nameNumber(long position, long newest) {
        if (position >= 0 && position >= newest) {
            return position;
        }
        return Math.max(1, newest + 1);
    }

    /** The number in a snapshot file's name, or -2 when the name is not a snapshot's. */
    public static long positionOfName(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name.length() != PREFIX.length() + 20 + SUFFIX.length()) {
            return -2;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), PREFIX.length() + 20));
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** The finished snapshot files of {@code dir}, newest (highest position) first. */
    public static List<Path> snapshots(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> positionOfName(p.getFileName().toString()) >= 0).forEach(out::add);
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        return out;
    }

    /** Snapshots retired because the log lost a record they would need (deleted by the next retention). */
    static List<Path> retiredFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(SUFFIX + RETIRED_SUFFIX)).sorted().forEach(out::add);
        }
        return out;
    }

    /** Snapshots being written when the process stopped (deleted on open). */
    static List<Path> tempFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(TMP_SUFFIX)).sorted().forEach(out::add);
        }
        return out;
    }
}
