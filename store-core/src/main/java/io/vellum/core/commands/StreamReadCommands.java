package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.StreamValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.stream.Consumer;
import io.vellum.core.types.stream.ConsumerGroup;
import io.vellum.core.types.stream.PendingEntry;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP (t_stream.c's xreadCommand), blocking included.
 *
 * <p><b>Blocking</b> follows Redis 7.2, which re-executes a blocked command when one of its
 * keys gets data: {@code $} is replaced by the ID it meant when the client blocked (the
 * retry waits for entries above it), and a retry runs the whole command again as a new unit.
 * A retry of XREAD proceeds only when one of its keys holds a stream; a retry of XREADGROUP
 * whose key is gone (or no longer a stream) answers {@code -UNBLOCKED}; one whose group was
 * destroyed answers NOGROUP. Inside MULTI and scripts nothing blocks: the null array answers.
 *
 * <p><b>Logging.</b> XREADGROUP changes its group (PEL, last ID, consumers, seen time): it is
 * logged even when it serves nothing, blocking included (replay then writes no reply, as the
 * client got none when it blocked); a retry that served is logged without BLOCK, the
 * non-blocking command it became.
 */
final class StreamReadCommands {
    private StreamReadCommands() {
    }

    static void register(CommandTable.Binder b) {
        b.bind("xread", StreamReadCommands::xread).bind("xreadgroup", StreamReadCommands::xreadgroup);
    }

    /* XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] */
    static void xread(CommandContext ctx) {
        readGeneric(ctx, false);
    }

    /* XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...] */
    static void xreadgroup(CommandContext ctx) {
        readGeneric(ctx, true);
    }

    /** What one stream contributes to the reply. */
    private record Served(byte[] key, List<Object[]> entries) {
    }

    private static void readGeneric(CommandContext ctx, boolean group) {
        int argc = ctx.argc();
        long timeout = -1;
        int blockIdx = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        byte[] groupName = null;
        byte[] consumerName = null;
        boolean noack = false;
        for (int i = 1; i < argc; i++) {
            int moreargs = argc - i - 1;
            if (ctx.argIs(i, "block") && moreargs > 0) {
                if (ctx.inScript()) {
                    // t_stream.c: BLOCK makes no sense in a script, refused (not just not blocking)
                    throw new CommandError("ERR " + ctx.argString(0) + " command is not allowed with BLOCK option from scripts");
                }
                i++;
                blockIdx = i;
                timeout = blockTimeout(ctx, i);
            } else if (ctx.argIs(i, "count") && moreargs > 0) {
                i++;
                count = Math.max(0, ctx.longArg(i));
            } else if (ctx.argIs(i, "streams") && moreargs > 0) {
                streamsArg = i + 1;
                streamsCount = argc - streamsArg;
                if (streamsCount % 2 != 0) {
                    throw new CommandError("ERR Unbalanced '" + (group ? "xreadgroup" : "xread")
                            + "' list of streams: for each stream key an ID or '" + (group ? '>' : '$')
                            + "' must be specified.");
                }
                streamsCount /= 2;
                break;
            } else if (ctx.argIs(i, "group") && moreargs >= 2) {
                if (!group) {
                    throw new CommandError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = ctx.arg(i + 1);
                consumerName = ctx.arg(i + 2);
                i += 2;
            } else if (ctx.argIs(i, "noack")) {
                if (!group) {
                    throw new CommandError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noack = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (streamsArg == 0) {
            throw Errors.E_SYNTAX;
        }
        if (group && groupName == null) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        List<byte[]> keys = new ArrayList<>(streamsCount);
        for (int i = 0; i < streamsCount; i++) {
            keys.add(ctx.arg(streamsArg + i));
        }
        if (ctx.isRetry() && !retryProceeds(ctx, keys, group)) {
            return;
        }
        StreamId[] ids = new StreamId[streamsCount];
        ConsumerGroup[] groups = group ? new ConsumerGroup[streamsCount] : null;
        for (int i = 0; i < streamsCount; i++) {
            byte[] idArg = ctx.arg(streamsArg + streamsCount + i);
            StreamValue s = StreamReplies.read(ctx, keys.get(i));
            if (group) {
                ConsumerGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    throw new CommandError("NOGROUP No such key '" + Text.latin1(keys.get(i)) + "' or consumer group '"
                            + Text.latin1(groupName) + "' in XREADGROUP with GROUP option");
                }
                groups[i] = g;
            }
            if (idArg.length == 1 && idArg[0] == '$') {
                if (group) {
                    throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the"
                            + " history of this consumer by specifying a proper ID, or use the > ID to get new messages."
                            + " The $ ID would just return an empty result set.");
                }
                ids[i] = s == null ? StreamId.MIN : s.lastId();
            } else if (idArg.length == 1 && idArg[0] == '>') {
                if (!group) {
                    throw new CommandError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP"
                            + " <group> <consumer> option.");
                }
                ids[i] = StreamId.MAX;
            } else {
                ids[i] = StreamIdArgs.strict(idArg);
            }
        }
        List<Served> served = new ArrayList<>();
        long now = ctx.nowMillis();
        for (int i = 0; i < streamsCount; i++) {
            StreamValue s = group ? StreamReplies.write(ctx, keys.get(i)) : StreamReplies.read(ctx, keys.get(i));
            if (s == null) {
                continue;
            }
            StreamId gt = ids[i];
            boolean serve = false;
            boolean history = false;
            Consumer consumer = null;
            if (group) {
                if (!gt.isMax()) {
                    serve = true;
                    history = true;
                } else if (s.length() > 0) {
                    StreamId maxId = s.lastValidId();
                    if (maxId.compareTo(groups[i].lastId) > 0) {
                        serve = true;
                        gt = groups[i].lastId;
                    }
                }
                consumer = StreamGroupCommands.consumerFor(ctx, groups[i], consumerName);
                StreamReplies.groupChanged(ctx);
            } else if (s.length() > 0 && s.lastValidId().compareTo(gt) > 0) {
                serve = true;
            }
            if (!serve) {
                continue;
            }
            StreamId start = gt.next();
            if (start == null) {
                start = StreamId.MIN;
            }
            List<Object[]> out;
            if (history) {
                out = history(s, consumer, start, count, now);
            } else if (group) {
                out = deliver(s, groups[i], consumer, start, count, noack, now);
            } else {
                out = new ArrayList<>();
                for (StreamEntry e : StreamCommands.collect(s.range(start, StreamId.MAX, false), count)) {
                    out.add(new Object[] {e.id(), e});
                }
            }
            served.add(new Served(keys.get(i), out));
        }
        if (!served.isEmpty()) {
            reply(ctx, served);
            if (group && ctx.isRetry()) {
                ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(withoutBlock(ctx.argv(), blockIdx)));
            }
            return;
        }
        if (timeout != -1) {
            if (ctx.isReplay() && !ctx.inExec() && !ctx.inScript()) {
                // A logged XREADGROUP BLOCK that served nothing blocked when it ran (it is logged
                // for the consumer it created): it wrote no reply then, and writes none now.
                return;
            }
            if (!ctx.canBlock()) {
                ctx.reply().nullArray();
                return;
            }
            ctx.block(keys, timeout, ReplySink::nullArray, resolveDollars(ctx, streamsArg + streamsCount, ids));
            return;
        }
        ctx.reply().nullArray();
    }

    /** getTimeoutFromObjectOrReply with UNIT_MILLISECONDS. */
    private static long blockTimeout(CommandContext ctx, int i) {
        long ms = ctx.longArg(i, "ERR timeout is not an integer or out of range");
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        if (ms > 0 && ms > Long.MAX_VALUE - ctx.nowMillis()) {
            throw new CommandError("ERR timeout is out of range");
        }
        return ms;
    }

    /**
     * Whether a retry runs the command: XREAD once a key holds a stream (else it keeps
     * waiting); XREADGROUP unless its key is gone, which answers -UNBLOCKED.
     */
    private static boolean retryProceeds(CommandContext ctx, List<byte[]> keys, boolean group) {
        boolean anyStream = false;
        for (byte[] k : keys) {
            Value v = ctx.db().lookupReadNoTouch(k);
            if (v != null && v.type() == ValueType.STREAM) {
                anyStream = true;
            } else if (group) {
                ctx.reply().error("UNBLOCKED the stream key no longer exists");
                return false;
            }
        }
        if (!anyStream) {
            // keep waiting where it was (the same keys keep its place and deadline)
            ctx.block(keys, 0, ReplySink::nullArray, ctx.argv());
            return false;
        }
        return true;
    }

    /** The arguments with each "$" replaced by the ID it meant (xreadCommand before blockForKeys). */
    private static byte[][] resolveDollars(CommandContext ctx, int firstId, StreamId[] ids) {
        byte[][] argv = ctx.argv().clone();
        for (int i = 0; i < ids.length; i++) {
            byte[] a = argv[firstId + i];
            if (a.length == 1 && a[0] == '$') {
                argv[firstId + i] = ids[i].toBytes();
            }
        }
        return argv;
    }

    private static byte[][] withoutBlock(byte[][] argv, int blockIdx) {
        if (blockIdx < 0) {
            return argv;
        }
        byte[][] out = new byte[argv.length - 2][];
        System.arraycopy(argv, 0, out, 0, blockIdx - 1);
        System.arraycopy(argv, blockIdx + 1, out, blockIdx - 1, argv.length - blockIdx - 1);
        return out;
    }

    /** streamReplyWithRange with a group: new entries, advancing the group and filling the PELs. */
    private static List<Object[]> deliver(StreamValue s, ConsumerGroup g, Consumer consumer, StreamId start, long count,
            boolean noack, long now) {
        List<Object[]> out = new ArrayList<>();
        Iterator<StreamEntry> it = s.range(start, StreamId.MAX, false);
        while (it.hasNext() && (count == 0 || out.size() < count)) {
            StreamEntry e = it.next();
            StreamId id = e.id();
            if (id.compareTo(g.lastId) > 0) {
                s.advanceGroup(g, id);
            }
            out.add(new Object[] {id, e});
            if (!noack) {
                PendingEntry p = g.pending().get(id);
                if (p == null) {
                    p = g.newUnowned(id, now);
                } else {
                    p.deliveryTime = now;
                    p.deliveryCount = 1;
                }
                g.assign(id, p, consumer);
                consumer.activeTime = now;
            }
        }
        return out;
    }

    /** streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from {@code start}. */
    private static List<Object[]> history(StreamValue s, Consumer consumer, StreamId start, long count, long now) {
        List<Object[]> out = new ArrayList<>();
        for (Map.Entry<StreamId, PendingEntry> pe : consumer.pending().tailMap(start, true).entrySet()) {
            if (count != 0 && out.size() >= count) {
                break;
            }
            StreamEntry e = s.entries().get(pe.getKey());
            if (e != null) {
                pe.getValue().deliveryTime = now;
                pe.getValue().deliveryCount++;
            }
            out.add(new Object[] {pe.getKey(), e});
        }
        return out;
    }

    private static void reply(CommandContext ctx, List<Served> served) {
        ReplySink r = ctx.reply();
        boolean resp3 = ctx.session().protocol() == 3;
        if (resp3) {
            r.map(served.size());
        } else {
            r.array(served.size());
        }
        for (Served sv : served) {
            if (!resp3) {
                r.array(2);
            }
            r.bulk(sv.key());
            r.array(sv.entries().size());
            for (Object[] o : sv.entries()) {
                if (o[1] == null) {
                    r.array(2);
                    StreamReplies.id(r, (StreamId) o[0]);
                    r.nullArray();
                } else {
                    StreamReplies.entry(r, (StreamEntry) o[1]);
                }
            }
        }
    }
}
