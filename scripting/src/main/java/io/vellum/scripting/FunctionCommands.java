package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.commands.Help;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import java.util.List;

/** FCALL, FCALL_RO and FUNCTION (Redis's functions.c). */
final class FunctionCommands {
    private final LuaScripting scripting;

    private FunctionCommands(LuaScripting scripting) {
        this.scripting = scripting;
    }

    static void register(CommandTable.Binder b, LuaScripting scripting) {
        FunctionCommands c = new FunctionCommands(scripting);
        b.bind("fcall", ctx -> c.fcall(ctx, false))
                .bind("fcall_ro", ctx -> c.fcall(ctx, true))
                .bind("function|load", c::load)
                .bind("function|delete", c::delete)
                .bind("function|list", c::list)
                .bind("function|flush", c::flush)
                .bind("function|dump", c::dump)
                .bind("function|restore", c::restore)
                .bind("function|stats", c::stats)
                .bind("function|kill", ctx -> ctx.reply().error("NOTBUSY No scripts in execution right now."))
                .bind("function|help", FunctionCommands::help);
    }

    private FunctionLibraries libs() {
        return scripting.functions();
    }

    /* FCALL function numkeys [key ...] [arg ...], FCALL_RO ... */
    private void fcall(CommandContext ctx, boolean ro) {
        EvalCommands.feedMonitors(ctx);
        FunctionLibraries.Function f = libs().function(ctx.argString(1));
        if (f == null) {
            throw new CommandError("ERR Function not found");
        }
        int numkeys = EvalCommands.numkeys(ctx, "ERR Bad number of keys provided");
        String refused = scripting.prepare(ctx, f.flags(), ro);
        if (refused != null) {
            throw new CommandError(refused);
        }
        boolean readOnly = ro || (f.flags() & ScriptFlags.NO_WRITES) != 0;
        ScriptRun run = new ScriptRun(ctx, f.name(), true, readOnly);
        scripting.run(run, f.callback(), ctx.argv(), 3, numkeys, false);
    }

    /* FUNCTION LOAD [REPLACE] function-code */
    private void load(CommandContext ctx) {
        boolean replace = false;
        int i = 2;
        for (; i < ctx.argc() - 1; i++) {
            if (ctx.argIs(i, "replace")) {
                replace = true;
            } else {
                throw new CommandError("ERR Unknown option given: " + ctx.argString(i));
            }
        }
        if (i != ctx.argc() - 1) {
            throw new CommandError("ERR Function code is missing");
        }
        String name = libs().load(ctx.arg(i), replace);
        ctx.forceLog();
        ctx.reply().bulk(name);
    }

    /* FUNCTION DELETE library-name */
    private void delete(CommandContext ctx) {
        FunctionLibraries.Library l = libs().libraries().get(ctx.argString(2));
        if (l == null) {
            throw new CommandError("ERR Library not found");
        }
        libs().unlink(l);
        ctx.forceLog();
        ctx.reply().ok();
    }

    /* FUNCTION FLUSH [ASYNC|SYNC] */
    private void flush(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Help.subcommandSyntaxError(ctx);
        }
        if (ctx.argc() == 3 && !ctx.argIs(2, "sync") && !ctx.argIs(2, "async")) {
            throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        libs().clear();
        ctx.forceLog();
        ctx.reply().ok();
    }

    /* FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE] */
    private void list(CommandContext ctx) {
        boolean withCode = false;
        String pattern = null;
        for (int i = 2; i < ctx.argc(); i++) {
            if (ctx.argIs(i, "withcode") && !withCode) {
                withCode = true;
                continue;
            }
            if (ctx.argIs(i, "libraryname") && pattern == null) {
                if (i >= ctx.argc() - 1) {
                    throw new CommandError("ERR library name argument was not given");
                }
                pattern = ctx.argString(++i);
                continue;
            }
            throw new CommandError("ERR Unknown argument " + ctx.argString(i));
        }
        List<FunctionLibraries.Library> libs = libs().list(pattern);
        ReplySink r = ctx.reply();
        r.array(libs.size());
        for (FunctionLibraries.Library l : libs) {
            r.map(withCode ? 4 : 3);
            r.bulk("library_name");
            r.bulk(l.name);
            r.bulk("engine");
            r.bulk("LUA");
            r.bulk("functions");
            r.array(l.functions.size());
            for (FunctionLibraries.Function f : l.functions.values()) {
                r.map(3);
                r.bulk("name");
                r.bulk(f.name());
                r.bulk("description");
                if (f.description() == null) {
                    r.nullBulk();
                } else {
                    r.bulk(f.description());
                }
                r.bulk("flags");
                int n = Integer.bitCount(f.flags());
                r.set(n);
                for (int k = 0; k < ScriptFlags.NAMES.size(); k++) {
                    if ((f.flags() & ScriptFlags.bitAt(k)) != 0) {
                        r.simple(ScriptFlags.NAMES.get(k));
                    }
                }
            }
            if (withCode) {
                r.bulk("library_code");
                r.bulk(l.code);
            }
        }
    }

    /* FUNCTION DUMP */
    private void dump(CommandContext ctx) {
        ctx.reply().bulk(FunctionDump.encode(libs().libraries().values()));
    }

    /* FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE] */
    private void restore(CommandContext ctx) {
        String policy = "append";
        if (ctx.argc() > 4) {
            throw Help.subcommandSyntaxError(ctx);
        }
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "flush") || ctx.argIs(3, "append") || ctx.argIs(3, "replace")) {
                policy = ctx.argString(3).toLowerCase(java.util.Locale.ROOT);
            } else {
                throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        List<byte[]> codes = FunctionDump.decode(ctx.arg(2));
        if (codes == null) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        FunctionRestore.apply(libs(), codes, policy);
        ctx.forceLog();
        ctx.reply().ok();
    }

    /* FUNCTION STATS (no script runs while the engine thread runs a command) */
    private void stats(CommandContext ctx) {
        writeStats(ctx.reply(), libs(), null);
    }

    /**
     * FUNCTION STATS's reply (functionStatsCommand): the function running, if any, and the
     * engine's counts. A network thread writes it while a function is busy.
     */
    static void writeStats(ReplySink r, FunctionLibraries libs, ScriptRun running) {
        r.map(2);
        r.bulk("running_script");
        if (running == null) {
            r.nullBulk();
        } else {
            r.map(3);
            r.bulk("name");
            r.bulk(running.funcName);
            r.bulk("command");
            byte[][] argv = running.ctx.argv();
            r.array(argv.length);
            for (byte[] a : argv) {
                r.bulk(a);
            }
            r.bulk("duration_ms");
            r.integer((System.nanoTime() - running.startNanos) / 1_000_000);
        }
        r.bulk("engines");
        r.map(1);
        r.bulk("LUA");
        r.map(2);
        r.bulk("libraries_count");
        r.integer(libs.libraries().size());
        r.bulk("functions_count");
        r.integer(libs.functionCount());
    }

    /* FUNCTION HELP */
    private static void help(CommandContext ctx) {
        Help.reply(ctx,
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }
}
