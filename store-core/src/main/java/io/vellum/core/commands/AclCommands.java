package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.Longs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * ACL for Vellum's one user (Redis's acl.c, as a Redis without ACL rules answers): "default",
 * on, all keys, channels and commands, with requirepass as its password (nopass without one).
 * WHOAMI, USERS, LIST, GETUSER, CAT, GENPASS, DRYRUN and HELP answer as Redis does for that
 * user. SETUSER, DELUSER, LOAD, SAVE and LOG are not built: they answer Redis's
 * unknown-subcommand error, and ACL HELP lists only what is here (KnownDifferences
 * ACL_DEFAULT_USER).
 */
final class AclCommands implements CommandGroup {
    private static final String USER = "default";
    /** ACLCommandCategories, in Redis's order (ACL CAT). */
    private static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("acl|whoami", ctx -> ctx.reply().bulk(USER))
                .bind("acl|users", ctx -> {
                    ctx.reply().array(1);
                    ctx.reply().bulk(USER);
                })
                .bind("acl|list", AclCommands::list)
                .bind("acl|getuser", AclCommands::getuser)
                .bind("acl|cat", AclCommands::cat)
                .bind("acl|genpass", AclCommands::genpass)
                .bind("acl|dryrun", AclCommands::dryrun)
                .bind("acl|help", AclCommands::help);
    }

    /** The password as ACL shows it: "#" and its SHA-256 in hex; null without one. */
    private static String passwordHash(CommandContext ctx) {
        String pass = ctx.config().requirepass.get();
        if (pass.isEmpty()) {
            return null;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(pass.getBytes(StandardCharsets.ISO_8859_1));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /* ACL LIST */
    private static void list(CommandContext ctx) {
        String hash = passwordHash(ctx);
        ctx.reply().array(1);
        ctx.reply().bulk("user " + USER + " on " + (hash == null ? "nopass" : "#" + hash) + " ~* &* +@all");
    }

    /* ACL GETUSER username */
    private static void getuser(CommandContext ctx) {
        ReplySink r = ctx.reply();
        if (!ctx.argString(2).equals(USER)) {
            r.nullBulk();
            return;
        }
        String hash = passwordHash(ctx);
        r.map(6);
        r.bulk("flags");
        r.set(hash == null ? 2 : 1);
        r.bulk("on");
        if (hash == null) {
            r.bulk("nopass");
        }
        r.bulk("passwords");
        r.array(hash == null ? 0 : 1);
        if (hash != null) {
            r.bulk(hash);
        }
        r.bulk("commands");
        r.bulk("+@all");
        r.bulk("keys");
        r.bulk("~*");
        r.bulk("channels");
        r.bulk("&*");
        r.bulk("selectors");
        r.array(0);
    }

    /* ACL CAT [category]: the categories, or the commands (and subcommands) in one */
    private static void cat(CommandContext ctx) {
        ReplySink r = ctx.reply();
        if (ctx.argc() == 2) {
            r.array(CATEGORIES.size());
            for (String c : CATEGORIES) {
                r.bulk(c);
            }
            return;
        }
        if (ctx.argc() > 3) {
            throw Help.subcommandSyntaxError(ctx);
        }
        String cat = ctx.argString(2).toLowerCase(Locale.ROOT);
        if (!CATEGORIES.contains(cat)) {
            throw new CommandError("ERR Unknown category '" + ctx.argString(2) + "'");
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec s : ctx.engine().table().allBoundWithContainers()) {
            if (s.def().getAclCategoriesList().contains("@" + cat)) {
                names.add(s.fullName());
            }
        }
        r.array(names.size());
        for (String n : names) {
            r.bulk(n);
        }
    }

    /* ACL GENPASS [bits] */
    private static void genpass(CommandContext ctx) {
        long bits = 256;
        if (ctx.argc() == 3) {
            byte[] a = ctx.arg(2);
            if (!Longs.isLong(a)) {
                throw new CommandError("ERR value is not an integer or out of range");
            }
            bits = Longs.parseValid(a);
            if (bits <= 0 || bits > 4096) {
                throw new CommandError("ERR ACL GENPASS argument must be the number of bits for the output password, "
                        + "a positive number up to 4096");
            }
        } else if (ctx.argc() > 3) {
            throw Help.subcommandSyntaxError(ctx);
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(random);
        ctx.reply().bulk(HexFormat.of().formatHex(random).substring(0, chars));
    }

    /* ACL DRYRUN username command [arg ...] */
    private static void dryrun(CommandContext ctx) {
        if (!ctx.argString(2).equals(USER)) {
            throw new CommandError("ERR User '" + ctx.argString(2) + "' not found");
        }
        byte[][] argv = java.util.Arrays.copyOfRange(ctx.argv(), 3, ctx.argc());
        CommandSpec spec = ctx.engine().resolve(argv);
        if (spec == null || !spec.isBound()) {
            throw new CommandError("ERR Command '" + ctx.argString(3) + "' not found");
        }
        if (!spec.arityAccepts(argv.length)) {
            throw new CommandError("ERR wrong number of arguments for '" + spec.fullName() + "' command");
        }
        ctx.reply().ok(); // the one user may run every command
    }

    /* ACL HELP */
    private static void help(CommandContext ctx) {
        Help.reply(ctx,
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }
}
