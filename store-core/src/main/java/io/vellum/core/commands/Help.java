package io.vellum.core.commands;

import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import java.util.Locale;

/** Redis's addReplyHelp: a heading, the given lines, and the HELP entry, as status replies. */
public final class Help {
    private Help() {
    }

    public static void reply(CommandContext ctx, String... lines) {
        ReplySink r = ctx.reply();
        String cmd = ctx.argString(0).toUpperCase(Locale.ROOT);
        r.array(lines.length + 3);
        r.simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            r.simple(l);
        }
        r.simple("HELP");
        r.simple("    Prints this help.");
    }

    /** Redis's addReplySubcommandSyntaxError, for argument counts a subcommand's arity allows but it refuses. */
    public static io.vellum.core.command.CommandError subcommandSyntaxError(CommandContext ctx) {
        String sub = io.vellum.core.command.Errors.truncate(ctx.argString(1), 128);
        return new io.vellum.core.command.CommandError("ERR unknown subcommand or wrong number of arguments for '" + sub
                + "'. Try " + ctx.argString(0).toUpperCase(Locale.ROOT) + " HELP.");
    }
}
