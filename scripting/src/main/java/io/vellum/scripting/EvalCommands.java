package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.commands.Help;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis's eval.c). SCRIPT DEBUG and the
 * debugging sessions are in the {@code ldb} package.
 */
final class EvalCommands {
    private static final byte[] EVAL = "EVAL".getBytes(StandardCharsets.US_ASCII);

    private final LuaScripting scripting;

    private EvalCommands(LuaScripting scripting) {
        this.scripting = scripting;
    }

    static void register(CommandTable.Binder b, LuaScripting scripting) {
        EvalCommands c = new EvalCommands(scripting);
        b.bind("eval", ctx -> c.eval(ctx, false, false))
                .bind("evalsha", ctx -> c.eval(ctx, true, false))
                .bind("eval_ro", ctx -> c.eval(ctx, false, true))
                .bind("evalsha_ro", ctx -> c.eval(ctx, true, true))
                .bind("script|load", c::load)
                .bind("script|exists", c::exists)
                .bind("script|flush", c::flush)
                .bind("script|debug", ctx -> scripting.debug().command(ctx))
                .bind("script|kill", ctx -> ctx.reply().error("NOTBUSY No scripts in execution right now."))
                .bind("script|help", EvalCommands::help);
    }

    /** Parses numkeys as evalGenericCommand does. */
    static int numkeys(CommandContext ctx, String notInteger) {
        long n = notInteger == null ? ctx.longArg(2) : ctx.longArg(2, notInteger);
        if (n > ctx.argc() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        if (n < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        return (int) n;
    }

    /* EVAL script numkeys [key ...] [arg ...], EVALSHA sha1 numkeys ..., and their _RO forms */
    /**
     * evalCommand and fcallCommandGeneric feed MONITOR themselves, before running, so that the
     * script's commands appear after it (the command table flags them skip_monitor).
     */
    static void feedMonitors(CommandContext ctx) {
        if (!ctx.isReplay() && !ctx.engine().monitors().isEmpty()) {
            ctx.engine().monitors().feed(ctx.session(), ctx.db().id(), ctx.argv(), ctx.inScript());
        }
    }

    private void eval(CommandContext ctx, boolean bySha, boolean ro) {
        feedMonitors(ctx);
        int numkeys = numkeys(ctx, null);
        switch (scripting.debug().intercept(ctx, bySha, scripting)) {
            case TAKEN -> {
            }
            case SYNC -> {
                try {
                    run(ctx, bySha, ro, numkeys);
                } finally {
                    scripting.debug().endSync(ctx, scripting);
                }
            }
            case NONE -> run(ctx, bySha, ro, numkeys);
        }
    }

    private void run(CommandContext ctx, boolean bySha, boolean ro, int numkeys) {
        ScriptCache.Script s;
        if (bySha) {
            byte[] sha = ctx.arg(1);
            s = sha.length == 40 ? scripting.cache().get(sha) : null;
            if (s == null) {
                throw new CommandError("NOSCRIPT No matching script. Please use EVAL.");
            }
        } else {
            s = scripting.scriptFor(ctx.arg(1));
        }
        String refused = scripting.prepare(ctx, s.flags(), ro);
        if (refused != null) {
            throw new CommandError(refused);
        }
        boolean readOnly = ro || (s.flags() & ScriptFlags.COMPAT) == 0 && (s.flags() & ScriptFlags.NO_WRITES) != 0;
        ScriptRun run = new ScriptRun(ctx, s.sha(), false, readOnly);
        long dirty = ctx.engine().dirty();
        scripting.run(run, s.function(), ctx.argv(), 3, numkeys, true);
        if (ctx.engine().dirty() != dirty && !ctx.isReplay()) {
            if (bySha && !scripting.cache().isLogged(s.sha())) {
                // The log never saw this body: log the call as EVAL so replay can compile it.
                byte[][] argv = ctx.argv().clone();
                argv[0] = EVAL;
                argv[1] = s.body();
                ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(argv));
            }
            scripting.cache().markLogged(s.sha());
        }
    }

    /* SCRIPT LOAD script */
    private void load(CommandContext ctx) {
        ScriptCache.Script s = scripting.scriptFor(ctx.arg(2));
        ctx.forceLog();
        scripting.cache().markLogged(s.sha());
        ctx.reply().bulk(s.sha());
    }

    /* SCRIPT EXISTS sha1 [sha1 ...] */
    private void exists(CommandContext ctx) {
        ReplySink r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            r.integer(scripting.cache().contains(ctx.argString(i).toLowerCase(Locale.ROOT)) ? 1 : 0);
        }
    }

    /* SCRIPT FLUSH [ASYNC|SYNC] */
    private void flush(CommandContext ctx) {
        if (ctx.argc() == 3 && !ctx.argIs(2, "sync") && !ctx.argIs(2, "async") || ctx.argc() > 3) {
            throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        scripting.cache().clear();
        ctx.forceLog();
        ctx.reply().ok();
    }

    /* SCRIPT HELP */
    private static void help(CommandContext ctx) {
        Help.reply(ctx,
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.");
    }
}
