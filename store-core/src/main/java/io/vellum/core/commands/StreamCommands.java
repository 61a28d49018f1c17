package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StreamValue;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Stream commands (Redis 7.2's t_stream.c): adding, reading ranges, deleting and trimming.
 * Consumer groups are in {@link StreamGroupCommands}, XREAD/XREADGROUP in
 * {@link StreamReadCommands}, XINFO in {@link StreamInfoCommand}.
 *
 * <p>Automatic IDs come from the unit's time, so a replayed XADD * adds the same ID. Empty
 * streams stay (Redis never deletes a stream because it has no entries).
 */
public final class StreamCommands implements CommandGroup {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("xadd", StreamCommands::xadd)
                .bind("xlen", StreamCommands::xlen)
                .bind("xrange", StreamCommands::xrange)
                .bind("xrevrange", StreamCommands::xrevrange)
                .bind("xdel", StreamCommands::xdel)
                .bind("xtrim", StreamCommands::xtrim)
                .bind("xsetid", StreamCommands::xsetid);
        StreamGroupCommands.register(b);
        StreamReadCommands.register(b);
        StreamInfoCommand.register(b);
    }

    /* XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id> field value [field value ...] */
    static void xadd(CommandContext ctx) {
        StreamAddTrimArgs a = StreamAddTrimArgs.parse(ctx, true);
        int fieldPos = a.idPos + 1;
        int pairsArgs = ctx.argc() - fieldPos;
        if (pairsArgs < 2 || pairsArgs % 2 == 1) {
            throw StreamReplies.wrongArgs(ctx);
        }
        if (a.idGiven && a.seqGiven && a.id.isZero()) {
            throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
        }
        byte[] key = ctx.arg(1);
        StreamValue s = StreamReplies.write(ctx, key);
        if (s == null && a.noMkstream) {
            ctx.reply().nullBulk();
            return;
        }
        StreamId last = s == null ? StreamId.MIN : s.lastId();
        if (last.isMax()) {
            throw new CommandError("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        StreamId id;
        if (!a.idGiven) {
            id = s == null ? StreamValue.create().nextId(ctx.nowMillis()) : s.nextId(ctx.nowMillis());
        } else if (a.seqGiven) {
            id = a.id;
        } else if (last.ms() == a.id.ms()) {
            if (last.seq() == -1L) {
                throw equalOrSmaller();
            }
            id = new StreamId(last.ms(), last.seq() + 1);
        } else {
            id = a.id;
        }
        if (id.compareTo(last) <= 0) {
            throw equalOrSmaller();
        }
        boolean created = s == null;
        if (created) {
            s = StreamValue.create();
        }
        byte[][] fv = Arrays.copyOfRange(ctx.argv(), fieldPos, ctx.argc());
        s.append(id, fv, ctx.config().streamNodeMaxBytes.get(), ctx.config().streamNodeMaxEntries.get());
        ctx.reply().bulk(id.toString());
        a.trim(s);
        a.logExact(ctx, s);
        if (created) {
            ctx.db().add(key, s);
        } else {
            ctx.db().signalModified(key);
        }
    }

    private static CommandError equalOrSmaller() {
        return new CommandError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    }

    /* XLEN key */
    static void xlen(CommandContext ctx) {
        StreamValue s = StreamReplies.read(ctx, ctx.arg(1));
        ctx.reply().integer(s == null ? 0 : s.length());
    }

    /* XRANGE key start end [COUNT count] */
    static void xrange(CommandContext ctx) {
        rangeGeneric(ctx, false);
    }

    /* XREVRANGE key end start [COUNT count] */
    static void xrevrange(CommandContext ctx) {
        rangeGeneric(ctx, true);
    }

    /** An interval bound: "(" makes it exclusive (strict ID parsing then). */
    static StreamId intervalStart(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = StreamIdArgs.parse(Arrays.copyOfRange(arg, 1, arg.length), 0, true, false).id().next();
            if (id == null) {
                throw new CommandError("ERR invalid start ID for the interval");
            }
            return id;
        }
        return StreamIdArgs.parse(arg, 0);
    }

    static StreamId intervalEnd(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = StreamIdArgs.parse(Arrays.copyOfRange(arg, 1, arg.length), -1L, true, false).id().previous();
            if (id == null) {
                throw new CommandError("ERR invalid end ID for the interval");
            }
            return id;
        }
        return StreamIdArgs.parse(arg, -1L);
    }

    /** xrangeGenericCommand. */
    private static void rangeGeneric(CommandContext ctx, boolean rev) {
        StreamId start = intervalStart(ctx.arg(rev ? 3 : 2));
        StreamId end = intervalEnd(ctx.arg(rev ? 2 : 3));
        long count = -1;
        for (int j = 4; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "count") && ctx.argc() - j - 1 >= 1) {
                count = ctx.longArg(j + 1);
                if (count < 0) {
                    count = 0;
                }
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        StreamValue s = StreamReplies.read(ctx, ctx.arg(1));
        ReplySink r = ctx.reply();
        if (s == null) {
            r.array(0);
            return;
        }
        if (count == 0) {
            r.nullArray();
            return;
        }
        java.util.List<StreamEntry> out = collect(s.range(start, end, rev), count == -1 ? 0 : count);
        r.array(out.size());
        for (StreamEntry e : out) {
            StreamReplies.entry(r, e);
        }
    }

    /** Up to {@code count} entries (0: all). */
    static java.util.List<StreamEntry> collect(Iterator<StreamEntry> it, long count) {
        java.util.List<StreamEntry> out = new java.util.ArrayList<>();
        while (it.hasNext() && (count == 0 || out.size() < count)) {
            out.add(it.next());
        }
        return out;
    }

    /* XDEL key id [id ...] */
    static void xdel(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        StreamValue s = StreamReplies.write(ctx, key);
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[ctx.argc() - 2];
        for (int j = 2; j < ctx.argc(); j++) {
            ids[j - 2] = StreamIdArgs.strict(ctx.arg(j));
        }
        int deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                if (id.equals(s.firstId())) {
                    firstEntry = true;
                }
                deleted++;
            }
        }
        if (deleted > 0) {
            if (s.isEmpty() || firstEntry) {
                s.refreshFirstId();
            }
            ctx.db().signalModified(key);
        }
        ctx.reply().integer(deleted);
    }

    /* XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count] */
    static void xtrim(CommandContext ctx) {
        StreamAddTrimArgs a = StreamAddTrimArgs.parse(ctx, false);
        byte[] key = ctx.arg(1);
        StreamValue s = StreamReplies.write(ctx, key);
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        long deleted = a.trim(s);
        if (deleted > 0) {
            a.logExact(ctx, s);
            ctx.db().signalModified(key);
        }
        ctx.reply().integer(deleted);
    }

    /* XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
    static void xsetid(CommandContext ctx) {
        StreamId id = StreamIdArgs.strict(ctx.arg(2));
        StreamId maxDeleted = StreamId.MIN;
        long added = -1;
        for (int i = 3; i < ctx.argc(); i += 2) {
            int moreargs = ctx.argc() - 1 - i;
            if (ctx.argIs(i, "entriesadded") && moreargs > 0) {
                added = ctx.longArg(i + 1);
                if (added < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
            } else if (ctx.argIs(i, "maxdeletedid") && moreargs > 0) {
                maxDeleted = StreamIdArgs.strict(ctx.arg(i + 1));
                if (id.compareTo(maxDeleted) < 0) {
                    throw new CommandError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        StreamValue s = StreamReplies.write(ctx, ctx.arg(1));
        if (s == null) {
            throw Errors.E_NO_SUCH_KEY;
        }
        if (id.compareTo(s.maxDeletedId()) < 0) {
            throw new CommandError("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
        }
        if (s.length() > 0) {
            StreamId maxId = s.lastValidId();
            if (id.compareTo(maxId) < 0) {
                throw new CommandError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (added != -1 && s.length() > added) {
                throw new CommandError("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        s.setId(id, added, maxDeleted);
        ctx.reply().ok();
        StreamReplies.groupChanged(ctx);
    }
}
