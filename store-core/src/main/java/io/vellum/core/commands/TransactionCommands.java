package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Session;
import io.vellum.core.engine.WatchRegistry;
import io.vellum.core.spi.UnitRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH (Redis's multi.c). The engine queues commands while a
 * session is in MULTI; EXEC runs them in one unit, logged as one TRANSACTION record.
 */
public final class TransactionCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("multi", TransactionCommands::multi)
                .bind("exec", TransactionCommands::exec)
                .bind("discard", TransactionCommands::discard)
                .bind("watch", TransactionCommands::watch)
                .bind("unwatch", TransactionCommands::unwatch);
    }

    /* MULTI */
    static void multi(CommandContext ctx) {
        String error = beginMulti(ctx.session());
        if (error != null) {
            ctx.reply().error(error);
        } else {
            ctx.reply().ok();
        }
    }

    /**
     * MULTI's work on {@code s}: null, or the error text when it is in MULTI already. The
     * network layer calls it too, for a MULTI read while a script is busy (Redis runs MULTI then).
     */
    public static String beginMulti(Session s) {
        if (s.inMulti()) {
            return "ERR MULTI calls can not be nested";
        }
        s.beginMulti();
        return null;
    }

    /* DISCARD */
    static void discard(CommandContext ctx) {
        Session s = ctx.session();
        if (!s.inMulti()) {
            ctx.reply().error("ERR DISCARD without MULTI");
            return;
        }
        s.endMulti();
        ctx.engine().watches().unwatchAll(s);
        ctx.reply().ok();
    }

    /* EXEC */
    static void exec(CommandContext ctx) {
        Session s = ctx.session();
        if (!s.inMulti()) {
            ctx.reply().error("ERR EXEC without MULTI");
            return;
        }
        WatchRegistry watches = ctx.engine().watches();
        boolean dirtyCas = s.watchDirty() || watchedKeyExpired(ctx, watches.watchedBy(s));
        if (s.execAbort() || dirtyCas) {
            if (s.execAbort()) {
                ctx.reply().error(Errors.EXECABORT);
            } else {
                ctx.reply().nullArray();
            }
            s.endMulti();
            watches.unwatchAll(s);
            return;
        }
        List<byte[][]> queued = new ArrayList<>(s.queued());
        s.endMulti();
        watches.unwatchAll(s);
        ctx.reply().array(queued.size());
        int flags = CommandContext.IN_EXEC | (ctx.flags() & CommandContext.REPLAY);
        for (byte[][] argv : queued) {
            CommandSpec spec = ctx.engine().resolve(argv);
            ctx.engine().call(spec, s, argv, ctx.reply(), flags);
        }
        ctx.logAs(UnitRecord.Kind.TRANSACTION, queued);
    }

    private static boolean watchedKeyExpired(CommandContext ctx, List<WatchRegistry.WatchedKey> watched) {
        for (WatchRegistry.WatchedKey w : watched) {
            if (!w.expired() && ctx.keyspace().db(w.key().db()).isExpired(w.key().key())) {
                return true;
            }
        }
        return false;
    }

    /**
     * EXEC itself was refused (wrong arity...) inside MULTI: Redis's execCommandAbort discards
     * the transaction and wraps the reason. Returns the error text to reply.
     */
    public static String abortRejectedExec(io.vellum.core.engine.Engine engine, Session s, String reason) {
        s.endMulti();
        engine.watches().unwatchAll(s);
        return execAbortText(reason);
    }

    private static String execAbortText(String reason) {
        String why = reason.startsWith("ERR ") ? reason.substring(4) : reason;
        return "EXECABORT Transaction discarded because of: " + why;
    }

    /*
     * A network thread's EXEC and DISCARD, for a client in MULTI while a script is busy (Redis
     * runs DISCARD then, and refuses EXEC). The watch registry is the engine thread's, which is
     * in the script: the unwatch is queued for it, ahead of anything this client sends next.
     */

    /** {@link #abortRejectedExec} for EXEC refused with -BUSY: the error text to reply. */
    public static String abortExecWhileBusy(io.vellum.core.engine.Engine engine, Session s, String reason) {
        s.endMulti();
        unwatchOnEngine(engine, s);
        return execAbortText(reason);
    }

    /** DISCARD's work while a script is busy: null, or the error text. */
    public static String discardWhileBusy(io.vellum.core.engine.Engine engine, Session s) {
        if (!s.inMulti()) {
            return "ERR DISCARD without MULTI";
        }
        s.endMulti();
        unwatchOnEngine(engine, s);
        return null;
    }

    private static void unwatchOnEngine(io.vellum.core.engine.Engine engine, Session s) {
        engine.execute(() -> engine.watches().unwatchAll(s));
    }

    /* WATCH key [key ...] */
    static void watch(CommandContext ctx) {
        Session s = ctx.session();
        if (s.inMulti()) {
            ctx.reply().error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        if (s.watchDirty()) {
            // already doomed: no point in watching more (as Redis)
            ctx.reply().ok();
            return;
        }
        for (int i = 1; i < ctx.argc(); i++) {
            byte[] key = ctx.arg(i);
            ctx.engine().watches().watch(s, s.db(), key, ctx.db().isExpired(key));
        }
        ctx.reply().ok();
    }

    /* UNWATCH */
    static void unwatch(CommandContext ctx) {
        ctx.engine().watches().unwatchAll(ctx.session());
        ctx.reply().ok();
    }
}
