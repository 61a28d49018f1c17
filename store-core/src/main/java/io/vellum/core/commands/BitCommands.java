package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.Bits;
import io.vellum.core.util.Longs;

/**
 * Bit commands on strings (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP; BITFIELD
 * is in {@link BitfieldCommand}. A string reads as zero-padded on the right; writes past its end
 * grow it with zero bytes, within proto-max-bulk-len.
 */
public final class BitCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("setbit", BitCommands::setbit)
                .bind("getbit", BitCommands::getbit)
                .bind("bitcount", BitCommands::bitcount)
                .bind("bitpos", BitCommands::bitpos)
                .bind("bitop", BitCommands::bitop)
                .bind("bitfield", BitfieldCommand::bitfield)
                .bind("bitfield_ro", BitfieldCommand::bitfieldRo);
    }

    private static final CommandError E_BIT_OFFSET = new CommandError("ERR bit offset is not an integer or out of range");
    private static final String NOT_A_BIT = "ERR bit is not an integer or out of range";

    /**
     * Redis's getBitOffsetFromArgument: a bit offset within proto-max-bulk-len bytes. With
     * {@code bits} > 0 the form {@code #n} means n * bits (BITFIELD), wrapping as Redis's
     * 64-bit multiplication does.
     */
    static long bitOffset(CommandContext ctx, int arg, int bits) {
        byte[] p = ctx.arg(arg);
        int from = bits > 0 && p.length > 0 && p[0] == '#' ? 1 : 0;
        if (!Longs.isLong(p, from, p.length - from)) {
            throw E_BIT_OFFSET;
        }
        long offset = Longs.parseValid(p, from, p.length - from);
        if (from == 1) {
            offset *= bits;
        }
        if (offset < 0 || (offset >>> 3) >= StringCommands.maxStringLength(ctx)) {
            throw E_BIT_OFFSET;
        }
        return offset;
    }

    /* SETBIT key offset value */
    static void setbit(CommandContext ctx) {
        long offset = bitOffset(ctx, 2, 0);
        long on = ctx.longArg(3, NOT_A_BIT);
        if ((on & ~1L) != 0) {
            throw new CommandError(NOT_A_BIT);
        }
        byte[] key = ctx.arg(1);
        int length = (int) (offset >>> 3) + 1;
        StringValue s = StringCommands.writeString(ctx, key);
        if (s == null) {
            s = StringValue.zeros(length);
            Bits.set(s.writableArray(), offset, 1, on);
            ctx.db().add(key, s);
            ctx.reply().integer(0);
            return;
        }
        String encodingBefore = s.encoding();
        boolean grown = s.growZero(length);
        byte[] a = s.writableArray();
        int old = Bits.bitAt(a, offset);
        if (grown || old != on) {
            Bits.set(a, offset, 1, on);
            ctx.db().signalModified(key);
        } else if (!s.encoding().equals(encodingBefore)) {
            // No bit changed, but the value became raw (as Redis's dbUnshareStringValue makes
            // it): log the unit, so that a replay converts it too and OBJECT ENCODING agrees.
            ctx.forceLog();
        }
        ctx.reply().integer(old);
    }

    /* GETBIT key offset */
    static void getbit(CommandContext ctx) {
        long offset = bitOffset(ctx, 2, 0);
        StringValue s = StringCommands.readString(ctx, ctx.arg(1));
        int bit = s == null ? 0 : (s.byteAt(offset >>> 3) >> (7 - (int) (offset & 7))) & 1;
        ctx.reply().integer(bit);
    }

    /** A start/end range of BITCOUNT or BITPOS, in bytes or bits, clamped as Redis clamps it. */
    private record Range(long start, long end, boolean bits) {
        /** Redis's conversion: negative indexes from the end, then clamped to the string. */
        static Range of(long start, long end, boolean bits, long byteLength) {
            long total = bits ? byteLength * 8 : byteLength;
            if (start < 0) {
                start = Math.max(0, total + start);
            }
            if (end < 0) {
                end = Math.max(0, total + end);
            }
            return new Range(start, Math.min(end, total - 1), bits);
        }

        boolean isEmpty() {
            return start > end;
        }

        long firstBit() {
            return bits ? start : start * 8;
        }

        long lastBit() {
            return bits ? end : end * 8 + 7;
        }
    }

    /** BYTE or BIT at argument {@code i}; else a syntax error. */
    private static boolean unitIsBit(CommandContext ctx, int i) {
        if (ctx.argIs(i, "bit")) {
            return true;
        }
        if (ctx.argIs(i, "byte")) {
            return false;
        }
        throw Errors.E_SYNTAX;
    }

    /* BITCOUNT key [start end [BYTE | BIT]] */
    static void bitcount(CommandContext ctx) {
        // As Redis 7.2: a missing key counts 0 before its arguments are looked at.
        StringValue s = StringCommands.readString(ctx, ctx.arg(1));
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        Range r;
        if (ctx.argc() == 4 || ctx.argc() == 5) {
            long start = ctx.longArg(2);
            long end = ctx.longArg(3);
            if (start < 0 && end < 0 && start > end) {
                ctx.reply().integer(0);
                return;
            }
            r = Range.of(start, end, ctx.argc() == 5 && unitIsBit(ctx, 4), s.length());
        } else if (ctx.argc() == 2) {
            r = Range.of(0, -1, false, s.length());
        } else {
            throw Errors.E_SYNTAX;
        }
        ctx.reply().integer(r.isEmpty() ? 0 : countBits(s.array(), r.firstBit(), r.lastBit()));
    }

    /** Bits set among bits [from, to] of {@code a}. */
    private static long countBits(byte[] a, long from, long to) {
        int first = (int) (from >>> 3);
        int last = (int) (to >>> 3);
        long n = Bits.popcount(a, first, last + 1);
        n -= Integer.bitCount(a[first] & 0xff & ~(0xff >>> (from & 7))); // bits before 'from'
        n -= Integer.bitCount(a[last] & (0xff >>> ((to & 7) + 1))); // bits after 'to'
        return n;
    }

    /* BITPOS key bit [start [end [BYTE | BIT]]] */
    static void bitpos(CommandContext ctx) {
        long bit = ctx.longArg(2);
        if (bit != 0 && bit != 1) {
            throw new CommandError("ERR The bit argument must be 1 or 0.");
        }
        StringValue s = StringCommands.readString(ctx, ctx.arg(1));
        if (s == null) {
            // a missing key is an endless run of zeros (before its range is looked at, as Redis 7.2)
            ctx.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        Range r;
        boolean endGiven = ctx.argc() >= 5;
        if (ctx.argc() >= 4 && ctx.argc() <= 6) {
            long start = ctx.longArg(3);
            boolean bits = ctx.argc() == 6 && unitIsBit(ctx, 5);
            long end = endGiven ? ctx.longArg(4) : Long.MAX_VALUE;
            r = Range.of(start, end, bits, s.length());
        } else if (ctx.argc() == 3) {
            r = Range.of(0, -1, false, s.length());
        } else {
            throw Errors.E_SYNTAX;
        }
        if (r.isEmpty()) {
            ctx.reply().integer(-1);
            return;
        }
        long pos = Bits.firstBit(s.array(), r.firstBit(), r.lastBit(), (int) bit);
        if (pos < 0 && bit == 0 && !endGiven) {
            pos = r.lastBit() + 1; // without an explicit end the string continues with zeros
        }
        ctx.reply().integer(pos);
    }

    /* BITOP <AND | OR | XOR | NOT> destkey key [key ...] */
    static void bitop(CommandContext ctx) {
        char op;
        if (ctx.argIs(1, "and")) {
            op = '&';
        } else if (ctx.argIs(1, "or")) {
            op = '|';
        } else if (ctx.argIs(1, "xor")) {
            op = '^';
        } else if (ctx.argIs(1, "not")) {
            op = '~';
        } else {
            throw Errors.E_SYNTAX;
        }
        if (op == '~' && ctx.argc() != 4) {
            throw new CommandError("ERR BITOP NOT must be called with a single source key.");
        }
        int n = ctx.argc() - 3;
        byte[][] src = new byte[n][];
        int[] len = new int[n];
        int maxLen = 0;
        for (int k = 0; k < n; k++) {
            Value v = ctx.db().lookupRead(ctx.arg(k + 3));
            if (v == null) {
                src[k] = new byte[0];
                continue;
            }
            if (v.type() != ValueType.STRING) {
                throw Errors.E_WRONG_TYPE;
            }
            src[k] = ((StringValue) v).array();
            len[k] = ((StringValue) v).length();
            maxLen = Math.max(maxLen, len[k]);
        }
        byte[] dest = ctx.arg(2);
        if (maxLen == 0) {
            ctx.db().delete(dest);
            ctx.reply().integer(0);
            return;
        }
        StringValue result = StringValue.zeros(maxLen);
        byte[] out = result.writableArray();
        for (int i = 0; i < maxLen; i++) {
            int acc = i < len[0] ? src[0][i] : 0;
            if (op == '~') {
                acc = ~acc;
            }
            for (int k = 1; k < n; k++) {
                int b = i < len[k] ? src[k][i] : 0;
                acc = op == '&' ? acc & b : op == '|' ? acc | b : acc ^ b;
            }
            out[i] = (byte) acc;
        }
        ctx.db().set(dest, result, false);
        ctx.reply().integer(maxLen);
    }
}
