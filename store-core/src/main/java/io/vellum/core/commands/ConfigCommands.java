package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.config.ConfigException;
import io.vellum.core.config.ConfigParam;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.GlobMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CONFIG GET|SET|RESETSTAT|HELP over {@link StoreConfig} (Redis's config.c). Only the
 * directives Vellum implements exist; CONFIG SET of several directives is all or nothing.
 */
public final class ConfigCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("config|get", ConfigCommands::get)
                .bind("config|set", ConfigCommands::set)
                .bind("config|resetstat", ConfigCommands::resetStat)
                .bind("config|help", ConfigCommands::help);
    }

    /* CONFIG GET parameter [parameter ...] */
    static void get(CommandContext ctx) {
        StoreConfig config = ctx.config();
        // Keyed case-insensitively, first spelling kept, as Redis's reply dictionary.
        Map<String, ConfigParam<?>> matches = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<String> order = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            String pattern = ctx.argString(i);
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
                // An exact name answers under the name as given.
                ConfigParam<?> p = config.find(pattern);
                if (p != null && !matches.containsKey(pattern)) {
                    matches.put(pattern, p);
                    order.add(pattern);
                }
                continue;
            }
            for (Map.Entry<String, ConfigParam<?>> e : config.names().entrySet()) {
                if (!matches.containsKey(e.getKey()) && GlobMatcher.matches(pattern, e.getKey(), true)) {
                    matches.put(e.getKey(), e.getValue());
                    order.add(e.getKey());
                }
            }
        }
        ReplySink r = ctx.reply();
        r.map(order.size());
        for (String name : order) {
            r.bulk(name);
            r.bulk(matches.get(name).getText());
        }
    }

    /* CONFIG SET parameter value [parameter value ...] */
    /** Redis's SENSITIVE_CONFIG directives: their values are redacted from the slow log. */
    private static final java.util.Set<String> SENSITIVE = java.util.Set.of("requirepass", "masterauth", "masteruser");

    static void set(CommandContext ctx) {
        if ((ctx.argc() & 1) != 0) {
            throw io.vellum.core.command.Errors.E_SYNTAX;
        }
        StoreConfig config = ctx.config();
        // configSetCommand redacts every password given, before it finds any error
        for (int i = 2; i < ctx.argc(); i += 2) {
            ConfigParam<?> p = config.find(ctx.argString(i));
            if (p != null && SENSITIVE.contains(p.name())) {
                ctx.redact(i + 1);
            }
        }
        List<ConfigParam<?>> params = new ArrayList<>();
        List<String> values = new ArrayList<>();
        // Find every directive first; the first unknown one is the error (configSetCommand).
        for (int i = 2; i < ctx.argc(); i += 2) {
            ConfigParam<?> p = config.find(ctx.argString(i));
            if (p == null) {
                throw new CommandError("ERR Unknown option or number of arguments for CONFIG SET - '" + ctx.argString(i) + "'");
            }
            if (!p.mutable()) {
                throw failed(ctx.argString(i), "can't set immutable config");
            }
            if (params.contains(p)) {
                throw failed(ctx.argString(i), "duplicate parameter");
            }
            params.add(p);
            values.add(ctx.argString(i + 1));
        }
        List<Change<?>> changes = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            // a refused value names the directive as it was looked up (an alias stays an alias)
            String name = ctx.argString(2 + 2 * i).toLowerCase(java.util.Locale.ROOT);
            changes.add(prepare(params.get(i), name, values.get(i)));
        }
        for (int i = 0; i < changes.size(); i++) {
            try {
                changes.get(i).apply();
            } catch (RuntimeException e) {
                for (int j = i; j >= 0; j--) {
                    changes.get(j).restore();
                }
                throw failed(ctx.argString(2 + 2 * i).toLowerCase(java.util.Locale.ROOT), e.getMessage());
            }
        }
        ctx.reply().ok();
    }

    /** A parsed new value and the value it replaces. */
    private record Change<T>(ConfigParam<T> param, T value, T old) {
        void apply() {
            param.set(value);
        }

        void restore() {
            param.set(old);
        }
    }

    private static <T> Change<T> prepare(ConfigParam<T> p, String name, String text) {
        try {
            return new Change<>(p, p.parseText(text), p.get());
        } catch (ConfigException e) {
            throw failed(name, e.getMessage());
        }
    }

    private static CommandError failed(String name, String why) {
        return new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
    }

    /* CONFIG RESETSTAT */
    static void resetStat(CommandContext ctx) {
        ctx.engine().resetStats();
        ctx.reply().ok();
    }

    /* CONFIG HELP (REWRITE is not listed: Vellum's configuration file is the operator's) */
    static void help(CommandContext ctx) {
        Help.reply(ctx,
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.");
    }
}
