package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;

/**
 * LCS (longest common subsequence), as Redis computes it: the classic dynamic-programming table,
 * then a walk back from its corner that prefers moving up the first string on ties, so the
 * subsequence and the match ranges are the ones Redis reports.
 */
final class LcsCommand {
    private LcsCommand() {
    }

    /* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN] */
    static void lcs(CommandContext ctx) {
        Value va = ctx.db().lookupRead(ctx.arg(1));
        Value vb = ctx.db().lookupRead(ctx.arg(2));
        if ((va != null && va.type() != ValueType.STRING) || (vb != null && vb.type() != ValueType.STRING)) {
            throw new CommandError("ERR The specified keys must contain string values");
        }
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "idx")) {
                getIdx = true;
            } else if (ctx.argIs(j, "len")) {
                getLen = true;
            } else if (ctx.argIs(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (ctx.argIs(j, "minmatchlen") && j + 1 < ctx.argc()) {
                minMatchLen = Math.max(0, ctx.longArg(++j));
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (getLen && getIdx) {
            throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
        }
        byte[] a = va == null ? new byte[0] : ((StringValue) va).array();
        int alen = va == null ? 0 : ((StringValue) va).length();
        byte[] b = vb == null ? new byte[0] : ((StringValue) vb).array();
        int blen = vb == null ? 0 : ((StringValue) vb).length();
        int[] table = table(ctx, a, alen, b, blen);
        int w = blen + 1; // table[i * w + j]: LCS length of a[0, i) and b[0, j)
        int lcsLen = table[alen * w + blen];
        ReplySink r = ctx.reply();
        if (getLen) {
            r.integer(lcsLen);
            return;
        }
        byte[] result = new byte[lcsLen];
        Ranges ranges = getIdx ? new Ranges(minMatchLen) : null;
        int idx = lcsLen;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            if (a[i - 1] == b[j - 1]) {
                result[--idx] = a[i - 1];
                if (ranges != null) {
                    ranges.match(i - 1, j - 1);
                }
                i--;
                j--;
            } else {
                if (table[(i - 1) * w + j] > table[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (ranges != null) {
                    ranges.gap();
                }
            }
        }
        if (ranges == null) {
            r.bulk(result);
            return;
        }
        r.map(2);
        r.bulk("matches");
        r.array(ranges.count);
        for (int k = 0; k < ranges.count; k++) {
            long[] m = ranges.get(k);
            r.array(withMatchLen ? 3 : 2);
            r.array(2);
            r.integer(m[0]);
            r.integer(m[1]);
            r.array(2);
            r.integer(m[2]);
            r.integer(m[3]);
            if (withMatchLen) {
                r.integer(m[1] - m[0] + 1);
            }
        }
        r.bulk("len");
        r.integer(lcsLen);
    }

    /** The DP table, refused as Redis refuses it when it would outgrow proto-max-bulk-len. */
    private static int[] table(CommandContext ctx, byte[] a, int alen, byte[] b, int blen) {
        long cells = (alen + 1L) * (blen + 1L);
        if (cells * Integer.BYTES > ctx.config().protoMaxBulkLen.get()) {
            throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int[] t;
        try {
            t = cells > StringValue.MAX_LENGTH ? null : new int[(int) cells];
        } catch (OutOfMemoryError e) {
            t = null;
        }
        if (t == null) {
            throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            int row = i * w;
            int prev = row - w;
            byte ai = a[i - 1];
            for (int j = 1; j <= blen; j++) {
                t[row + j] = ai == b[j - 1] ? t[prev + j - 1] + 1 : Math.max(t[prev + j], t[row + j - 1]);
            }
        }
        return t;
    }

    /**
     * The match ranges found walking back: a run of consecutive matches is one range, reported
     * when the walk leaves it or reaches the start of either string, if it is long enough.
     */
    private static final class Ranges {
        private final long minLen;
        private long[] data = new long[16];
        int count;
        private boolean open;
        private int aStart;
        private int aEnd;
        private int bStart;
        private int bEnd;

        Ranges(long minLen) {
            this.minLen = minLen;
        }

        void match(int ai, int bi) {
            if (!open) {
                open = true;
                aStart = aEnd = ai;
                bStart = bEnd = bi;
            } else {
                // walking back, a match right before the open range extends it
                aStart = ai;
                bStart = bi;
            }
            if (aStart == 0 || bStart == 0) {
                close();
            }
        }

        void gap() {
            if (open) {
                close();
            }
        }

        private void close() {
            open = false;
            if (minLen == 0 || aEnd - aStart + 1 >= minLen) {
                if (count * 4 == data.length) {
                    data = java.util.Arrays.copyOf(data, data.length * 2);
                }
                data[count * 4] = aStart;
                data[count * 4 + 1] = aEnd;
                data[count * 4 + 2] = bStart;
                data[count * 4 + 3] = bEnd;
                count++;
            }
        }

        long[] get(int k) {
            return java.util.Arrays.copyOfRange(data, k * 4, k * 4 + 4);
        }
    }
}
