package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.command.KeyExtractor;
import io.vellum.core.command.proto.KeySpec;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.GlobMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * COMMAND and its subcommands (Redis's server.c), rendered from the command table. Only the
 * commands this store binds are listed: they are the commands it has. Redis lists commands
 * in hash-table order; Vellum in table (alphabetical) order.
 */
public final class CommandCommand implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("command", CommandCommand::infoAll)
                .bind("command|count", CommandCommand::count)
                .bind("command|info", CommandCommand::info)
                .bind("command|docs", CommandCommand::docs)
                .bind("command|getkeys", ctx -> getKeys(ctx, false))
                .bind("command|getkeysandflags", ctx -> getKeys(ctx, true))
                .bind("command|list", CommandCommand::list)
                .bind("command|help", CommandCommand::help);
        GetKeysProcs.register(b);
    }

    /* COMMAND */
    static void infoAll(CommandContext ctx) {
        List<CommandSpec> all = ctx.engine().table().commands();
        ctx.reply().array(all.size());
        for (CommandSpec spec : all) {
            CommandDocs.info(ctx.reply(), spec);
        }
    }

    /* COMMAND COUNT */
    static void count(CommandContext ctx) {
        ctx.reply().integer(ctx.engine().table().commands().size());
    }

    /* COMMAND INFO [command-name [command-name ...]] */
    static void info(CommandContext ctx) {
        if (ctx.argc() == 2) {
            infoAll(ctx);
            return;
        }
        ReplySink r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            CommandSpec spec = ctx.engine().table().byFullName(ctx.argString(i));
            if (spec == null) {
                r.nullBulk(); // addReplyNull
            } else {
                CommandDocs.info(r, spec);
            }
        }
    }

    /* COMMAND DOCS [command-name [command-name ...]] */
    static void docs(CommandContext ctx) {
        ReplySink r = ctx.reply();
        List<CommandSpec> specs = new ArrayList<>();
        if (ctx.argc() == 2) {
            specs = ctx.engine().table().commands();
        } else {
            for (int i = 2; i < ctx.argc(); i++) {
                CommandSpec spec = ctx.engine().table().byFullName(ctx.argString(i));
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        r.map(specs.size());
        for (CommandSpec spec : specs) {
            r.bulk(spec.fullName());
            CommandDocs.docs(r, spec);
        }
    }

    /* COMMAND GETKEYS command [arg [arg ...]] and COMMAND GETKEYSANDFLAGS (getKeysSubcommandImpl) */
    static void getKeys(CommandContext ctx, boolean withFlags) {
        byte[][] argv = Arrays.copyOfRange(ctx.argv(), 2, ctx.argc());
        CommandSpec spec = ctx.engine().resolve(argv);
        ReplySink r = ctx.reply();
        if (spec == null) {
            r.error("ERR Invalid command specified");
            return;
        }
        if (!spec.hasKeys()) {
            r.error("ERR The command has no key arguments");
            return;
        }
        if (!spec.arityAccepts(argv.length)) {
            r.error("ERR Invalid number of arguments specified for command");
            return;
        }
        int[] keys = spec.keyPositions(argv);
        if (keys == null || keys.length == 0) {
            if (spec.has(io.vellum.core.command.CommandFlag.NO_MANDATORY_KEYS)) {
                r.array(0);
            } else {
                r.error("ERR Invalid arguments specified for command");
            }
            return;
        }
        r.array(keys.length);
        for (int pos : keys) {
            if (withFlags) {
                r.array(2);
                r.bulk(argv[pos]);
                CommandDocs.statusSet(r, keyFlags(spec, argv, pos));
            } else {
                r.bulk(argv[pos]);
            }
        }
    }

    /** The flags of the key at {@code pos}: the extractor's, else those of the spec it came from. */
    private static List<String> keyFlags(CommandSpec spec, byte[][] argv, int pos) {
        KeyExtractor x = spec.keyExtractor();
        if (x != null && !spec.specsAreReliable()) {
            List<String> f = x.keyFlags(argv, pos);
            if (f != null) {
                return f;
            }
        }
        List<int[]> matches = spec.keySpecMatches(argv, true);
        if (matches != null) {
            for (int[] m : matches) {
                if (m[0] == pos) {
                    KeySpec ks = spec.def().getKeySpec(m[1]);
                    return ks.getFlagsList();
                }
            }
        }
        if (x != null) {
            List<String> f = x.keyFlags(argv, pos);
            if (f != null) {
                return f;
            }
        }
        return List.of();
    }

    /* COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern] */
    static void list(CommandContext ctx) {
        String filter = null;
        String arg = null;
        for (int i = 2; i < ctx.argc(); i++) {
            int more = ctx.argc() - 1 - i;
            if (ctx.argIs(i, "filterby") && more == 2) {
                if (ctx.argIs(i + 1, "module") || ctx.argIs(i + 1, "aclcat") || ctx.argIs(i + 1, "pattern")) {
                    filter = ctx.argString(i + 1).toLowerCase(java.util.Locale.ROOT);
                } else {
                    throw Errors.E_SYNTAX;
                }
                arg = ctx.argString(i + 2);
                i += 2;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : ctx.engine().table().commands()) {
            addListed(names, spec, filter, arg);
            for (CommandSpec sub : spec.subcommands()) {
                addListed(names, sub, filter, arg);
            }
        }
        ctx.reply().array(names.size());
        for (String n : names) {
            ctx.reply().bulk(n);
        }
    }

    private static void addListed(List<String> out, CommandSpec spec, String filter, String arg) {
        boolean keep;
        if (filter == null) {
            keep = true;
        } else {
            keep = switch (filter) {
                case "module" -> false; // Vellum loads no modules
                case "aclcat" -> spec.def().getAclCategoriesList().contains("@" + arg.toLowerCase(java.util.Locale.ROOT));
                default -> GlobMatcher.matches(arg, spec.fullName(), true);
            };
        }
        if (keep) {
            out.add(spec.fullName());
        }
    }

    /* COMMAND HELP */
    static void help(CommandContext ctx) {
        Help.reply(ctx,
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command.");
    }
}
