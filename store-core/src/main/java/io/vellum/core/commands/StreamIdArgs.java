package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.types.stream.StreamId;
import io.vellum.core.util.Longs;

/**
 * Stream ID arguments parsed as t_stream.c's streamGenericParseIDOrReply does: "-" and "+"
 * (unless strict), {@code <ms>}, {@code <ms>-<seq>}, and for XADD {@code <ms>-*}. Each part
 * is read by Redis's string2ull, which falls back to strtoull: leading spaces, a '+' and
 * leading zeros are accepted, and a '-' sign wraps around (strtoull's rule) when the value
 * is not an exact integer.
 */
final class StreamIdArgs {
    static final CommandError INVALID = new CommandError("ERR Invalid stream ID specified as stream command argument");

    /** A parsed ID; {@code seqGiven} is false for XADD's {@code <ms>-*}. */
    record Parsed(StreamId id, boolean seqGiven) {
    }

    private StreamIdArgs() {
    }

    /** streamParseIDOrReply: "-" and "+" allowed. */
    static StreamId parse(byte[] arg, long missingSeq) {
        return parse(arg, missingSeq, false, false).id();
    }

    /** streamParseStrictIDOrReply without the {@code <ms>-*} form. */
    static StreamId strict(byte[] arg) {
        return parse(arg, 0, true, false).id();
    }

    /** Null instead of an error (XCLAIM reads IDs until the options start). */
    static StreamId strictOrNull(byte[] arg) {
        try {
            return strict(arg);
        } catch (CommandError e) {
            return null;
        }
    }

    static Parsed parse(byte[] arg, long missingSeq, boolean strict, boolean allowSeqStar) {
        if (arg.length > 127) {
            throw INVALID;
        }
        // Redis copies the argument into a C string: a NUL byte ends it
        int len = 0;
        while (len < arg.length && arg[len] != 0) {
            len++;
        }
        if (len == 1 && (arg[0] == '-' || arg[0] == '+')) {
            if (strict) {
                throw INVALID;
            }
            return new Parsed(arg[0] == '-' ? StreamId.MIN : StreamId.MAX, true);
        }
        int dash = -1;
        for (int i = 0; i < len; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        long ms = ull(arg, 0, dash < 0 ? len : dash);
        if (dash < 0) {
            return new Parsed(new StreamId(ms, missingSeq), true);
        }
        if (allowSeqStar && len - dash - 1 == 1 && arg[dash + 1] == '*') {
            return new Parsed(new StreamId(ms, 0), false);
        }
        return new Parsed(new StreamId(ms, ull(arg, dash + 1, len)), true);
    }

    /** string2ull over {@code b[from, to)}. */
    private static long ull(byte[] b, int from, int to) {
        int n = to - from;
        if (Longs.isLong(b, from, n)) {
            long v = Longs.parseValid(b, from, n);
            if (v < 0) {
                throw INVALID;
            }
            return v;
        }
        return strtoull(b, from, to);
    }

    /** C's strtoull(s, &end, 10) that must consume the whole non-empty string. */
    private static long strtoull(byte[] b, int from, int to) {
        if (from == to) {
            throw INVALID;
        }
        int i = from;
        while (i < to && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == to || b[i] < '0' || b[i] > '9') {
            throw INVALID; // no digits: strtoull consumes nothing
        }
        long v = 0;
        for (; i < to; i++) {
            int c = b[i] - '0';
            if (c < 0 || c > 9) {
                throw INVALID;
            }
            long hi = Math.multiplyHigh(v, 10) + ((v >> 63) & 10); // unsigned high word of v*10
            long lo = v * 10;
            long sum = lo + c;
            if (hi != 0 || Long.compareUnsigned(sum, lo) < 0) {
                throw INVALID; // ERANGE
            }
            v = sum;
        }
        return negative ? -v : v;
    }
}
