package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StreamValue;
import io.vellum.core.types.stream.Consumer;
import io.vellum.core.types.stream.ConsumerGroup;
import io.vellum.core.types.stream.PendingEntry;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP, with Redis 7.2's fields. */
final class StreamInfoCommand {
    private StreamInfoCommand() {
    }

    static void register(CommandTable.Binder b) {
        b.bind("xinfo|stream", StreamInfoCommand::stream)
                .bind("xinfo|groups", StreamInfoCommand::groups)
                .bind("xinfo|consumers", StreamInfoCommand::consumers)
                .bind("xinfo|help", StreamInfoCommand::help);
    }

    /* XINFO HELP */
    static void help(CommandContext ctx) {
        Help.reply(ctx,
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.");
    }

    private static StreamValue stream(CommandContext ctx, byte[] key) {
        StreamValue s = StreamReplies.read(ctx, key);
        if (s == null) {
            throw Errors.E_NO_SUCH_KEY;
        }
        return s;
    }

    /* XINFO CONSUMERS key group */
    static void consumers(CommandContext ctx) {
        StreamValue s = stream(ctx, ctx.arg(2));
        ConsumerGroup g = s.group(ctx.arg(3));
        if (g == null) {
            throw new CommandError("NOGROUP No such consumer group '" + ctx.argString(3) + "' for key name '"
                    + ctx.argString(2) + "'");
        }
        ReplySink r = ctx.reply();
        long now = ctx.nowMillis();
        r.array(g.consumers().size());
        for (Consumer c : g.consumers().values()) {
            long inactive = c.activeTime != -1 ? now - c.activeTime : -1;
            r.map(4);
            r.bulk("name");
            r.bulk(c.name());
            r.bulk("pending");
            r.integer(c.pending().size());
            r.bulk("idle");
            r.integer(Math.max(0, now - c.seenTime));
            r.bulk("inactive");
            r.integer(inactive);
        }
    }

    /* XINFO GROUPS key */
    static void groups(CommandContext ctx) {
        StreamValue s = stream(ctx, ctx.arg(2));
        ReplySink r = ctx.reply();
        r.array(s.groups().size());
        for (Map.Entry<byte[], ConsumerGroup> e : s.groups().entrySet()) {
            ConsumerGroup g = e.getValue();
            r.map(6);
            r.bulk("name");
            r.bulk(e.getKey());
            r.bulk("consumers");
            r.integer(g.consumers().size());
            r.bulk("pending");
            r.integer(g.pending().size());
            r.bulk("last-delivered-id");
            StreamReplies.id(r, g.lastId);
            r.bulk("entries-read");
            entriesRead(r, g);
            r.bulk("lag");
            lag(r, s, g);
        }
    }

    private static void entriesRead(ReplySink r, ConsumerGroup g) {
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
            r.integer(g.entriesRead);
        } else {
            r.nullBulk();
        }
    }

    private static void lag(ReplySink r, StreamValue s, ConsumerGroup g) {
        Long lag = s.lag(g);
        if (lag == null) {
            r.nullBulk();
        } else {
            r.integer(lag);
        }
    }

    /* XINFO STREAM key [FULL [COUNT count]] */
    static void stream(CommandContext ctx) {
        StreamValue s = stream(ctx, ctx.arg(2));
        int optc = ctx.argc() - 3;
        boolean full = optc > 0;
        long count = 10;
        if (full) {
            if (optc != 1 && optc != 3) {
                throw Help.subcommandSyntaxError(ctx);
            }
            if (!ctx.argIs(3, "full")) {
                throw Help.subcommandSyntaxError(ctx);
            }
            if (optc == 3) {
                if (!ctx.argIs(4, "count")) {
                    throw Help.subcommandSyntaxError(ctx);
                }
                count = ctx.longArg(5);
                if (count < 0) {
                    count = 10;
                }
            }
        }
        ReplySink r = ctx.reply();
        r.map(full ? 9 : 10);
        r.bulk("length");
        r.integer(s.length());
        r.bulk("radix-tree-keys");
        r.integer(s.entries().nodeCount());
        r.bulk("radix-tree-nodes");
        r.integer(s.entries().radixTreeNodes());
        r.bulk("last-generated-id");
        StreamReplies.id(r, s.lastId());
        r.bulk("max-deleted-entry-id");
        StreamReplies.id(r, s.maxDeletedId());
        r.bulk("entries-added");
        r.integer(s.entriesAdded());
        r.bulk("recorded-first-entry-id");
        StreamReplies.id(r, s.firstId());
        if (!full) {
            r.bulk("groups");
            r.integer(s.groups().size());
            r.bulk("first-entry");
            edge(r, s, false);
            r.bulk("last-entry");
            edge(r, s, true);
            return;
        }
        r.bulk("entries");
        List<StreamEntry> entries = StreamCommands.collect(s.range(StreamId.MIN, StreamId.MAX, false), count);
        r.array(entries.size());
        for (StreamEntry e : entries) {
            StreamReplies.entry(r, e);
        }
        r.bulk("groups");
        r.array(s.groups().size());
        for (Map.Entry<byte[], ConsumerGroup> ge : s.groups().entrySet()) {
            ConsumerGroup g = ge.getValue();
            r.map(7);
            r.bulk("name");
            r.bulk(ge.getKey());
            r.bulk("last-delivered-id");
            StreamReplies.id(r, g.lastId);
            r.bulk("entries-read");
            entriesRead(r, g);
            r.bulk("lag");
            lag(r, s, g);
            r.bulk("pel-count");
            r.integer(g.pending().size());
            r.bulk("pending");
            int n = limited(g.pending().size(), count);
            r.array(n);
            Iterator<Map.Entry<StreamId, PendingEntry>> it = g.pending().entrySet().iterator();
            for (int i = 0; i < n; i++) {
                Map.Entry<StreamId, PendingEntry> pe = it.next();
                r.array(4);
                StreamReplies.id(r, pe.getKey());
                r.bulk(pe.getValue().consumer.name());
                r.integer(pe.getValue().deliveryTime);
                r.integer(pe.getValue().deliveryCount);
            }
            r.bulk("consumers");
            r.array(g.consumers().size());
            for (Consumer c : g.consumers().values()) {
                r.map(5);
                r.bulk("name");
                r.bulk(c.name());
                r.bulk("seen-time");
                r.integer(c.seenTime);
                r.bulk("active-time");
                r.integer(c.activeTime);
                r.bulk("pel-count");
                r.integer(c.pending().size());
                r.bulk("pending");
                int m = limited(c.pending().size(), count);
                r.array(m);
                Iterator<Map.Entry<StreamId, PendingEntry>> ci = c.pending().entrySet().iterator();
                for (int i = 0; i < m; i++) {
                    Map.Entry<StreamId, PendingEntry> pe = ci.next();
                    r.array(3);
                    StreamReplies.id(r, pe.getKey());
                    r.integer(pe.getValue().deliveryTime);
                    r.integer(pe.getValue().deliveryCount);
                }
            }
        }
    }

    private static int limited(int size, long count) {
        return count == 0 || count >= size ? size : (int) count;
    }

    private static void edge(ReplySink r, StreamValue s, boolean last) {
        StreamEntry e = last ? s.entries().last() : s.entries().first();
        if (e == null) {
            r.nullBulk();
        } else {
            StreamReplies.entry(r, e);
        }
    }
}
