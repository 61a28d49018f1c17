package io.vellum.core.commands;

import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.proto.Arg;
import io.vellum.core.command.proto.CommandDef;
import io.vellum.core.command.proto.Docs;
import io.vellum.core.command.proto.History;
import io.vellum.core.command.proto.KeySpec;
import io.vellum.core.reply.ReplySink;
import java.util.List;

/**
 * Renders a command's metadata the way Redis's COMMAND INFO and COMMAND DOCS do
 * (addReplyCommandInfo, addReplyCommandDocs, addReplyCommandKeySpecs, addReplyCommandArgList):
 * flags, ACL categories and key-spec flags as sets of status strings, tips and history as
 * sets, key specs as a set of maps, arguments as an array of maps. Only bound subcommands are
 * listed: an unbound one is not a command of this store.
 *
 * <p>Stateless; called on the engine thread.
 */
final class CommandDocs {
    private CommandDocs() {
    }

    /** One COMMAND INFO entry: the 10-element array of addReplyCommandInfo. */
    static void info(ReplySink r, CommandSpec spec) {
        CommandDef d = spec.def();
        r.array(10);
        r.bulk(spec.fullName());
        r.integer(d.getArity());
        statusSet(r, d.getFlagsList().stream()
                .filter(f -> !io.vellum.core.command.CommandFlag.byRedisName(f).hidden()).toList());
        r.integer(d.getFirstKey());
        r.integer(d.getLastKey());
        r.integer(d.getKeyStep());
        statusSet(r, d.getAclCategoriesList());
        r.set(d.getTipsCount());
        for (String tip : d.getTipsList()) {
            r.bulk(tip);
        }
        keySpecs(r, d.getKeySpecList());
        List<CommandSpec> subs = spec.subcommands();
        if (!spec.hasSubcommands()) {
            r.set(0); // Redis answers an empty set when there is no subcommand table
            return;
        }
        r.array(subs.size());
        for (CommandSpec sub : subs) {
            info(r, sub);
        }
    }

    /** One COMMAND DOCS value: the map of addReplyCommandDocs. */
    static void docs(ReplySink r, CommandSpec spec) {
        Docs d = spec.def().getDocs();
        List<CommandSpec> subs = spec.subcommands();
        boolean hasSubTable = spec.hasSubcommands();
        int n = 1; // group is always there
        n += d.getSummary().isEmpty() ? 0 : 1;
        n += d.getSince().isEmpty() ? 0 : 1;
        n += d.hasComplexity() ? 1 : 0;
        n += d.getDocFlagsCount() > 0 ? 1 : 0;
        n += d.hasDeprecatedSince() ? 1 : 0;
        n += d.hasReplacedBy() ? 1 : 0;
        n += d.getHistoryCount() > 0 ? 1 : 0;
        n += d.getArgumentCount() > 0 ? 1 : 0;
        n += hasSubTable ? 1 : 0;
        r.map(n);
        if (!d.getSummary().isEmpty()) {
            field(r, "summary", d.getSummary());
        }
        if (!d.getSince().isEmpty()) {
            field(r, "since", d.getSince());
        }
        field(r, "group", d.getGroup());
        if (d.hasComplexity()) {
            field(r, "complexity", d.getComplexity());
        }
        if (d.getDocFlagsCount() > 0) {
            r.bulk("doc_flags");
            statusSet(r, d.getDocFlagsList());
        }
        if (d.hasDeprecatedSince()) {
            field(r, "deprecated_since", d.getDeprecatedSince());
        }
        if (d.hasReplacedBy()) {
            field(r, "replaced_by", d.getReplacedBy());
        }
        if (d.getHistoryCount() > 0) {
            r.bulk("history");
            r.set(d.getHistoryCount());
            for (History h : d.getHistoryList()) {
                r.array(2);
                r.bulk(h.getVersion());
                r.bulk(h.getDescription());
            }
        }
        if (d.getArgumentCount() > 0) {
            r.bulk("arguments");
            arguments(r, d.getArgumentList());
        }
        if (hasSubTable) {
            r.bulk("subcommands");
            r.map(subs.size());
            for (CommandSpec sub : subs) {
                r.bulk(sub.fullName());
                docs(r, sub);
            }
        }
    }

    private static void arguments(ReplySink r, List<Arg> args) {
        r.array(args.size());
        for (Arg a : args) {
            boolean nested = a.getType().equals("oneof") || a.getType().equals("block");
            int n = 2;
            n += a.hasKeySpecIndex() ? 1 : 0;
            n += a.hasToken() ? 1 : 0;
            n += a.hasSummary() ? 1 : 0;
            n += a.hasSince() ? 1 : 0;
            n += a.hasDeprecatedSince() ? 1 : 0;
            n += a.getFlagsCount() > 0 ? 1 : 0;
            n += nested ? 1 : 0;
            r.map(n);
            field(r, "name", a.getName());
            field(r, "type", a.getType());
            if (a.hasKeySpecIndex()) {
                r.bulk("key_spec_index");
                r.integer(a.getKeySpecIndex());
            }
            if (a.hasToken()) {
                field(r, "token", a.getToken());
            }
            if (a.hasSummary()) {
                field(r, "summary", a.getSummary());
            }
            if (a.hasSince()) {
                field(r, "since", a.getSince());
            }
            if (a.hasDeprecatedSince()) {
                field(r, "deprecated_since", a.getDeprecatedSince());
            }
            if (a.getFlagsCount() > 0) {
                r.bulk("flags");
                statusSet(r, a.getFlagsList());
            }
            if (nested) {
                r.bulk("arguments");
                arguments(r, a.getArgumentList());
            }
        }
    }

    /** addReplyCommandKeySpecs. */
    private static void keySpecs(ReplySink r, List<KeySpec> specs) {
        r.set(specs.size());
        for (KeySpec ks : specs) {
            r.map(ks.hasNotes() ? 4 : 3);
            if (ks.hasNotes()) {
                field(r, "notes", ks.getNotes());
            }
            r.bulk("flags");
            statusSet(r, ks.getFlagsList());
            r.bulk("begin_search");
            r.map(2);
            r.bulk("type");
            if (ks.hasBeginIndex()) {
                r.bulk("index");
                r.bulk("spec");
                r.map(1);
                r.bulk("index");
                r.integer(ks.getBeginIndex().getIndex());
            } else if (ks.hasBeginKeyword()) {
                r.bulk("keyword");
                r.bulk("spec");
                r.map(2);
                field(r, "keyword", ks.getBeginKeyword().getKeyword());
                r.bulk("startfrom");
                r.integer(ks.getBeginKeyword().getStartfrom());
            } else {
                r.bulk("unknown");
                r.bulk("spec");
                r.map(0);
            }
            r.bulk("find_keys");
            r.map(2);
            r.bulk("type");
            if (ks.hasFindRange()) {
                r.bulk("range");
                r.bulk("spec");
                r.map(3);
                r.bulk("lastkey");
                r.integer(ks.getFindRange().getLastkey());
                r.bulk("keystep");
                r.integer(ks.getFindRange().getKeystep());
                r.bulk("limit");
                r.integer(ks.getFindRange().getLimit());
            } else if (ks.hasFindKeynum()) {
                r.bulk("keynum");
                r.bulk("spec");
                r.map(3);
                r.bulk("keynumidx");
                r.integer(ks.getFindKeynum().getKeynumidx());
                r.bulk("firstkey");
                r.integer(ks.getFindKeynum().getFirstkey());
                r.bulk("keystep");
                r.integer(ks.getFindKeynum().getKeystep());
            } else {
                r.bulk("unknown");
                r.bulk("spec");
                r.map(0);
            }
        }
    }

    /** A set of status strings (Redis's addReplyCommandFlags and category lists). */
    static void statusSet(ReplySink r, List<String> items) {
        r.set(items.size());
        for (String s : items) {
            r.simple(s);
        }
    }

    private static void field(ReplySink r, String name, String value) {
        r.bulk(name);
        r.bulk(value);
    }
}
