package io.vellum.aof;

import io.vellum.core.spi.UnitRecord;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * {@code vellum log dump <dir> [--from N] [--to N]}: the log's records as readable commands,
 * one per line, with position, time, database and kind:
 *
 * <pre>
 * 7949307494409420800 2023-11-14T22:13:20.000001Z db=0 SET k v
 * 7949307494409420801 2023-11-14T22:13:20.500000Z db=0 MULTI; INCR a; INCR b; EXEC
 * </pre>
 *
 * Read-only: it may run while a server uses the store.
 */
public final class LogDump {
    private LogDump() {
    }

    /** Prints the records with {@code from <= position <= to}; returns the exit status. */
    public static int run(Path dir, long from, long to, PrintStream out) {
        Path aofDir = CheckAof.logDir(dir);
        if (!Files.isDirectory(aofDir)) {
            out.println("No log in " + dir);
            return 2;
        }
        try (SingleChronicleQueue queue = LogFiles.openReadOnly(aofDir); LogScanner s = new LogScanner(queue)) {
            s.seekAfter(from <= 0 ? -1 : from - 1);
            while (s.next()) {
                if (s.position() < from) {
                    continue;
                }
                if (s.position() > to) {
                    break;
                }
                out.println(line(s.position(), s.record()));
            }
        } catch (LogDamageException e) {
            out.println("!! " + e.getMessage() + " (vellum check-aof " + dir + " tells more)");
            return 1;
        } catch (RuntimeException e) {
            out.println("Cannot read the log " + aofDir + ": " + e);
            return 2;
        }
        out.flush();
        return 0;
    }

    static String line(long position, UnitRecord r) {
        long us = r.timeMicros();
        Instant t = Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
        if (r.kind() == UnitRecord.Kind.LOST) {
            return position + " " + t + " (lost: a crash tore this record; its effects are only in the snapshot covering it)";
        }
        String kind = r.kind() == UnitRecord.Kind.EXPIRY ? " (expiry)" : "";
        return position + " " + t + " db=" + r.db() + kind + " " + r.describe();
    }
}
