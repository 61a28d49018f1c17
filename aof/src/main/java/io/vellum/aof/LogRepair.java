package io.vellum.aof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Truncates the log at a position, keeping what it removes: the repair behind recovery's torn
 * tail handling and {@code vellum check-aof --fix}.
 *
 * <p>Chronicle has no truncation, so the file holding the cut is rebuilt: its records before the
 * cut are copied, with their positions, into a new file. Then, in one idempotent step, that
 * file and every later one move to a backup directory ({@code <dir>/aof-removed-<time>-<pos>})
 * as they were, and the rebuilt file takes the original's place. Durable in the usual way
 * (STYLE.md 6): the rebuilt file is written and synced in {@code <dir>/aof.repair/}, then a
 * manifest is written there (temp file, sync, rename, sync); from then on the repair is
 * committed, and a crash in the middle of the moves is finished by recovery's first pass.
 * Without a manifest, {@code aof.repair} is a half-built copy and is deleted.
 *
 * <p>The caller holds the store's {@link DirectoryLock} and has no queue open on the log.
 */
public final class LogRepair {
    public static final String REPAIR_DIR = "aof.repair";
    static final String MANIFEST = "REPAIR";
    static final String BACKUP_PREFIX = "aof-removed-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private LogRepair() {
    }

    /**
     * What a repair did.
     *
     * @param position   the position the log was cut at (that record and all later ones removed)
     * @param backupDir  where the removed files are kept
     * @param movedFiles the cycle files moved there
     * @param rebuilt    the file rebuilt with the records before the cut, or null
     */
    public record Result(long position, Path backupDir, List<String> movedFiles, String rebuilt) {
        public String describe() {
            return "log cut at position " + LogFiles.describe(position) + "; removed files " + movedFiles
                    + (rebuilt == null ? "" : " (" + rebuilt + " rewritten with the records before the cut)")
                    + " kept in " + backupDir;
        }
    }

    /** Truncates the log of {@code storeDir} at {@code position}: that record and every later one go. */
    public static Result truncate(Path storeDir, long position, String reason) throws IOException {
        return finish(storeDir, prepare(storeDir, position, reason));
    }

    /**
     * The first half of a truncation: builds the rebuilt file and commits the repair with its
     * manifest, changing nothing in the log yet (tests stop here to play a crash).
     */
    static Map<String, String> prepare(Path storeDir, long position, String reason) throws IOException {
        Path aofDir = LogFiles.aofDir(storeDir);
        Path repairDir = storeDir.resolve(REPAIR_DIR);
        if (Files.exists(repairDir.resolve(MANIFEST))) {
            finishInterrupted(storeDir);
        }
        deleteRecursively(repairDir);
        Files.createDirectories(repairDir);
        int cycle = LogFiles.cycleOf(position);
        String rebuilt = null;
        if (LogFiles.sequenceOf(position) > 0 && Files.exists(aofDir.resolve(LogFiles.cycleFileName(cycle)))) {
            rebuilt = LogFiles.cycleFileName(cycle);
            copyBefore(aofDir, repairDir, position);
            Files.deleteIfExists(repairDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
            LogFiles.syncFile(repairDir.resolve(rebuilt));
        }
        String backup = BACKUP_PREFIX + LocalDateTime.now().format(STAMP) + "-" + position;
        for (int i = 2; Files.exists(storeDir.resolve(backup)); i++) {
            backup = BACKUP_PREFIX + LocalDateTime.now().format(STAMP) + "-" + position + "-" + i;
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("position", Long.toString(position));
        m.put("backup", backup);
        m.put("rebuilt", rebuilt == null ? "" : rebuilt);
        m.put("reason", reason.replace('\n', ' '));
        writeAtomically(repairDir.resolve(MANIFEST), format(m));
        LogFiles.syncDirectory(repairDir);
        LogFiles.syncDirectory(storeDir);
        return m;
    }

    /**
     * Recovery's first pass: completes a repair whose manifest was written, or drops a
     * half-built one. Returns what a completed repair did, or null.
     */
    public static Result finishInterrupted(Path storeDir) throws IOException {
        Path repairDir = storeDir.resolve(REPAIR_DIR);
        if (!Files.isDirectory(repairDir)) {
            return null;
        }
        Path manifest = repairDir.resolve(MANIFEST);
        if (!Files.exists(manifest)) {
            deleteRecursively(repairDir);
            LogFiles.syncDirectory(storeDir);
            return null;
        }
        return finish(storeDir, parse(Files.readString(manifest, StandardCharsets.UTF_8)));
    }

    /** The committed part: idempotent, so a crash anywhere in it is finished by running it again. */
    private static Result finish(Path storeDir, Map<String, String> m) throws IOException {
        Path aofDir = LogFiles.aofDir(storeDir);
        Path repairDir = storeDir.resolve(REPAIR_DIR);
        long position = Long.parseLong(m.get("position"));
        Path backupDir = storeDir.resolve(m.get("backup"));
        String rebuilt = m.get("rebuilt").isEmpty() ? null : m.get("rebuilt");
        String first = LogFiles.cycleFileName(LogFiles.cycleOf(position));
        Files.createDirectories(backupDir);
        List<String> moved = new ArrayList<>();
        for (Path f : LogFiles.cycleFiles(aofDir)) {
            String name = f.getFileName().toString();
            // Names sort as cycles do. A name already in the backup means the original moved
            // before a crash: what is in the log now is the rebuilt file.
            if (name.compareTo(first) >= 0 && !Files.exists(backupDir.resolve(name))) {
                Files.move(f, backupDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        try (var s = Files.list(backupDir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(LogFiles.CYCLE_SUFFIX)).sorted().forEach(moved::add);
        }
        if (rebuilt != null && Files.exists(repairDir.resolve(rebuilt))) {
            Files.move(repairDir.resolve(rebuilt), aofDir.resolve(rebuilt), StandardCopyOption.ATOMIC_MOVE);
        }
        Path readme = backupDir.resolve("README.txt");
        if (!Files.exists(readme)) {
            writeAtomically(readme, readme(position, m.get("reason"), moved, rebuilt));
        }
        // Chronicle's metadata lists the highest file; read-only readers trust it, so list again.
        try (SingleChronicleQueue q = LogFiles.openForWrite(aofDir, SystemTimeProvider.INSTANCE)) {
            q.refreshDirectoryListing();
        }
        BackgroundResourceReleaser.releasePendingResources();
        LogFiles.syncFile(aofDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
        LogFiles.syncDirectory(backupDir);
        LogFiles.syncDirectory(aofDir);
        Files.deleteIfExists(repairDir.resolve(MANIFEST));
        deleteRecursively(repairDir);
        LogFiles.syncDirectory(storeDir);
        return new Result(position, backupDir, moved, rebuilt);
    }

    /** Copies the records of {@code position}'s file that come before it, with their positions. */
    private static void copyBefore(Path aofDir, Path repairDir, long position) throws IOException {
        int cycle = LogFiles.cycleOf(position);
        try (SingleChronicleQueue source = LogFiles.openReadOnly(aofDir);
             LogScanner scanner = new LogScanner(source);
             SingleChronicleQueue target = LogFiles.openForWrite(repairDir, SystemTimeProvider.INSTANCE);
             ExcerptAppender appender = target.createAppender()) {
            Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(4096);
            if (!scanner.seekCycle(cycle)) {
                throw new IOException("cannot find the records of " + LogFiles.cycleFileName(cycle) + " to keep");
            }
            long expected = LogFiles.position(cycle, 0);
            scanner.forgetSerial();
            while (expected < position) {
                try {
                    if (!scanner.next()) {
                        break;
                    }
                } catch (LogDamageException e) {
                    throw new IOException("cannot keep the records before position " + position
                            + ": an earlier one is damaged too (" + e.getMessage() + "); cut the log there", e);
                }
                if (scanner.position() >= position) {
                    break;
                }
                if (scanner.position() != expected) {
                    throw new IOException("records of " + LogFiles.cycleFileName(cycle) + " are missing before position "
                            + scanner.position() + " (expected " + expected + ")");
                }
                bytes.clear();
                bytes.write(scanner.raw(), 0, scanner.rawLength());
                ((InternalAppender) appender).writeBytes(scanner.position(), bytes);
                expected++;
            }
            bytes.releaseLast();
        }
        BackgroundResourceReleaser.releasePendingResources();
    }

    private static String readme(long position, String reason, List<String> moved, String rebuilt) {
        return "This directory keeps the part of a Vellum log that a repair removed, on "
                + LocalDateTime.now() + ".\n\n"
                + "The log was cut at position " + LogFiles.describe(position) + ".\n"
                + "Reason: " + reason + "\n\n"
                + "Files here, exactly as they were in the log: " + String.join(", ", moved) + "\n"
                + (rebuilt == null ? "" : "The log's " + rebuilt + " was rewritten with the records before the cut;"
                        + " the original is here.\n")
                + "\nTo read them: vellum log dump " + "<this directory>\n"
                + "Delete this directory once you no longer need it.\n";
    }

    // ------------------------------------------------------------------ files

    private static String format(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static Map<String, String> parse(String text) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        for (String k : List.of("position", "backup", "rebuilt", "reason")) {
            if (!m.containsKey(k)) {
                throw new IOException("the repair manifest " + REPAIR_DIR + "/" + MANIFEST + " lacks '" + k
                        + "': move " + REPAIR_DIR + " aside and run vellum check-aof again");
            }
        }
        return m;
    }

    /** Temp file, sync, rename, sync the directory (STYLE.md 6). */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        LogFiles.syncFile(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogFiles.syncDirectory(file.getParent());
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
