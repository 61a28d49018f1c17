package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.ZRange;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.Doubles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Sorted-set commands (Redis's t_zset.c): this class binds them all and holds the single-key
 * ones (ZADD, ranks, ranges, ZSCAN, ZRANDMEMBER); {@link ZSetAlgebraCommands} has
 * ZUNION/ZINTER/ZDIFF and {@link ZSetPopCommands} the pops, blocking ones included.
 *
 * <p>Rank and range commands cost O(log n) plus the elements returned: range bounds are
 * found with the skip list's spans ({@link ZSetValue#countBelow}), never by walking.
 */
public final class ZSetCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("zadd", ZSetCommands::zadd)
                .bind("zincrby", ZSetCommands::zincrby)
                .bind("zrem", ZSetCommands::zrem)
                .bind("zcard", ZSetCommands::zcard)
                .bind("zscore", ZSetCommands::zscore)
                .bind("zmscore", ZSetCommands::zmscore)
                .bind("zrank", ZSetCommands::zrank)
                .bind("zrevrank", ZSetCommands::zrevrank)
                .bind("zcount", ZSetCommands::zcount)
                .bind("zlexcount", ZSetCommands::zlexcount)
                .bind("zrange", ZSetCommands::zrange)
                .bind("zrangestore", ZSetCommands::zrangestore)
                .bind("zrevrange", ZSetCommands::zrevrange)
                .bind("zrangebyscore", ZSetCommands::zrangebyscore)
                .bind("zrevrangebyscore", ZSetCommands::zrevrangebyscore)
                .bind("zrangebylex", ZSetCommands::zrangebylex)
                .bind("zrevrangebylex", ZSetCommands::zrevrangebylex)
                .bind("zremrangebyrank", ZSetCommands::zremrangebyrank)
                .bind("zremrangebyscore", ZSetCommands::zremrangebyscore)
                .bind("zremrangebylex", ZSetCommands::zremrangebylex)
                .bind("zscan", ZSetCommands::zscan)
                .bind("zrandmember", ZSetCommands::zrandmember);
        ZSetAlgebraCommands.register(b);
        ZSetPopCommands.register(b);
    }

    // ------------------------------------------------------------------ helpers

    /** The sorted set at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static ZSetValue readZset(CommandContext ctx, byte[] key) {
        Value v = ctx.db().lookupRead(key);
        if (v != null && v.type() != ValueType.ZSET) {
            throw Errors.E_WRONG_TYPE;
        }
        return (ZSetValue) v;
    }

    /** The sorted set at {@code key} for changing in place, null if absent; WRONGTYPE for other types. */
    static ZSetValue writeZset(CommandContext ctx, byte[] key) {
        Value v = ctx.db().lookupWrite(key);
        if (v != null && v.type() != ValueType.ZSET) {
            throw Errors.E_WRONG_TYPE;
        }
        return (ZSetValue) v;
    }

    /**
     * One element of a range reply: the member, then (with scores) the score as a double;
     * in RESP3 a scored element is a two-element array (Redis's addReplyArrayLen(c,2)).
     */
    static void replyElement(ReplySink out, byte[] member, double score, boolean withScores) {
        if (withScores && out.protocol() > 2) {
            out.array(2);
        }
        out.bulk(member);
        if (withScores) {
            out.doubleValue(score);
        }
    }

    /** The array header for {@code n} elements: RESP2 flattens scored elements to 2n. */
    static void replyElementsHeader(ReplySink out, long n, boolean withScores) {
        out.array((int) (withScores && out.protocol() == 2 ? n * 2 : n));
    }

    private static final Pattern STRTOD = Pattern.compile(
            "[+-]?(?:inf|infinity"
                    + "|0x(?:[0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(?:p[+-]?[0-9]+)?"
                    + "|(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e[+-]?[0-9]+)?)",
            Pattern.CASE_INSENSITIVE);

    /**
     * One end of a score range as Redis's zslParseRange reads it: an optional "(" then C's
     * strtod on the rest of the C string. Unlike a score argument, leading white space, an
     * empty string (0), overflow (inf) and underflow (0) are accepted. NaN (and anything
     * strtod does not consume entirely) is refused.
     */
    static double scoreBound(byte[] arg, boolean[] exclusive) {
        int end = 0;
        while (end < arg.length && arg[end] != 0) {
            end++;
        }
        int i = 0;
        if (end > 0 && arg[0] == '(') {
            exclusive[0] = true;
            i = 1;
        }
        if (i == end) {
            return 0;
        }
        int start = i;
        while (start < end && (arg[start] == ' ' || (arg[start] >= '\t' && arg[start] <= '\r'))) {
            start++;
        }
        String s = new String(arg, start, end - start, StandardCharsets.ISO_8859_1);
        if (!STRTOD.matcher(s).matches()) {
            throw new CommandError("ERR min or max is not a float");
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        boolean negative = lower.startsWith("-");
        String body = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (body.startsWith("inf")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.startsWith("0x") && body.indexOf('p') < 0) {
            lower = lower + "p0";
        }
        return Double.parseDouble(lower);
    }

    static ZRange.Score scoreRange(CommandContext ctx, int minIdx, int maxIdx) {
        boolean[] minEx = {false};
        boolean[] maxEx = {false};
        double min = scoreBound(ctx.arg(minIdx), minEx);
        double max = scoreBound(ctx.arg(maxIdx), maxEx);
        return new ZRange.Score(min, minEx[0], max, maxEx[0]);
    }

    private static final CommandError LEX_ERROR = new CommandError("ERR min or max not valid string range item");

    /** zslParseLexRange: "-", "+", "(member" or "[member" (C strings: "+\0x" reads as "+"). */
    static ZRange.Lex lexRange(CommandContext ctx, int minIdx, int maxIdx) {
        byte[] a = ctx.arg(minIdx);
        byte[] b = ctx.arg(maxIdx);
        ZRange.Bound minKind = lexKind(a);
        ZRange.Bound maxKind = lexKind(b);
        return new ZRange.Lex(minKind, lexMember(a, minKind), minKind != ZRange.Bound.MEMBER || a[0] == '(',
                maxKind, lexMember(b, maxKind), maxKind != ZRange.Bound.MEMBER || b[0] == '(');
    }

    private static ZRange.Bound lexKind(byte[] a) {
        if (a.length == 0) {
            throw LEX_ERROR;
        }
        switch (a[0]) {
            case '+', '-' -> {
                if (a.length > 1 && a[1] != 0) {
                    throw LEX_ERROR;
                }
                return a[0] == '+' ? ZRange.Bound.PLUS : ZRange.Bound.MINUS;
            }
            case '(', '[' -> {
                return ZRange.Bound.MEMBER;
            }
            default -> throw LEX_ERROR;
        }
    }

    private static byte[] lexMember(byte[] a, ZRange.Bound kind) {
        return kind == ZRange.Bound.MEMBER ? Arrays.copyOfRange(a, 1, a.length) : null;
    }

    // ------------------------------------------------------------------ ZADD, ZINCRBY, ZREM

    private static final String NAN_ERROR = "ERR resulting score is not a number (NaN)";

    /* ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] */
    static void zadd(CommandContext ctx) {
        zaddGeneric(ctx, 0);
    }

    /* ZINCRBY key increment member */
    static void zincrby(CommandContext ctx) {
        zaddGeneric(ctx, ZSetValue.IN_INCR);
    }

    /** Redis's zaddGenericCommand. */
    private static void zaddGeneric(CommandContext ctx, int flags) {
        int scoreIdx = 2;
        boolean ch = false;
        for (; scoreIdx < ctx.argc(); scoreIdx++) {
            if (ctx.argIs(scoreIdx, "nx")) {
                flags |= ZSetValue.IN_NX;
            } else if (ctx.argIs(scoreIdx, "xx")) {
                flags |= ZSetValue.IN_XX;
            } else if (ctx.argIs(scoreIdx, "ch")) {
                ch = true;
            } else if (ctx.argIs(scoreIdx, "incr")) {
                flags |= ZSetValue.IN_INCR;
            } else if (ctx.argIs(scoreIdx, "gt")) {
                flags |= ZSetValue.IN_GT;
            } else if (ctx.argIs(scoreIdx, "lt")) {
                flags |= ZSetValue.IN_LT;
            } else {
                break;
            }
        }
        boolean incr = (flags & ZSetValue.IN_INCR) != 0;
        boolean nx = (flags & ZSetValue.IN_NX) != 0;
        boolean xx = (flags & ZSetValue.IN_XX) != 0;
        boolean gt = (flags & ZSetValue.IN_GT) != 0;
        boolean lt = (flags & ZSetValue.IN_LT) != 0;
        int elements = ctx.argc() - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw Errors.E_SYNTAX;
        }
        elements /= 2;
        if (nx && xx) {
            throw new CommandError("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw new CommandError("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = ctx.doubleArg(scoreIdx + j * 2);
        }
        byte[] key = ctx.arg(1);
        ZSetValue z = writeZset(ctx, key);
        boolean created = false;
        String encodingBefore = null;
        int added = 0;
        int updated = 0;
        int processed = 0;
        double score = 0;
        if (z == null) {
            if (!xx) {
                z = ZSetValue.create(elements, ctx.arg(scoreIdx + 1).length, ZSetValue.Limits.of(ctx.config()));
                created = true;
            }
        } else {
            encodingBefore = z.encoding();
            z.maybeConvert(elements, ZSetValue.Limits.of(ctx.config()));
        }
        if (z != null) {
            ZSetValue.Limits l = ZSetValue.Limits.of(ctx.config());
            double[] newScore = new double[1];
            for (int j = 0; j < elements; j++) {
                int out = z.add(scores[j], ctx.arg(scoreIdx + 1 + j * 2), flags, newScore, l);
                if ((out & ZSetValue.OUT_NAN) != 0) {
                    // only INCR can get here, before anything changed
                    throw new CommandError(NAN_ERROR);
                }
                if ((out & ZSetValue.OUT_ADDED) != 0) {
                    added++;
                }
                if ((out & ZSetValue.OUT_UPDATED) != 0) {
                    updated++;
                }
                if ((out & ZSetValue.OUT_NOP) == 0) {
                    processed++;
                }
                score = newScore[0];
            }
            if (created) {
                ctx.db().add(key, z);
            } else if (added + updated > 0 || !z.encoding().equals(encodingBefore)) {
                ctx.db().signalModified(key);
            }
        }
        if (incr) {
            if (processed > 0) {
                ctx.reply().doubleValue(score);
            } else {
                ctx.reply().nullBulk();
            }
        } else {
            ctx.reply().integer(ch ? added + updated : added);
        }
    }

    /* ZREM key member [member ...] */
    static void zrem(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        ZSetValue z = writeZset(ctx, key);
        if (z == null) {
            ctx.reply().integer(0);
            return;
        }
        int deleted = 0;
        for (int j = 2; j < ctx.argc() && !z.isEmpty(); j++) {
            if (z.remove(ctx.arg(j))) {
                deleted++;
            }
        }
        if (deleted > 0) {
            SetCommands.changed(ctx.db(), key, z.isEmpty());
        }
        ctx.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ lookups

    /* ZCARD key */
    static void zcard(CommandContext ctx) {
        ZSetValue z = readZset(ctx, ctx.arg(1));
        ctx.reply().integer(z == null ? 0 : z.size());
    }

    /* ZSCORE key member */
    static void zscore(CommandContext ctx) {
        ZSetValue z = readZset(ctx, ctx.arg(1));
        double s = z == null ? Double.NaN : z.score(ctx.arg(2));
        if (Double.isNaN(s)) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().doubleValue(s);
        }
    }

    /* ZMSCORE key member [member ...] */
    static void zmscore(CommandContext ctx) {
        ZSetValue z = readZset(ctx, ctx.arg(1));
        ctx.reply().array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            double s = z == null ? Double.NaN : z.score(ctx.arg(j));
            if (Double.isNaN(s)) {
                ctx.reply().nullBulk();
            } else {
                ctx.reply().doubleValue(s);
            }
        }
    }

    /* ZRANK key member [WITHSCORE] */
    static void zrank(CommandContext ctx) {
        zrankGeneric(ctx, false);
    }

    /* ZREVRANK key member [WITHSCORE] */
    static void zrevrank(CommandContext ctx) {
        zrankGeneric(ctx, true);
    }

    private static void zrankGeneric(CommandContext ctx, boolean reverse) {
        if (ctx.argc() > 4) {
            throw new CommandError(Errors.wrongArgs(ctx.spec().fullName()));
        }
        boolean withScore = false;
        if (ctx.argc() == 4) {
            if (!ctx.argIs(3, "withscore")) {
                throw Errors.E_SYNTAX;
            }
            withScore = true;
        }
        ZSetValue z = readZset(ctx, ctx.arg(1));
        long rank = z == null ? -1 : z.rank(ctx.arg(2), reverse);
        ReplySink out = ctx.reply();
        if (rank < 0) {
            if (withScore) {
                out.nullArray();
            } else {
                out.nullBulk();
            }
            return;
        }
        if (withScore) {
            out.array(2);
            out.integer(rank);
            out.doubleValue(z.score(ctx.arg(2)));
        } else {
            out.integer(rank);
        }
    }

    /* ZCOUNT key min max */
    static void zcount(CommandContext ctx) {
        ZRange.Score r = scoreRange(ctx, 2, 3);
        ZSetValue z = readZset(ctx, ctx.arg(1));
        ctx.reply().integer(z == null || r.isEmpty() ? 0 : Math.max(0, z.countThrough(r) - z.countBelow(r)));
    }

    /* ZLEXCOUNT key min max */
    static void zlexcount(CommandContext ctx) {
        ZRange.Lex r = lexRange(ctx, 2, 3);
        ZSetValue z = readZset(ctx, ctx.arg(1));
        Node first = z == null ? null : z.firstInLex(r);
        long count = 0;
        if (first != null && z.isListpack()) {
            count = runInLex(first, r);
        } else if (first != null) {
            // zlexcountCommand: from the ranks of the first and the last element, O(log n)
            Node last = z.lastInLex(r);
            count = last == null ? 0 : Math.max(0, z.rank(last.member(), false) - z.rank(first.member(), false) + 1);
        }
        ctx.reply().integer(count);
    }

    /** How many elements from {@code first} on stay at most the range's maximum. */
    private static long runInLex(Node first, ZRange.Lex r) {
        long n = 0;
        for (Node x = first; x != null && r.lteMax(x.member()); x = x.next()) {
            n++;
        }
        return n;
    }

    /**
     * A lex range as Redis's genericZrangebylexCommand walks it: from its first (or, reversed,
     * last) element, skip {@code offset} elements unchecked, then take elements while they
     * stay in range, at most {@code limit} (negative: no limit). A skiplist skips the offset
     * by rank, O(log n).
     */
    private static List<Node> lexWalk(ZSetValue z, ZRange.Lex r, long offset, long limit, boolean rev) {
        List<Node> out = new ArrayList<>();
        Node n = rev ? z.lastInLex(r) : z.firstInLex(r);
        if (n != null && offset > 0 && !z.isListpack()) {
            long rank = z.rank(n.member(), false) + (rev ? -offset : offset);
            n = z.byRank(rank);
            offset = 0;
        }
        for (long i = 0; i < offset && n != null; i++) {
            n = rev ? n.prev() : n.next();
        }
        for (; n != null && limit-- != 0; n = rev ? n.prev() : n.next()) {
            if (rev ? !r.gteMin(n.member()) : !r.lteMax(n.member())) {
                break;
            }
            out.add(n);
        }
        return out;
    }

    // ------------------------------------------------------------------ ranges

    private enum RangeType { AUTO, RANK, SCORE, LEX }

    /* ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES] */
    static void zrange(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.AUTO, null);
    }

    /* ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count] */
    static void zrangestore(CommandContext ctx) {
        zrangeGeneric(ctx, 2, true, RangeType.AUTO, null);
    }

    /* ZREVRANGE key start stop [WITHSCORES] */
    static void zrevrange(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.RANK, true);
    }

    /* ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
    static void zrangebyscore(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.SCORE, false);
    }

    /* ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] */
    static void zrevrangebyscore(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.SCORE, true);
    }

    /* ZRANGEBYLEX key min max [LIMIT offset count] */
    static void zrangebylex(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.LEX, false);
    }

    /* ZREVRANGEBYLEX key max min [LIMIT offset count] */
    static void zrevrangebylex(CommandContext ctx) {
        zrangeGeneric(ctx, 1, false, RangeType.LEX, true);
    }

    /**
     * Redis's zrangeGenericCommand: every ZRANGE form. {@code reverse} null means REV may be
     * given; {@code argStart} is the source key's index (the destination precedes it for
     * ZRANGESTORE).
     */
    private static void zrangeGeneric(CommandContext ctx, int argStart, boolean store, RangeType type, Boolean reverse) {
        int minIdx = argStart + 1;
        int maxIdx = argStart + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = argStart + 3; j < ctx.argc(); j++) {
            int left = ctx.argc() - j - 1;
            if (!store && ctx.argIs(j, "withscores")) {
                withScores = true;
            } else if (ctx.argIs(j, "limit") && left >= 2) {
                offset = ctx.longArg(j + 1);
                limit = ctx.longArg(j + 2);
                j += 2;
            } else if (reverse == null && ctx.argIs(j, "rev")) {
                reverse = true;
            } else if (type == RangeType.AUTO && ctx.argIs(j, "bylex")) {
                type = RangeType.LEX;
            } else if (type == RangeType.AUTO && ctx.argIs(j, "byscore")) {
                type = RangeType.SCORE;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean rev = reverse != null && reverse;
        if (type == RangeType.AUTO) {
            type = RangeType.RANK;
        }
        if (limit != -1 && type == RangeType.RANK) {
            throw new CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == RangeType.LEX) {
            throw new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        if (rev && type != RangeType.RANK) {
            int t = minIdx;
            minIdx = maxIdx;
            maxIdx = t;
        }
        long start = 0;
        long end = 0;
        ZRange.Score scoreRange = null;
        ZRange.Lex lexRange = null;
        switch (type) {
            case SCORE -> scoreRange = scoreRange(ctx, minIdx, maxIdx);
            case LEX -> lexRange = lexRange(ctx, minIdx, maxIdx);
            default -> {
                start = ctx.longArg(minIdx);
                end = ctx.longArg(maxIdx);
            }
        }
        ZSetValue z = readZset(ctx, ctx.arg(argStart));
        // the selection: `count` elements from 0-based rank `from`, walking down when rev
        // (or, for a lex range, the elements Redis's walk takes)
        long from = 0;
        long count = 0;
        long sizeHint = 0;
        List<Node> walked = null;
        if (z != null && type == RangeType.LEX) {
            boolean validOffset = offset >= 0 && (offset == 0 || offset < z.size());
            walked = validOffset ? lexWalk(z, lexRange, offset, limit, rev) : List.of();
            count = walked.size();
        } else if (z != null) {
            long llen = z.size();
            if (type == RangeType.RANK) {
                if (start < 0) {
                    start += llen;
                }
                if (end < 0) {
                    end += llen;
                }
                if (start < 0) {
                    start = 0;
                }
                if (start <= end && start < llen) {
                    if (end >= llen) {
                        end = llen - 1;
                    }
                    count = end - start + 1;
                    from = rev ? llen - 1 - start : start;
                }
                sizeHint = count;
            } else if (offset >= 0 && (offset == 0 || offset < llen) && !scoreRange.isEmpty()) {
                // scores are sorted: the range is ranks [lo, hi), found in O(log n)
                long lo = z.countBelow(scoreRange);
                long hi = z.countThrough(scoreRange);
                long inRange = Math.max(0, hi - lo) - offset;
                if (inRange > 0) {
                    count = limit < 0 ? inRange : Math.min(inRange, limit);
                    from = rev ? hi - 1 - offset : lo + offset;
                }
            }
        }
        ZSetValue.Limits l = store ? ZSetValue.Limits.of(ctx.config()) : null;
        ZSetValue result = store ? ZSetValue.create(sizeHint, 0, l) : null;
        double[] ignored = new double[1];
        ReplySink out = ctx.reply();
        if (!store) {
            replyElementsHeader(out, count, withScores);
        }
        Node n = walked != null || count == 0 ? null : z.byRank(from);
        for (int i = 0; i < count; i++) {
            if (walked != null) {
                n = walked.get(i);
            }
            if (store) {
                // ZRANGESTORE adds one by one, as Redis's zsetAdd, converting as the set grows
                result.add(n.score(), n.member(), 0, ignored, l);
            } else {
                replyElement(out, n.member(), n.score(), withScores);
            }
            if (walked == null) {
                n = rev ? n.prev() : n.next();
            }
        }
        if (store) {
            SetCommands.store(ctx, ctx.arg(1), result, result.size());
        }
    }

    // ------------------------------------------------------------------ range removal

    /* ZREMRANGEBYRANK key start stop */
    static void zremrangebyrank(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        ZSetValue z = writeZset(ctx, ctx.arg(1));
        if (z == null) {
            ctx.reply().integer(0);
            return;
        }
        long llen = z.size();
        if (start < 0) {
            start += llen;
        }
        if (end < 0) {
            end += llen;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            ctx.reply().integer(0);
            return;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        removeRange(ctx, z, start, end + 1);
    }

    /* ZREMRANGEBYSCORE key min max */
    static void zremrangebyscore(CommandContext ctx) {
        ZRange.Score r = scoreRange(ctx, 2, 3);
        ZSetValue z = writeZset(ctx, ctx.arg(1));
        if (z == null || r.isEmpty()) {
            ctx.reply().integer(0);
            return;
        }
        removeRange(ctx, z, z.countBelow(r), z.countThrough(r));
    }

    /* ZREMRANGEBYLEX key min max */
    static void zremrangebylex(CommandContext ctx) {
        ZRange.Lex r = lexRange(ctx, 2, 3);
        ZSetValue z = writeZset(ctx, ctx.arg(1));
        if (z == null) {
            ctx.reply().integer(0);
            return;
        }
        // zzlDeleteRangeByLex / zslDeleteRangeByLex: from the first element while at most max
        Node first = z.firstInLex(r);
        long from = first == null ? 0 : z.rank(first.member(), false);
        removeRange(ctx, z, from, first == null ? 0 : from + runInLex(first, r));
    }

    /** Removes 0-based ranks [from, to) and replies with how many went. */
    private static void removeRange(CommandContext ctx, ZSetValue z, long from, long to) {
        int removed = to > from ? z.removeRange((int) from, (int) to - 1) : 0;
        if (removed > 0) {
            SetCommands.changed(ctx.db(), ctx.arg(1), z.isEmpty());
        }
        ctx.reply().integer(removed);
    }

    // ------------------------------------------------------------------ scan and random

    /* ZSCAN key cursor [MATCH pattern] [COUNT count] */
    static void zscan(CommandContext ctx) {
        ScanArgs.parseCursor(ctx.arg(2));
        ZSetValue z = readZset(ctx, ctx.arg(1));
        if (z == null) {
            SetCommands.emptyScan(ctx.reply());
            return;
        }
        ScanArgs args = ScanArgs.parse(ctx, 2, false);
        List<byte[]> found = new ArrayList<>();
        long next = 0;
        if (z.isListpack()) {
            // everything at once, in the listpack's (score) order, scores as the listpack holds them
            for (Node n = z.first(); n != null; n = n.next()) {
                if (args.matches(n.member())) {
                    found.add(n.member());
                    found.add(Doubles.format(n.score()).getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        } else {
            // scanCallback prints skiplist scores with ld2string(LD_STR_AUTO), "%.17Lg"
            next = z.scan(args.cursor, args.count, n -> {
                if (args.matches(n.member())) {
                    found.add(n.member());
                    found.add(Doubles.formatG(n.score(), 17).getBytes(StandardCharsets.ISO_8859_1));
                }
            });
        }
        ReplySink out = ctx.reply();
        out.array(2);
        out.bulk(ScanArgs.formatCursor(next));
        out.array(found.size());
        for (byte[] b : found) {
            out.bulk(b);
        }
    }

    /** Redis's ZRANDMEMBER_SUB_STRATEGY_MUL. */
    private static final int ZRANDMEMBER_SUB_STRATEGY_MUL = 3;

    /* ZRANDMEMBER key [count [WITHSCORES]] */
    static void zrandmember(CommandContext ctx) {
        if (ctx.argc() >= 3) {
            long l = SetCommands.rangeLong(ctx, 2, -Long.MAX_VALUE, Long.MAX_VALUE, null);
            if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.argIs(3, "withscores"))) {
                throw Errors.E_SYNTAX;
            }
            boolean withScores = ctx.argc() == 4;
            if (withScores && (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2)) {
                throw new CommandError("ERR value is out of range");
            }
            zrandmemberWithCount(ctx, l, withScores);
            return;
        }
        ZSetValue z = readZset(ctx, ctx.arg(1));
        if (z == null) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().bulk(z.randomNode(ctx.random()).member());
        }
    }

    private static void zrandmemberWithCount(CommandContext ctx, long l, boolean withScores) {
        ZSetValue z = readZset(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        long count = Math.abs(l);
        if (z == null || count == 0) {
            out.array(0);
            return;
        }
        java.util.random.RandomGenerator random = ctx.random();
        int size = z.size();
        if (l < 0 || count == 1) {
            out.array(SetCommands.replyLength(withScores && out.protocol() == 2 ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                Node n = z.randomNode(random);
                replyElement(out, n.member(), n.score(), withScores);
            }
            return;
        }
        if (count >= size) {
            // Redis walks the whole set from its highest element down
            replyElementsHeader(out, size, withScores);
            for (Node n = z.last(); n != null; n = n.prev()) {
                replyElement(out, n.member(), n.score(), withScores);
            }
            return;
        }
        int n = (int) count;
        replyElementsHeader(out, n, withScores);
        if (z.isListpack()) {
            // a listpack samples distinct elements in its own (ascending) order
            int left = size;
            int need = n;
            for (Node x = z.first(); x != null && need > 0; x = x.next()) {
                if (random.nextInt(left) < need) {
                    replyElement(out, x.member(), x.score(), withScores);
                    need--;
                }
                left--;
            }
            return;
        }
        if ((long) n * ZRANDMEMBER_SUB_STRATEGY_MUL > size) {
            // drop random elements from a copy of the whole set
            List<Node> all = new ArrayList<>(size);
            for (Node x = z.first(); x != null; x = x.next()) {
                all.add(x);
            }
            while (all.size() > n) {
                int i = random.nextInt(all.size());
                all.set(i, all.get(all.size() - 1));
                all.remove(all.size() - 1);
            }
            for (Node x : all) {
                replyElement(out, x.member(), x.score(), withScores);
            }
            return;
        }
        java.util.IdentityHashMap<Node, Boolean> picked = new java.util.IdentityHashMap<>(n * 2);
        while (picked.size() < n) {
            Node x = z.randomNode(random);
            if (picked.put(x, Boolean.TRUE) == null) {
                replyElement(out, x.member(), x.score(), withScores);
            }
        }
    }
}
