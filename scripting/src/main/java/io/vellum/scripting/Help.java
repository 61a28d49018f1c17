package io.vellum.scripting;

import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import java.util.Locale;

/** Redis's addReplyHelp: a heading, the given lines, and the HELP entry, as status replies. */
final class Help {
    private Help() {
    }

    static void reply(CommandContext ctx, String... lines) {
        ReplySink r = ctx.reply();
        r.array(lines.length + 3);
        r.simple(ctx.argString(0).toUpperCase(Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            r.simple(l);
        }
        r.simple("HELP");
        r.simple("    Prints this help.");
    }
}
