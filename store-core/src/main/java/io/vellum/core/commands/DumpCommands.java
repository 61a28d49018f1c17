package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;

/**
 * DUMP and RESTORE (Redis's cluster.c) over Vellum's own payload format, {@link DumpPayload}.
 * Bound by {@link KeyCommands}.
 */
final class DumpCommands {
    private DumpCommands() {
    }

    /** RESTORE ... IDLETIME beyond this (about 35,000 years) counts as this. */
    private static final long MAX_IDLE_SECONDS = 1L << 40;

    /* DUMP key */
    static void dump(CommandContext ctx) {
        Value v = ctx.db().lookupRead(ctx.arg(1));
        if (v == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().bulk(DumpPayload.encode(v));
    }

    /*
     * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
     *
     * Checks in Redis's order: options, BUSYKEY, ttl, payload version and checksum, payload
     * content; only then changes anything. FREQ is validated and ignored (no LFU policy),
     * IDLETIME sets the access time that OBJECT IDLETIME reports.
     */
    static void restore(CommandContext ctx) {
        boolean replace = false;
        boolean absTtl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < ctx.argc(); j++) {
            boolean more = j + 1 < ctx.argc();
            if (ctx.argIs(j, "replace")) {
                replace = true;
            } else if (ctx.argIs(j, "absttl")) {
                absTtl = true;
            } else if (ctx.argIs(j, "idletime") && more && freq == -1) {
                idle = ctx.longArg(j + 1);
                if (idle < 0) {
                    throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
                }
                j++;
            } else if (ctx.argIs(j, "freq") && more && idle == -1) {
                freq = ctx.longArg(j + 1);
                if (freq < 0 || freq > 255) {
                    throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        boolean exists = db.lookupWrite(key) != null;
        if (exists && !replace) {
            throw new CommandError("BUSYKEY Target key name already exists.");
        }
        long ttl = ctx.longArg(2);
        if (ttl < 0) {
            throw new CommandError("ERR Invalid TTL value, must be >= 0");
        }
        byte[] payload = ctx.arg(3);
        if (!DumpPayload.verify(payload)) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        Value v;
        try {
            v = DumpPayload.decode(payload);
        } catch (IllegalArgumentException e) {
            throw new CommandError("ERR Bad data format");
        }
        if (v instanceof StringValue s && s.isRaw()) {
            // Redis's loader re-encodes a string by its content: a short one that an in-place
            // change had made "raw" comes back "embstr" (or "int"). Redis's loader also picks
            // the small encodings of collections again (listpack, intset) when they fit; the
            // collection types need the same here when they plug into ValueCodec.
            v = StringValue.of(s.bytes());
        }

        if (exists) {
            db.delete(key);
        }
        long now = ctx.nowMillis();
        if (ttl != 0 && !absTtl) {
            ttl += now; // wraps on overflow as Redis's does, and then reads as already expired
        }
        if (ttl != 0 && ttl <= now) {
            // Already expired: the key is not created (an existing one was deleted above).
            ctx.reply().ok();
            return;
        }
        db.add(key, v);
        if (ttl != 0) {
            db.setExpireAt(key, ttl);
        }
        if (idle >= 0) {
            // add() stamped the access time; set it back by the idle time (capped, so the
            // arithmetic cannot overflow; Redis's 24-bit LRU clock wraps far sooner anyway)
            v.touch(now - Math.min(idle, MAX_IDLE_SECONDS) * 1000);
        }
        ctx.reply().ok();
    }
}
