package io.vellum.replication;

import io.vellum.aof.LogFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Which log a store's records belong to, for replication: the log id (Redis's replid, 40 hex
 * digits) and, after a promotion, the id the store followed before and the serial at which it
 * stopped following it (Redis's replid2 and second_repl_offset).
 *
 * <p>Positions in replication are record <em>serials</em> (1, 2, 3... with no gap: see
 * {@code aof.proto}), which a replica's own log reproduces exactly because it appends every
 * record it applies. A store that has applied serial {@code n} of log {@code id} can continue
 * from any store whose identity {@link #canContinue continues} {@code (id, n)}: the same log up
 * to at least {@code n}, or a log promoted from it at or after {@code n}. Anything else has
 * diverged and is never merged.
 *
 * <p>Kept in {@code <dir>/replication-id}, two lines:
 * <pre>
 * logid 5f1c...e2 (40 hex digits)
 * previous 9ab0...17 1200      (optional: the log followed before promotion, and its last serial)
 * </pre>
 * Written atomically (temp file, sync, rename, directory sync). Immutable.
 */
public record LogIdentity(String id, String previousId, long previousEnd) {
    public static final String FILE = "replication-id";
    /** Redis's "no previous replid" (INFO master_replid2). */
    public static final String NONE = "0000000000000000000000000000000000000000";

    /** A new log, never followed anything. */
    public static LogIdentity fresh() {
        return new LogIdentity(newId(), NONE, -1);
    }

    static String newId() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Promotion: a new log id that continues the serials of this one after {@code lastSerial}. */
    public LogIdentity promote(long lastSerial) {
        return new LogIdentity(newId(), id, lastSerial);
    }

    /**
     * Whether a store that applied serial {@code serial} of log {@code askedId} holds a prefix of
     * this log whose last serial is {@code lastSerial}. Serial 0 is the empty store, a prefix of
     * every log.
     */
    public boolean canContinue(String askedId, long serial, long lastSerial) {
        if (serial == 0) {
            return true;
        }
        if (askedId.equals(id)) {
            return serial <= lastSerial;
        }
        return askedId.equals(previousId) && serial <= previousEnd;
    }

    /** The identity kept in {@code storeDir}, or null when there is none yet. */
    public static LogIdentity load(Path storeDir) throws IOException {
        Path f = storeDir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        String id = null;
        String prev = NONE;
        long prevEnd = -1;
        for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 2 && w[0].equals("logid")) {
                id = w[1];
            } else if (w.length >= 3 && w[0].equals("previous")) {
                prev = w[1];
                prevEnd = Long.parseLong(w[2]);
            }
        }
        if (id == null || id.length() != 40) {
            throw new IOException(f + " is damaged (no log id): remove it to give this store's log a new id");
        }
        return new LogIdentity(id, prev, prevEnd);
    }

    /** The identity of {@code storeDir}, made (and saved) when there is none. */
    public static LogIdentity loadOrCreate(Path storeDir) throws IOException {
        LogIdentity i = load(storeDir);
        if (i == null) {
            i = fresh();
            i.save(storeDir);
        }
        return i;
    }

    /** Writes the identity atomically into {@code storeDir}. */
    public void save(Path storeDir) throws IOException {
        Path tmp = storeDir.resolve(FILE + ".tmp");
        String text = "logid " + id + "\n" + (previousEnd >= 0 ? "previous " + previousId + " " + previousEnd + "\n" : "");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        LogFiles.syncFile(tmp);
        Files.move(tmp, storeDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogFiles.syncDirectory(storeDir);
    }
}
