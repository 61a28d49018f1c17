package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.Value;
import io.vellum.core.util.GlobMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generic key commands (Redis's db.c): DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX,
 * COPY, MOVE, SWAPDB, KEYS, SCAN, RANDOMKEY. This group also binds the expiry commands
 * ({@link ExpireCommands}), OBJECT ({@link ObjectCommand}) and DUMP/RESTORE
 * ({@link DumpCommands}).
 *
 * <p>Reads never delete a logically expired key (DESIGN.md, rule 4): they treat it as absent
 * and the active expiry unit reclaims it. Writes delete it first ({@link Database#lookupWrite}),
 * as Redis does.
 */
public final class KeyCommands implements CommandGroup {
    private static final String SAME_OBJECT = "ERR source and destination objects are the same";
    /** getIntFromObjectOrReply's text for an integer outside int range (Redis's wording). */
    private static final String NOT_INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("del", KeyCommands::del)
                .bind("unlink", KeyCommands::del)
                .bind("exists", KeyCommands::exists)
                .bind("type", KeyCommands::type)
                .bind("touch", KeyCommands::touch)
                .bind("rename", KeyCommands::rename)
                .bind("renamenx", KeyCommands::renamenx)
                .bind("copy", KeyCommands::copy)
                .bind("move", KeyCommands::move)
                .bind("swapdb", KeyCommands::swapdb)
                .bind("keys", KeyCommands::keys)
                .bind("scan", KeyCommands::scan)
                .bind("randomkey", KeyCommands::randomkey)
                .bind("expire", ExpireCommands::expire)
                .bind("pexpire", ExpireCommands::pexpire)
                .bind("expireat", ExpireCommands::expireat)
                .bind("pexpireat", ExpireCommands::pexpireat)
                .bind("ttl", ExpireCommands::ttl)
                .bind("pttl", ExpireCommands::pttl)
                .bind("expiretime", ExpireCommands::expiretime)
                .bind("pexpiretime", ExpireCommands::pexpiretime)
                .bind("persist", ExpireCommands::persist)
                .bind("object|encoding", ObjectCommand::encoding)
                .bind("object|refcount", ObjectCommand::refcount)
                .bind("object|idletime", ObjectCommand::idletime)
                .bind("object|freq", ObjectCommand::freq)
                .bind("object|help", ObjectCommand::help)
                .bind("dump", DumpCommands::dump)
                .bind("restore", DumpCommands::restore);
    }

    /* DEL key [key ...]  and  UNLINK key [key ...] (Vellum frees memory the same way for both) */
    static void del(CommandContext ctx) {
        Database db = ctx.db();
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.delete(ctx.arg(i))) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    /* EXISTS key [key ...] */
    static void exists(CommandContext ctx) {
        Database db = ctx.db();
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.lookupReadNoTouch(ctx.arg(i)) != null) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    /* TYPE key */
    static void type(CommandContext ctx) {
        Value v = ctx.db().lookupReadNoTouch(ctx.arg(1));
        ctx.reply().simple(v == null ? "none" : v.type().typeName());
    }

    /* TOUCH key [key ...] — updates access times even for a CLIENT NO-TOUCH client, as 7.2 does */
    static void touch(CommandContext ctx) {
        Database db = ctx.db();
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            Value v = db.lookupReadNoTouch(ctx.arg(i));
            if (v != null) {
                v.touch(ctx.nowMillis());
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    /* RENAME key newkey */
    static void rename(CommandContext ctx) {
        renameGeneric(ctx, false);
    }

    /* RENAMENX key newkey */
    static void renamenx(CommandContext ctx) {
        renameGeneric(ctx, true);
    }

    private static void renameGeneric(CommandContext ctx, boolean nx) {
        Database db = ctx.db();
        byte[] src = ctx.arg(1);
        byte[] dst = ctx.arg(2);
        Value v = db.lookupWrite(src);
        if (v == null) {
            throw Errors.E_NO_SUCH_KEY;
        }
        if (Arrays.equals(src, dst)) {
            // the same key: nothing changes, but a missing key was still an error
            if (nx) {
                ctx.reply().integer(0);
            } else {
                ctx.reply().ok();
            }
            return;
        }
        long expireAt = db.expireAt(src);
        if (db.lookupWrite(dst) != null) {
            if (nx) {
                ctx.reply().integer(0);
                return;
            }
            db.delete(dst);
        }
        // As Redis: the destination is a new key (last in iteration order) holding the same
        // value object and the source's TTL; then the source goes.
        db.add(dst, v);
        if (expireAt >= 0) {
            db.setExpireAt(dst, expireAt);
        }
        db.delete(src);
        if (nx) {
            ctx.reply().integer(1);
        } else {
            ctx.reply().ok();
        }
    }

    /* COPY source destination [DB destination-db] [REPLACE] */
    static void copy(CommandContext ctx) {
        Database src = ctx.db();
        Database dst = src;
        boolean replace = false;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "replace")) {
                replace = true;
            } else if (ctx.argIs(j, "db") && j + 1 < ctx.argc()) {
                dst = ctx.keyspace().db(dbIndex(ctx, j + 1));
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        byte[] key = ctx.arg(1);
        byte[] newKey = ctx.arg(2);
        if (src == dst && Arrays.equals(key, newKey)) {
            throw new CommandError(SAME_OBJECT);
        }
        Value v = src.lookupRead(key);
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        long expireAt = src.expireAt(key);
        boolean exists = dst.lookupWrite(newKey) != null;
        if (exists && !replace) {
            ctx.reply().integer(0);
            return;
        }
        if (exists) {
            dst.delete(newKey);
        }
        dst.add(newKey, v.copy());
        if (expireAt >= 0) {
            dst.setExpireAt(newKey, expireAt);
        }
        ctx.reply().integer(1);
    }

    /* MOVE key db */
    static void move(CommandContext ctx) {
        Database src = ctx.db();
        Database dst = ctx.keyspace().db(dbIndex(ctx, 2));
        if (src == dst) {
            throw new CommandError(SAME_OBJECT);
        }
        byte[] key = ctx.arg(1);
        Value v = src.lookupWrite(key);
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        long expireAt = src.expireAt(key);
        if (dst.lookupWrite(key) != null) {
            ctx.reply().integer(0);
            return;
        }
        dst.add(key, v);
        if (expireAt >= 0) {
            dst.setExpireAt(key, expireAt);
        }
        src.delete(key);
        ctx.reply().integer(1);
    }

    /* SWAPDB index1 index2 */
    static void swapdb(CommandContext ctx) {
        long a = ctx.longArg(1, "ERR invalid first DB index");
        long b = ctx.longArg(2, "ERR invalid second DB index");
        // getIntFromObjectOrReply: a value outside int range is the same "invalid" error
        if (a != (int) a) {
            throw new CommandError("ERR invalid first DB index");
        }
        if (b != (int) b) {
            throw new CommandError("ERR invalid second DB index");
        }
        int n = ctx.keyspace().count();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        ctx.keyspace().swap((int) a, (int) b);
        // No key is signalled (the observer heard beforeDatabaseReplaced), so make sure the
        // unit is logged and counted, as Redis's server.dirty++ does even for a db with itself.
        ctx.addDirty(1);
        ctx.forceLog();
        ctx.reply().ok();
    }

    /**
     * Argument {@code i} as a database index, as Redis's getIntFromObjectOrReply (with no
     * message of its own) then selectDb check it.
     */
    private static int dbIndex(CommandContext ctx, int i) {
        long id = ctx.longArg(i);
        if (id != (int) id) {
            throw new CommandError(NOT_INT_RANGE);
        }
        if (id < 0 || id >= ctx.keyspace().count()) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        return (int) id;
    }

    /* KEYS pattern — in iteration (insertion) order; logically expired keys are left out */
    static void keys(CommandContext ctx) {
        Database db = ctx.db();
        byte[] pattern = ctx.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        List<byte[]> out = new ArrayList<>();
        var dict = db.dict();
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            byte[] k = dict.keyAt(e);
            if ((all || GlobMatcher.matches(pattern, k, false)) && !db.isExpired(k)) {
                out.add(k);
            }
        }
        ReplySink r = ctx.reply();
        r.array(out.size());
        for (byte[] k : out) {
            r.bulk(k);
        }
    }

    /*
     * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
     *
     * The cursor is a sequence number of the keyspace dictionary (see OrderedDict.scan): a key
     * present for the whole iteration is returned exactly once. Like Redis, a step looks at
     * COUNT keys and then filters them by pattern, type and expiry, so it may return fewer.
     */
    static void scan(CommandContext ctx) {
        ScanArgs args = ScanArgs.parse(ctx, 1, true);
        Database db = ctx.db();
        List<byte[]> seen = new ArrayList<>();
        long next = 0;
        // Redis's cursor is unsigned: one beyond every sequence number ends the iteration.
        if (args.cursor >= 0) {
            next = db.dict().scan(args.cursor, args.count, (k, v) -> seen.add(k));
        }
        List<byte[]> out = new ArrayList<>(seen.size());
        for (byte[] k : seen) {
            if (!args.matches(k)) {
                continue;
            }
            Value v = db.lookupReadNoTouch(k);
            if (v == null || args.unknownType || (args.type != null && v.type() != args.type)) {
                continue;
            }
            out.add(k);
        }
        ReplySink r = ctx.reply();
        r.array(2);
        r.bulk(ScanArgs.formatCursor(next));
        r.array(out.size());
        for (byte[] k : out) {
            r.bulk(k);
        }
    }

    /* RANDOMKEY */
    static void randomkey(CommandContext ctx) {
        byte[] k = ctx.db().randomKey(ctx.random());
        if (k == null) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().bulk(k);
        }
    }
}
