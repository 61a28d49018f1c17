package io.vellum.snapshot;

import com.google.protobuf.TextFormat;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.util.Text;
import io.vellum.snapshot.proto.DbInfo;
import io.vellum.snapshot.proto.Header;
import io.vellum.snapshot.proto.Scripts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's view of a snapshot file: {@code vellum check-snapshot <file>} (verify, print
 * counts) and {@code vellum snapshot dump <file>} (every key readable). Read-only.
 */
public final class SnapshotTool {
    private SnapshotTool() {
    }

    /** Verifies {@code file}; exit status 0 intact, 1 damaged, 2 could not read. */
    public static int check(Path file, PrintStream out) {
        Map<String, Long> byType = new TreeMap<>();
        Map<Integer, Long> byDb = new TreeMap<>();
        long[] expires = new long[1];
        Scripts[] scripts = new Scripts[1];
        try {
            SnapshotReader.Summary s = SnapshotReader.read(file, new SnapshotReader.Visitor() {
                @Override
                public void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, StoredValue value) {
                    byType.merge(value.getValueCase().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
                    byDb.merge(db, 1L, Long::sum);
                    if (hasExpire) {
                        expires[0]++;
                    }
                }

                @Override
                public void scripts(Scripts sc) {
                    scripts[0] = sc;
                }
            });
            Header h = s.header();
            out.println("Snapshot " + file + ": intact");
            printHeader(h, out);
            out.printf("key records: %d (%d with a TTL), %d bytes, CRC-32C %08x%n", s.records(), expires[0], s.bytes(), s.crc());
            byDb.forEach((db, n) -> out.printf("  db%d: %d keys%n", db, n));
            byType.forEach((t, n) -> out.printf("  %s: %d%n", t, n));
            out.printf("scripts: %d, function libraries: %d%n", scripts[0].getScriptCount(), scripts[0].getLibraryCount());
            return 0;
        } catch (SnapshotDamagedException e) {
            out.println(e.getMessage());
            out.println("This snapshot cannot be loaded; on open the store falls back to the one before it"
                    + " and replays the log from that one's position.");
            return 1;
        } catch (IOException e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }

    /** Prints every key of {@code file} (verifying it as it goes); exit status as {@link #check}. */
    public static int dump(Path file, PrintStream out) {
        try {
            if (!Files.isRegularFile(file)) {
                out.println("Cannot read " + file + ": not a file");
                return 2;
            }
            SnapshotReader.read(file, new SnapshotReader.Visitor() {
                @Override
                public void header(Header h) {
                    printHeader(h, out);
                }

                @Override
                public void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, StoredValue value) {
                    StringBuilder sb = new StringBuilder();
                    sb.append("db").append(db).append(' ').append(Text.quoteIfNeeded(key, 200)).append(" seq=").append(seq);
                    if (hasExpire) {
                        sb.append(" expires=").append(Instant.ofEpochMilli(expireAt));
                    }
                    sb.append(' ').append(TextFormat.printer().escapingNonAscii(true).shortDebugString(value));
                    out.println(sb);
                }

                @Override
                public void scripts(Scripts s) {
                    s.getScriptList().forEach(b -> out.println("script " + Text.quoteIfNeeded(b.toByteArray(), 500)));
                    s.getLibraryList().forEach(b -> out.println("library " + Text.quoteIfNeeded(b.toByteArray(), 500)));
                }
            });
            return 0;
        } catch (SnapshotDamagedException e) {
            out.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }

    private static void printHeader(Header h, PrintStream out) {
        out.printf("format version %d, written by %s at %s, covering the log up to position %d%s%n", h.getFormatVersion(),
                h.getWriter(), Instant.ofEpochMilli(h.getTimeMs()), h.getLogPosition(),
                h.getBaseSerial() > 0 ? " (record " + h.getBaseSerial() + ")" : "");
        out.printf("%d keys in %d databases%n", h.getKeys(), h.getDatabases());
        for (DbInfo d : h.getDbList()) {
            out.printf("  db%d: keys=%d expires=%d next_seq=%d%n", d.getDb(), d.getKeys(), d.getExpires(), d.getNextSeq());
        }
    }
}
