package io.vellum.core.spi;

import java.util.List;

/**
 * What the log keeps of one execution unit that changed the store (DESIGN.md, "The log"):
 * the unit as received, the database selected when it began, its time, its random seed,
 * the protocol of the client (replies, and so the digest, depend on it) and the digest of
 * its effects. The aof module encodes it as a protobuf record.
 *
 * <p>Immutable; the argument arrays must not be modified by anyone.
 */
public final class UnitRecord {
    /** What kind of unit a record holds. Values only grow (they are stored). */
    public enum Kind {
        /** One command: a plain command, a script or function call, SCRIPT LOAD, PUBLISH... */
        COMMAND,
        /** A MULTI/EXEC transaction: {@link #commands()} are the queued commands. */
        TRANSACTION,
        /** The primary's active expiry: one DEL of the keys it reclaimed. */
        EXPIRY,
        /**
         * A stand-in for a record a crash tore whose effects a snapshot holds (aof Recovery): no
         * commands, the torn record's serial. Only ever the record a snapshot covers last; never
         * applied (replay or a replica that reaches it needs that snapshot instead).
         */
        LOST
    }

    private final Kind kind;
    private final int db;
    private final int protocol;
    private final long timeMicros;
    private final long seed;
    private final List<byte[][]> commands;
    private final long effectDigest;
    private final long scriptState;

    /** {@link #scriptState()} of a unit that ran no script. */
    public static final long NO_SCRIPT_STATE = -1;

    public UnitRecord(Kind kind, int db, int protocol, long timeMicros, long seed, List<byte[][]> commands, long effectDigest) {
        this(kind, db, protocol, timeMicros, seed, commands, effectDigest, NO_SCRIPT_STATE);
    }

    public UnitRecord(Kind kind, int db, int protocol, long timeMicros, long seed, List<byte[][]> commands, long effectDigest,
            long scriptState) {
        this.scriptState = scriptState;
        this.kind = kind;
        this.db = db;
        this.protocol = protocol;
        this.timeMicros = timeMicros;
        this.seed = seed;
        this.commands = List.copyOf(commands);
        this.effectDigest = effectDigest;
    }

    public Kind kind() {
        return kind;
    }

    public int db() {
        return db;
    }

    public int protocol() {
        return protocol;
    }

    public long timeMicros() {
        return timeMicros;
    }

    public long seed() {
        return seed;
    }

    public List<byte[][]> commands() {
        return commands;
    }

    public long effectDigest() {
        return effectDigest;
    }

    /**
     * The scripting engine's generator state when the unit began (Lua's math.random state,
     * which Redis 7 carries across scripts), or {@link #NO_SCRIPT_STATE}: replay restores it
     * before re-running the unit's script.
     */
    public long scriptState() {
        return scriptState;
    }

    /** The unit as a readable line: "SET k v" or "MULTI; INCR a; INCR b; EXEC". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (kind == Kind.TRANSACTION) {
            sb.append("MULTI; ");
        }
        for (int c = 0; c < commands.size(); c++) {
            if (c > 0) {
                sb.append("; ");
            }
            byte[][] argv = commands.get(c);
            for (int i = 0; i < argv.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(io.vellum.core.util.Text.quoteIfNeeded(argv[i], 64));
            }
        }
        if (kind == Kind.TRANSACTION) {
            sb.append("; EXEC");
        }
        return sb.toString();
    }
}
