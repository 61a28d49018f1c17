package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.stream.StreamId;

/**
 * The options XADD and XTRIM share, parsed as t_stream.c's streamParseAddOrTrimArgsOrReply:
 * {@code MAXLEN|MINID [=|~] threshold [LIMIT count]}, and for XADD {@code NOMKSTREAM} and the
 * ID. Without LIMIT a {@code ~} trim is capped at 100 nodes' worth of entries.
 */
final class StreamAddTrimArgs {
    static final int NONE = 0;
    static final int MAXLEN = 1;
    static final int MINID = 2;

    int strategy = NONE;
    boolean approx;
    long limit;
    long maxlen;
    StreamId minId;
    boolean noMkstream;
    boolean idGiven;
    boolean seqGiven = true;
    StreamId id;
    /** The position of the ID argument (XADD). */
    int idPos;
    /** Positions of the threshold and of LIMIT, -1 when absent (for the logged form). */
    int thresholdIdx = -1;
    int limitIdx = -1;

    static StreamAddTrimArgs parse(CommandContext ctx, boolean xadd) {
        StreamAddTrimArgs a = new StreamAddTrimArgs();
        boolean limitGiven = false;
        int i = 2;
        int argc = ctx.argc();
        for (; i < argc; i++) {
            int moreargs = argc - 1 - i;
            byte[] opt = ctx.arg(i);
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if (ctx.argIs(i, "maxlen") && moreargs > 0) {
                a.checkNoStrategy();
                a.approx = a.approxMarker(ctx, i, moreargs);
                if (a.approx || isEquals(ctx.arg(i + 1), moreargs)) {
                    i++;
                }
                a.maxlen = ctx.longArg(i + 1);
                if (a.maxlen < 0) {
                    throw new CommandError("ERR The MAXLEN argument must be >= 0.");
                }
                i++;
                a.thresholdIdx = i;
                a.strategy = MAXLEN;
            } else if (ctx.argIs(i, "minid") && moreargs > 0) {
                a.checkNoStrategy();
                a.approx = a.approxMarker(ctx, i, moreargs);
                if (a.approx || isEquals(ctx.arg(i + 1), moreargs)) {
                    i++;
                }
                a.minId = StreamIdArgs.strict(ctx.arg(i + 1));
                i++;
                a.thresholdIdx = i;
                a.strategy = MINID;
            } else if (ctx.argIs(i, "limit") && moreargs > 0) {
                a.limit = ctx.longArg(i + 1);
                if (a.limit < 0) {
                    throw new CommandError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                a.limitIdx = i;
                i++;
            } else if (xadd && ctx.argIs(i, "nomkstream")) {
                a.noMkstream = true;
            } else if (xadd) {
                StreamIdArgs.Parsed p = StreamIdArgs.parse(opt, 0, true, true);
                a.id = p.id();
                a.seqGiven = p.seqGiven();
                a.idGiven = true;
                break;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (a.limit != 0 && a.strategy == NONE) {
            throw new CommandError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && a.strategy == NONE) {
            throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
        }
        if (limitGiven) {
            if (!a.approx) {
                throw new CommandError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (a.approx) {
            long perNode = ctx.config().streamNodeMaxEntries.get();
            a.limit = perNode > Long.MAX_VALUE / 100 ? -1 : 100 * perNode;
            if (a.limit <= 0) {
                a.limit = 10000;
            }
            if (a.limit > 1000000) {
                a.limit = 1000000;
            }
        } else {
            a.limit = 0;
        }
        a.idPos = i;
        return a;
    }

    private void checkNoStrategy() {
        if (strategy != NONE) {
            throw new CommandError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        }
    }

    private boolean approxMarker(CommandContext ctx, int i, int moreargs) {
        byte[] next = ctx.arg(i + 1);
        return moreargs >= 2 && next.length == 1 && next[0] == '~';
    }

    private static boolean isEquals(byte[] next, int moreargs) {
        return moreargs >= 2 && next.length == 1 && next[0] == '=';
    }

    /**
     * After a {@code ~} trim, logs the command as Redis propagates it: {@code = <what is left>}
     * (the length for MAXLEN, the first ID for MINID) and no LIMIT, so a replay removes the
     * same entries whatever its node settings. Inside MULTI and scripts the unit is logged
     * as received.
     */
    void logExact(CommandContext ctx, io.vellum.core.types.StreamValue s) {
        if (!approx || ctx.inExec() || ctx.inScript() || ctx.isReplay()) {
            return;
        }
        java.util.List<byte[]> out = new java.util.ArrayList<>(ctx.argc());
        for (int i = 0; i < ctx.argc(); i++) {
            if (limitIdx >= 0 && (i == limitIdx || i == limitIdx + 1)) {
                continue;
            }
            if (i == thresholdIdx - 1) {
                out.add(new byte[] {'='});
            } else if (i == thresholdIdx) {
                out.add(strategy == MAXLEN ? io.vellum.core.util.Text.latin1(Long.toString(s.length()))
                        : s.entries().firstIdWithTombstones().toBytes());
            } else {
                out.add(ctx.arg(i));
            }
        }
        ctx.logAs(io.vellum.core.spi.UnitRecord.Kind.COMMAND, java.util.List.<byte[][]>of(out.toArray(new byte[0][])));
    }

    /** Trims {@code s} as parsed; the number of entries removed. */
    long trim(io.vellum.core.types.StreamValue s) {
        if (strategy == NONE) {
            return 0;
        }
        return s.trim(maxlen, strategy == MINID ? minId : null, approx, limit);
    }
}
