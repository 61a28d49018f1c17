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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Consumer-group commands (t_stream.c): XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM. Delivery
 * and idle times are the unit's time. Group state changes are logged without a key change
 * (as Redis, they do not touch WATCH).
 */
final class StreamGroupCommands {
    private StreamGroupCommands() {
    }

    static void register(CommandTable.Binder b) {
        b.bind("xgroup|create", StreamGroupCommands::xgroup)
                .bind("xgroup|setid", StreamGroupCommands::xgroup)
                .bind("xgroup|destroy", StreamGroupCommands::xgroup)
                .bind("xgroup|createconsumer", StreamGroupCommands::xgroup)
                .bind("xgroup|delconsumer", StreamGroupCommands::xgroup)
                .bind("xgroup|help", StreamGroupCommands::xgroupHelp)
                .bind("xack", StreamGroupCommands::xack)
                .bind("xpending", StreamGroupCommands::xpending)
                .bind("xclaim", StreamGroupCommands::xclaim)
                .bind("xautoclaim", StreamGroupCommands::xautoclaim);
    }

    static CommandError noGroup(CommandContext ctx, int keyArg, int groupArg) {
        return new CommandError("NOGROUP No such key '" + ctx.argString(keyArg) + "' or consumer group '"
                + ctx.argString(groupArg) + "'");
    }

    /* XGROUP HELP */
    static void xgroupHelp(CommandContext ctx) {
        Help.reply(ctx,
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.");
    }

    /*
     * XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]
     * XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]
     * XGROUP DESTROY key group
     * XGROUP CREATECONSUMER key group consumer
     * XGROUP DELCONSUMER key group consumer
     */
    static void xgroup(CommandContext ctx) {
        boolean create = ctx.argIs(1, "create");
        boolean setid = ctx.argIs(1, "setid");
        boolean mkstream = false;
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        int argc = ctx.argc();
        for (int i = 5; i < argc;) {
            if (create && ctx.argIs(i, "mkstream")) {
                mkstream = true;
                i++;
            } else if ((create || setid) && ctx.argIs(i, "entriesread") && i + 1 < argc) {
                entriesRead = ctx.longArg(i + 1);
                if (entriesRead < 0 && entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
                    throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw Help.subcommandSyntaxError(ctx);
            }
        }
        byte[] key = ctx.arg(2);
        byte[] groupName = ctx.arg(3);
        StreamValue s = StreamReplies.write(ctx, key);
        ConsumerGroup cg = null;
        if (!mkstream) {
            if (s == null) {
                throw new CommandError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may"
                        + " want to use the MKSTREAM option to create an empty stream automatically.");
            }
            cg = s.group(groupName);
            if (cg == null && !create && !ctx.argIs(1, "destroy")) {
                throw new CommandError("NOGROUP No such consumer group '" + ctx.argString(3) + "' for key name '"
                        + ctx.argString(2) + "'");
            }
        }
        ReplySink r = ctx.reply();
        if (create && argc >= 5 && argc <= 8) {
            StreamId id;
            if (ctx.argIs(4, "$") && ctx.arg(4).length == 1) {
                id = s == null ? StreamId.MIN : s.lastId();
            } else {
                id = StreamIdArgs.strict(ctx.arg(4));
            }
            if (s == null) {
                s = StreamValue.create();
                s.createGroup(groupName, id, entriesRead);
                ctx.db().add(key, s);
                r.ok();
                return;
            }
            if (s.createGroup(groupName, id, entriesRead) == null) {
                throw new CommandError("BUSYGROUP Consumer Group name already exists");
            }
            r.ok();
            StreamReplies.groupChanged(ctx);
        } else if (setid && (argc == 5 || argc == 7)) {
            StreamId id = ctx.arg(4).length == 1 && ctx.arg(4)[0] == '$' ? s.lastId() : StreamIdArgs.parse(ctx.arg(4), 0);
            cg.lastId = id;
            cg.entriesRead = entriesRead;
            r.ok();
            StreamReplies.groupChanged(ctx);
        } else if (ctx.argIs(1, "destroy") && argc == 4) {
            if (cg != null) {
                s.destroyGroup(groupName);
                r.integer(1);
                StreamReplies.groupChanged(ctx);
                ctx.signalKeyAsReady(key);
            } else {
                r.integer(0);
            }
        } else if (ctx.argIs(1, "createconsumer") && argc == 5) {
            Consumer c = cg.createConsumer(ctx.arg(4), ctx.nowMillis());
            r.integer(c == null ? 0 : 1);
            if (c != null) {
                StreamReplies.groupChanged(ctx);
            }
        } else if (ctx.argIs(1, "delconsumer") && argc == 5) {
            Consumer c = cg.consumer(ctx.arg(4));
            long pending = 0;
            if (c != null) {
                pending = cg.deleteConsumer(c);
                StreamReplies.groupChanged(ctx);
            }
            r.integer(pending);
        } else {
            throw Help.subcommandSyntaxError(ctx);
        }
    }

    /* XACK key group id [id ...] */
    static void xack(CommandContext ctx) {
        StreamValue s = StreamReplies.write(ctx, ctx.arg(1));
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            ctx.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[ctx.argc() - 3];
        for (int j = 3; j < ctx.argc(); j++) {
            ids[j - 3] = StreamIdArgs.strict(ctx.arg(j));
        }
        int acked = 0;
        for (StreamId id : ids) {
            if (g.acknowledge(id)) {
                acked++;
            }
        }
        if (acked > 0) {
            StreamReplies.groupChanged(ctx);
        }
        ctx.reply().integer(acked);
    }

    /* XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
    static void xpending(CommandContext ctx) {
        int argc = ctx.argc();
        boolean justInfo = argc == 3;
        if (argc != 3 && (argc < 6 || argc > 9)) {
            throw Errors.E_SYNTAX;
        }
        long minIdle = 0;
        long count = 0;
        StreamId start = null;
        StreamId end = null;
        byte[] consumerName = null;
        if (argc >= 6) {
            int startIdx = 3;
            if (ctx.argIs(3, "idle")) {
                minIdle = ctx.longArg(4);
                if (argc < 8) {
                    throw Errors.E_SYNTAX;
                }
                startIdx += 2;
            }
            count = Math.max(0, ctx.longArg(startIdx + 2));
            start = StreamCommands.intervalStart(ctx.arg(startIdx));
            end = StreamCommands.intervalEnd(ctx.arg(startIdx + 1));
            if (startIdx + 3 < argc) {
                consumerName = ctx.arg(startIdx + 3);
            }
        }
        StreamValue s = StreamReplies.read(ctx, ctx.arg(1));
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw noGroup(ctx, 1, 2);
        }
        ReplySink r = ctx.reply();
        if (justInfo) {
            r.array(4);
            r.integer(g.pending().size());
            if (g.pending().isEmpty()) {
                r.nullBulk();
                r.nullBulk();
                r.nullArray();
                return;
            }
            StreamReplies.id(r, g.pending().firstKey());
            StreamReplies.id(r, g.pending().lastKey());
            List<Consumer> withPending = new ArrayList<>();
            for (Consumer c : g.consumers().values()) {
                if (!c.pending().isEmpty()) {
                    withPending.add(c);
                }
            }
            r.array(withPending.size());
            for (Consumer c : withPending) {
                r.array(2);
                r.bulk(c.name());
                r.bulk(Long.toString(c.pending().size()));
            }
            return;
        }
        NavigableMap<StreamId, PendingEntry> pel;
        if (consumerName != null) {
            Consumer c = g.consumer(consumerName);
            if (c == null) {
                r.array(0);
                return;
            }
            pel = c.pending();
        } else {
            pel = g.pending();
        }
        long now = ctx.nowMillis();
        List<Map.Entry<StreamId, PendingEntry>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, PendingEntry> e : pel.subMap(start, true, end, true).entrySet()) {
                if (count == 0) {
                    break;
                }
                if (minIdle != 0 && now - e.getValue().deliveryTime < minIdle) {
                    continue;
                }
                out.add(e);
                count--;
            }
        }
        r.array(out.size());
        for (Map.Entry<StreamId, PendingEntry> e : out) {
            PendingEntry p = e.getValue();
            r.array(4);
            StreamReplies.id(r, e.getKey());
            r.bulk(p.consumer.name());
            r.integer(Math.max(0, now - p.deliveryTime));
            r.integer(p.deliveryCount);
        }
    }

    /*
     * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
     *     [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
     */
    static void xclaim(CommandContext ctx) {
        StreamValue s = StreamReplies.write(ctx, ctx.arg(1));
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw noGroup(ctx, 1, 2);
        }
        long minIdle = Math.max(0, ctx.longArg(4, "ERR Invalid min-idle-time argument for XCLAIM"));
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < ctx.argc(); j++) {
            StreamId id = StreamIdArgs.strictOrNull(ctx.arg(j));
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        long now = ctx.nowMillis();
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < ctx.argc(); j++) {
            int moreargs = ctx.argc() - 1 - j;
            if (ctx.argIs(j, "force")) {
                force = true;
            } else if (ctx.argIs(j, "justid")) {
                justId = true;
            } else if (ctx.argIs(j, "idle") && moreargs > 0) {
                j++;
                deliveryTime = now - ctx.longArg(j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (ctx.argIs(j, "time") && moreargs > 0) {
                j++;
                deliveryTime = ctx.longArg(j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (ctx.argIs(j, "retrycount") && moreargs > 0) {
                j++;
                retryCount = ctx.longArg(j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (ctx.argIs(j, "lastid") && moreargs > 0) {
                j++;
                lastId = StreamIdArgs.strict(ctx.arg(j));
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + ctx.argString(j) + "'");
            }
        }
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) {
                deliveryTime = now;
            }
        } else {
            deliveryTime = now;
        }
        Consumer consumer = consumerFor(ctx, g, ctx.arg(3));
        List<Object> out = new ArrayList<>();
        for (StreamId id : ids) {
            PendingEntry p = g.pending().get(id);
            StreamEntry e = s.entries().get(id);
            if (e == null) {
                if (p != null) {
                    g.acknowledge(id);
                }
                continue;
            }
            if (force && p == null) {
                p = g.newUnowned(id, now);
            }
            if (p == null) {
                continue;
            }
            if (p.consumer != null && minIdle != 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            g.assign(id, p, consumer);
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                p.deliveryCount = retryCount;
            } else if (!justId) {
                p.deliveryCount++;
            }
            out.add(justId ? id : e);
            consumer.activeTime = now;
        }
        StreamReplies.groupChanged(ctx);
        ReplySink r = ctx.reply();
        r.array(out.size());
        for (Object o : out) {
            if (o instanceof StreamId id) {
                StreamReplies.id(r, id);
            } else {
                StreamReplies.entry(r, (StreamEntry) o);
            }
        }
    }

    /** The named consumer, created if missing; its seen time becomes now. */
    static Consumer consumerFor(CommandContext ctx, ConsumerGroup g, byte[] name) {
        Consumer c = g.consumer(name);
        if (c == null) {
            c = g.createConsumer(name, ctx.nowMillis());
        }
        c.seenTime = ctx.nowMillis();
        return c;
    }

    /* XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
    static void xautoclaim(CommandContext ctx) {
        long minIdle = Math.max(0, ctx.longArg(4, "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = StreamCommands.intervalStart(ctx.arg(5));
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < ctx.argc(); j++) {
            int moreargs = ctx.argc() - 1 - j;
            if (ctx.argIs(j, "count") && moreargs > 0) {
                count = ctx.longArg(j + 1, "ERR COUNT must be > 0");
                if (count < 1 || count > Long.MAX_VALUE / 16) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
                j++;
            } else if (ctx.argIs(j, "justid")) {
                justId = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        StreamValue s = StreamReplies.write(ctx, ctx.arg(1));
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw noGroup(ctx, 1, 2);
        }
        Consumer consumer = consumerFor(ctx, g, ctx.arg(3));
        long now = ctx.nowMillis();
        long attempts = count * 10;
        List<Object> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId cur = g.pending().ceilingKey(start);
        while (attempts-- != 0 && count != 0 && cur != null) {
            StreamId id = cur;
            cur = g.pending().higherKey(id);
            PendingEntry p = g.pending().get(id);
            StreamEntry e = s.entries().get(id);
            if (e == null) {
                g.acknowledge(id);
                deleted.add(id);
                count--;
                continue;
            }
            if (minIdle != 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            g.assign(id, p, consumer);
            p.deliveryTime = now;
            if (!justId) {
                p.deliveryCount++;
            }
            claimed.add(justId ? id : e);
            count--;
            consumer.activeTime = now;
        }
        StreamReplies.groupChanged(ctx);
        ReplySink r = ctx.reply();
        r.array(3);
        StreamReplies.id(r, cur == null ? StreamId.MIN : cur);
        r.array(claimed.size());
        for (Object o : claimed) {
            if (o instanceof StreamId id) {
                StreamReplies.id(r, id);
            } else {
                StreamReplies.entry(r, (StreamEntry) o);
            }
        }
        r.array(deleted.size());
        for (StreamId id : deleted) {
            StreamReplies.id(r, id);
        }
    }
}
