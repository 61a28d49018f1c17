package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.Doubles;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Predicate;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's
 * zunionInterDiffGenericCommand). Inputs may be sorted sets or sets (members score 1).
 * Scores are combined in Redis's order (inputs sorted by size, stably, for union and
 * intersection) so floating-point sums come out identical.
 */
final class ZSetAlgebraCommands {
    private ZSetAlgebraCommands() {
    }

    static void register(CommandTable.Binder b) {
        b.bind("zunion", ctx -> generic(ctx, null, 1, Op.UNION, false))
                .bind("zinter", ctx -> generic(ctx, null, 1, Op.INTER, false))
                .bind("zdiff", ctx -> generic(ctx, null, 1, Op.DIFF, false))
                .bind("zunionstore", ctx -> generic(ctx, ctx.arg(1), 2, Op.UNION, false))
                .bind("zinterstore", ctx -> generic(ctx, ctx.arg(1), 2, Op.INTER, false))
                .bind("zdiffstore", ctx -> generic(ctx, ctx.arg(1), 2, Op.DIFF, false))
                .bind("zintercard", ctx -> generic(ctx, null, 1, Op.INTER, true));
    }

    private enum Op { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    /** One input: a sorted set, a set, or nothing (a missing key), with its weight. */
    private static final class Source {
        final Value value;
        double weight = 1.0;

        Source(Value value) {
            this.value = value;
        }

        int size() {
            if (value == null) {
                return 0;
            }
            return value instanceof ZSetValue z ? z.size() : ((SetValue) value).size();
        }

        /** The member's score here (1 for a set member), NaN when absent. */
        double find(byte[] member) {
            if (value instanceof ZSetValue z) {
                return z.score(member);
            }
            return value != null && ((SetValue) value).contains(member) ? 1.0 : Double.NaN;
        }

        interface Visitor {
            boolean visit(byte[] member, double score);
        }

        /** Visits every element until {@code v} returns false. */
        void forEachWhile(Visitor v) {
            if (value instanceof ZSetValue z) {
                for (Node n = z.first(); n != null; n = n.next()) {
                    if (!v.visit(n.member(), n.score())) {
                        return;
                    }
                }
            } else if (value != null) {
                ((SetValue) value).forEachWhile((Predicate<byte[]>) m -> v.visit(m, 1.0));
            }
        }
    }

    /*
     * ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
     * ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
     * ZDIFF numkeys key [key ...] [WITHSCORES]
     * ZUNIONSTORE / ZINTERSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]
     * ZDIFFSTORE destination numkeys key [key ...]
     * ZINTERCARD numkeys key [key ...] [LIMIT limit]
     */
    private static void generic(CommandContext ctx, byte[] dst, int numkeysIdx, Op op, boolean cardinalityOnly) {
        long setnum = ctx.longArg(numkeysIdx);
        if (setnum < 1) {
            throw new CommandError("ERR at least 1 input key is needed for '" + ctx.spec().fullName() + "' command");
        }
        if (setnum > ctx.argc() - (numkeysIdx + 1)) {
            throw Errors.E_SYNTAX;
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Value v = ctx.db().lookupRead(ctx.arg(j));
            if (v != null && v.type() != ValueType.ZSET && v.type() != ValueType.SET) {
                throw Errors.E_WRONG_TYPE;
            }
            src[i] = new Source(v);
        }
        Aggregate aggregate = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < ctx.argc()) {
            int remaining = ctx.argc() - j;
            if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && ctx.argIs(j, "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    double w = Doubles.parse(ctx.arg(j));
                    if (Double.isNaN(w)) {
                        throw new CommandError("ERR weight value is not a float");
                    }
                    src[i].weight = w;
                }
            } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && ctx.argIs(j, "aggregate")) {
                j++;
                if (ctx.argIs(j, "sum")) {
                    aggregate = Aggregate.SUM;
                } else if (ctx.argIs(j, "min")) {
                    aggregate = Aggregate.MIN;
                } else if (ctx.argIs(j, "max")) {
                    aggregate = Aggregate.MAX;
                } else {
                    throw Errors.E_SYNTAX;
                }
                j++;
            } else if (dst == null && !cardinalityOnly && ctx.argIs(j, "withscores")) {
                j++;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && ctx.argIs(j, "limit")) {
                j++;
                limit = SetCommands.rangeLong(ctx, j, 0, Long.MAX_VALUE, "LIMIT can't be negative");
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (op != Op.DIFF) {
            // smallest first, stably (glibc's qsort is a merge sort)
            Arrays.sort(src, Comparator.comparingInt(Source::size));
        }
        if (cardinalityOnly) {
            ctx.reply().integer(interCardinality(src, limit));
            return;
        }
        ZSetValue result = ZSetValue.newSkiplist();
        switch (op) {
            case INTER -> inter(src, aggregate, result);
            case UNION -> union(src, aggregate, result);
            case DIFF -> diff(src, result);
        }
        if (dst != null) {
            if (!result.isEmpty()) {
                int maxLen = 0;
                for (Node x = result.first(); x != null; x = x.next()) {
                    maxLen = Math.max(maxLen, x.member().length);
                }
                result.convertToListpackIfNeeded(maxLen, ZSetValue.Limits.of(ctx.config()));
            }
            SetCommands.store(ctx, dst, result, result.size());
            return;
        }
        ReplySink out = ctx.reply();
        ZSetCommands.replyElementsHeader(out, result.size(), withScores);
        for (Node x = result.first(); x != null; x = x.next()) {
            ZSetCommands.replyElement(out, x.member(), x.score(), withScores);
        }
    }

    /** Redis's zunionInterAggregate (a SUM of +inf and -inf is 0). */
    private static double aggregate(double target, double value, Aggregate a) {
        return switch (a) {
            case SUM -> {
                double s = target + value;
                yield Double.isNaN(s) ? 0.0 : s;
            }
            case MIN -> value < target ? value : target;
            case MAX -> value > target ? value : target;
        };
    }

    /** The combined score of a member of the smallest input found in every input, or NaN. */
    private static double interScore(Source[] src, byte[] member, double score0, Aggregate a) {
        double score = src[0].weight * score0;
        if (Double.isNaN(score)) {
            score = 0;
        }
        for (int j = 1; j < src.length; j++) {
            double value;
            if (src[j].value == src[0].value) {
                value = score0 * src[j].weight;
            } else {
                value = src[j].find(member);
                if (Double.isNaN(value)) {
                    return Double.NaN;
                }
                value *= src[j].weight;
            }
            score = aggregate(score, value, a);
        }
        return score;
    }

    private static void inter(Source[] src, Aggregate a, ZSetValue result) {
        src[0].forEachWhile((m, s) -> {
            double score = interScore(src, m, s, a);
            if (!Double.isNaN(score)) {
                result.insertNew(m, score);
            }
            return true;
        });
    }

    private static long interCardinality(Source[] src, long limit) {
        long[] count = {0};
        src[0].forEachWhile((m, s) -> {
            if (!Double.isNaN(interScore(src, m, s, Aggregate.SUM))) {
                count[0]++;
            }
            return limit == 0 || count[0] < limit;
        });
        return count[0];
    }

    private static void union(Source[] src, Aggregate a, ZSetValue result) {
        OrderedDict<double[]> acc = new OrderedDict<>(src.length == 0 ? 4 : src[src.length - 1].size());
        for (Source s : src) {
            s.forEachWhile((m, score0) -> {
                double score = s.weight * score0;
                if (Double.isNaN(score)) {
                    score = 0;
                }
                double[] cur = acc.get(m);
                if (cur == null) {
                    acc.put(m, new double[] {score});
                } else {
                    cur[0] = aggregate(cur[0], score, a);
                }
                return true;
            });
        }
        acc.forEach((m, score) -> result.insertNew(m, score[0]));
    }

    /** The first input's elements found in no other input (all of them gone if an input is the first itself). */
    private static void diff(Source[] src, ZSetValue result) {
        for (int j = 1; j < src.length; j++) {
            if (src[0].value != null && src[j].value == src[0].value) {
                return;
            }
        }
        src[0].forEachWhile((m, s) -> {
            for (int j = 1; j < src.length; j++) {
                if (!Double.isNaN(src[j].find(m))) {
                    return true;
                }
            }
            result.insertNew(m, s);
            return true;
        });
    }
}
