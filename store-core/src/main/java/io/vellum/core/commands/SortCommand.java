package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.HashValue;
import io.vellum.core.types.ListValue;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.Doubles;
import io.vellum.core.util.PartialQuickSort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis's sort.c: the elements of a list, set or sorted set, sorted
 * numerically or (ALPHA) as strings, by themselves or by the values of other keys (BY
 * pattern, a hash field with {@code ->}), in a LIMIT window, replaced by other keys' values
 * (GET pattern, {@code #} for the element), returned or stored as a list (STORE).
 *
 * <p>Two choices where Redis depends on its platform:
 * <ul>
 *   <li>ALPHA compares bytes (unsigned, then length), where Redis calls {@code strcoll} when it
 *       does not STORE. Under the C and C.UTF-8 locales that is the same order for strings
 *       without a NUL byte; under other locales Redis's order depends on the server's
 *       environment, which a replica replaying the command must not.</li>
 *   <li>Elements that compare equal keep the order they were read in (a stable sort, as
 *       glibc's merge-sort {@code qsort}; BY with a LIMIT window uses Redis's {@code pqsort}).
 *       For lists that is Redis's order; a set or sorted set is read in Vellum's own order,
 *       which differs from Redis's hash order, so only ties (ALPHA BY values that are equal or
 *       missing) can come out in another order.</li>
 * </ul>
 */
final class SortCommand implements CommandGroup {
    private static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("sort", ctx -> sort(ctx, false))
                .bind("sort_ro", ctx -> sort(ctx, true));
    }

    /** One element to sort: the element, its numeric score, or the value it is compared by (ALPHA BY). */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    /* SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination] */
    private static void sort(CommandContext ctx, boolean readOnly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontSort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortBy = null;
        byte[] storeKey = null;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < ctx.argc(); j++) {
            int left = ctx.argc() - j - 1;
            if (ctx.argIs(j, "asc")) {
                desc = false;
            } else if (ctx.argIs(j, "desc")) {
                desc = true;
            } else if (ctx.argIs(j, "alpha")) {
                alpha = true;
            } else if (ctx.argIs(j, "limit") && left >= 2) {
                limitStart = ctx.longArg(j + 1);
                limitCount = ctx.longArg(j + 2);
                j += 2;
            } else if (!readOnly && ctx.argIs(j, "store") && left >= 1) {
                storeKey = ctx.arg(j + 1);
                j++;
            } else if (ctx.argIs(j, "by") && left >= 1) {
                sortBy = ctx.arg(j + 1);
                // a constant BY (no '*') means: do not sort; a later BY with a pattern does not undo it
                if (cIndexOf(sortBy, (byte) '*') < 0) {
                    dontSort = true;
                }
                j++;
            } else if (ctx.argIs(j, "get") && left >= 1) {
                gets.add(ctx.arg(j + 1));
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }

        Value sortVal = ctx.db().lookupRead(ctx.arg(1));
        if (sortVal != null && sortVal.type() != ValueType.SET && sortVal.type() != ValueType.LIST
                && sortVal.type() != ValueType.ZSET) {
            throw Errors.E_WRONG_TYPE;
        }
        ValueType type = sortVal == null ? ValueType.LIST : sortVal.type();
        // A set read in its own order is sorted when the result is stored or a script asks:
        // Redis's rule, so that replicas and scripts see one order.
        if (dontSort && type == ValueType.SET && (storeKey != null || ctx.inScript())) {
            dontSort = false;
            alpha = true;
            sortBy = null;
        }

        int vectorLen = size(sortVal);
        long start = Math.min(Math.max(limitStart, 0), vectorLen);
        limitCount = Math.min(Math.max(limitCount, -1), vectorLen);
        long end = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
        if (start >= vectorLen) {
            start = vectorLen - 1;
            end = vectorLen - 2;
        }
        if (end >= vectorLen) {
            end = vectorLen - 1;
        }
        // lists and sorted sets in their own order: only the LIMIT window is read
        if ((type == ValueType.ZSET || type == ValueType.LIST) && dontSort && (start != 0 || end != vectorLen - 1)) {
            vectorLen = (int) (end - start + 1);
        }

        Item[] vector = new Item[Math.max(vectorLen, 0)];
        if (sortVal == null) {
            // nothing to read: an empty list
        } else if (type == ValueType.LIST && dontSort) {
            if (end >= start) {
                ListValue list = (ListValue) sortVal;
                int from = (int) (desc ? list.size() - start - 1 : start);
                for (int j = 0; j < vectorLen; j++) {
                    vector[j] = new Item(list.get(desc ? from - j : from + j));
                }
                end -= start;
                start = 0;
            }
        } else if (type == ValueType.LIST) {
            ListValue list = (ListValue) sortVal;
            for (int j = 0; j < vectorLen; j++) {
                vector[j] = new Item(list.get(j));
            }
        } else if (type == ValueType.SET) {
            int[] j = {0};
            ((SetValue) sortVal).forEach(e -> vector[j[0]++] = new Item(e));
        } else if (dontSort) {
            ZSetValue z = (ZSetValue) sortVal;
            Node n = desc ? z.byRank(z.size() - 1 - start) : z.byRank(start);
            for (int j = 0; j < vectorLen; j++) {
                vector[j] = new Item(n.member());
                n = desc ? n.prev() : n.next();
            }
            end -= start;
            start = 0;
        } else {
            ZSetValue z = (ZSetValue) sortVal;
            Node n = z.first();
            for (int j = 0; j < vectorLen; j++) {
                vector[j] = new Item(n.member());
                n = n.next();
            }
        }

        if (!dontSort) {
            boolean conversionError = false;
            for (Item it : vector) {
                byte[] by = sortBy != null ? lookupByPattern(ctx, sortBy, it.obj) : it.obj;
                if (by == null) {
                    continue; // a missing BY key: score 0, or first in ALPHA order
                }
                if (alpha) {
                    if (sortBy != null) {
                        it.cmp = by;
                    }
                } else {
                    it.score = strtod(by);
                    conversionError |= Double.isNaN(it.score);
                }
            }
            if (conversionError) {
                // Redis sorts first and then answers this: nothing is returned or stored either way
                throw new CommandError(NOT_DOUBLE);
            }
            Comparator<Item> cmp = comparator(alpha, sortBy != null, desc);
            if (sortBy != null && (start != 0 || end != vectorLen - 1)) {
                PartialQuickSort.sort(vector, vectorLen, cmp, (int) start, (int) end);
            } else {
                Arrays.sort(vector, cmp);
            }
        }

        int window = (int) Math.max(0, end - start + 1);
        int outputLen = gets.isEmpty() ? window : gets.size() * window;
        if (storeKey == null) {
            ReplySink out = ctx.reply();
            out.array(outputLen);
            for (long j = start; j <= end; j++) {
                Item it = vector[(int) j];
                if (gets.isEmpty()) {
                    out.bulk(it.obj);
                }
                for (byte[] pattern : gets) {
                    out.bulkOrNull(lookupByPattern(ctx, pattern, it.obj));
                }
            }
            return;
        }
        ListValue stored = ListValue.create();
        int fill = ctx.config().listMaxListpackSize.intValue();
        for (long j = start; j <= end; j++) {
            Item it = vector[(int) j];
            if (gets.isEmpty()) {
                stored.beforeAppend(it.obj, fill);
                stored.push(it.obj, false);
            }
            for (byte[] pattern : gets) {
                byte[] v = lookupByPattern(ctx, pattern, it.obj);
                byte[] e = v == null ? new byte[0] : v;
                stored.beforeAppend(e, fill);
                stored.push(e, false);
            }
        }
        if (outputLen > 0) {
            ctx.db().set(storeKey, stored, false);
            ctx.addDirty(outputLen);
        } else if (ctx.db().delete(storeKey)) {
            ctx.addDirty(1);
        }
        ctx.reply().integer(outputLen);
    }

    /** sortCompare: numeric by score (ties by the elements' bytes), or ALPHA by the BY values or the elements. */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean desc) {
        Comparator<Item> c;
        if (!alpha) {
            c = (a, b) -> {
                if (a.score > b.score) {
                    return 1;
                }
                if (a.score < b.score) {
                    return -1;
                }
                return Arrays.compareUnsigned(a.obj, b.obj);
            };
        } else if (byPattern) {
            c = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return Arrays.compareUnsigned(a.cmp, b.cmp);
            };
        } else {
            c = (a, b) -> Arrays.compareUnsigned(a.obj, b.obj);
        }
        return desc ? c.reversed() : c;
    }

    /**
     * lookupKeyByPattern: {@code #} is the element itself; otherwise the first {@code *} is
     * replaced by the element and the key read as a string, or, with {@code ->field} after the
     * {@code *}, as a hash whose field is read. Null when there is no {@code *}, no such key,
     * the key holds another type, or the field is absent. The pattern is searched as the C
     * string Redis sees (up to a NUL byte); the parts copied use its whole length, as Redis's.
     */
    static byte[] lookupByPattern(CommandContext ctx, byte[] pattern, byte[] subst) {
        int clen = cLength(pattern);
        if (clen == 1 && pattern[0] == '#') {
            return subst;
        }
        int star = cIndexOf(pattern, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < clen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int fieldLen = arrow >= 0 && arrow + 2 < clen ? pattern.length - arrow - 2 : 0;
        int postfixLen = pattern.length - (star + 1) - (fieldLen > 0 ? fieldLen + 2 : 0);
        byte[] key = new byte[star + subst.length + postfixLen];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postfixLen);
        Value v = ctx.db().lookupRead(key);
        if (v == null) {
            return null;
        }
        if (fieldLen > 0) {
            if (v.type() != ValueType.HASH) {
                return null;
            }
            return ((HashValue) v).get(Arrays.copyOfRange(pattern, arrow + 2, arrow + 2 + fieldLen));
        }
        return v.type() == ValueType.STRING ? ((StringValue) v).bytes() : null;
    }

    /**
     * C's {@code strtod} over the C string Redis passes (up to a NUL byte), with Redis's checks:
     * NaN when it stops before the end, overflows or underflows, or gives NaN. Unlike
     * {@link Doubles#parse} (Redis's string2d), leading white space is skipped and the empty
     * string is 0.
     */
    static double strtod(byte[] b) {
        int len = cLength(b);
        if (len == 0) {
            return 0; // no conversion, and strtod's end pointer is at the terminating NUL
        }
        int i = 0;
        while (i < len && isCSpace(b[i])) {
            i++;
        }
        if (i == len) {
            return Double.NaN; // only white space: strtod stops at its first byte
        }
        return Doubles.parse(b, i, len - i);
    }

    private static int size(Value v) {
        if (v instanceof ListValue l) {
            return l.size();
        }
        if (v instanceof SetValue s) {
            return s.size();
        }
        return v == null ? 0 : ((ZSetValue) v).size();
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** The length of the C string Redis sees in {@code b}: up to its first NUL byte. */
    private static int cLength(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return n;
    }

    /** The first {@code c} in the C string Redis sees ({@code strchr}), or -1. */
    private static int cIndexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length && b[i] != 0; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
