package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StringValue;
import io.vellum.core.util.Bits;
import io.vellum.core.util.Longs;
import java.util.ArrayList;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric): every operation is parsed and checked
 * first; then a command with writes creates or zero-extends the string up to the farthest bit
 * it writes (even when OVERFLOW FAIL then refuses every write, as in Redis) and runs the
 * operations in order, each seeing the ones before.
 */
final class BitfieldCommand {
    private BitfieldCommand() {
    }

    private enum OpCode { GET, SET, INCRBY }

    private enum Overflow { WRAP, SAT, FAIL }

    private record Op(OpCode code, boolean signed, int bits, long offset, long value, Overflow overflow) {
    }

    private static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    /* BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value | INCRBY encoding offset increment> [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value | INCRBY encoding offset increment> ...]] */
    static void bitfield(CommandContext ctx) {
        run(ctx, false);
    }

    /* BITFIELD_RO key [GET encoding offset [GET encoding offset ...]] */
    static void bitfieldRo(CommandContext ctx) {
        run(ctx, true);
    }

    private static void run(CommandContext ctx, boolean readOnlyCommand) {
        List<Op> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        long highestWrite = -1;
        for (int j = 2; j < ctx.argc(); j++) {
            int remaining = ctx.argc() - j - 1;
            OpCode code;
            if (ctx.argIs(j, "get") && remaining >= 2) {
                code = OpCode.GET;
            } else if (ctx.argIs(j, "set") && remaining >= 3) {
                code = OpCode.SET;
            } else if (ctx.argIs(j, "incrby") && remaining >= 3) {
                code = OpCode.INCRBY;
            } else if (ctx.argIs(j, "overflow") && remaining >= 1) {
                overflow = overflowType(ctx, ++j);
                continue;
            } else {
                throw Errors.E_SYNTAX;
            }
            byte[] type = ctx.arg(j + 1);
            int bits = typeBits(type);
            long offset = BitCommands.bitOffset(ctx, j + 2, bits);
            long value = 0;
            if (code != OpCode.GET) {
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                value = ctx.longArg(j + 3);
            }
            ops.add(new Op(code, type[0] == 'i', bits, offset, value, overflow));
            j += code == OpCode.GET ? 2 : 3;
        }
        byte[] key = ctx.arg(1);
        if (highestWrite < 0) {
            StringValue s = StringCommands.readString(ctx, key);
            ctx.reply().array(ops.size());
            for (Op op : ops) {
                get(ctx.reply(), s == null ? new byte[0] : s.array(), s == null ? 0 : s.length(), op);
            }
            return;
        }
        if (readOnlyCommand) {
            throw new CommandError("ERR BITFIELD_RO only supports the GET subcommand");
        }
        int length = (int) (highestWrite >>> 3) + 1;
        StringValue s = StringCommands.writeString(ctx, key);
        boolean created = s == null;
        boolean changed;
        if (created) {
            s = StringValue.zeros(length);
            changed = true;
        } else {
            changed = s.growZero(length);
        }
        byte[] a = s.writableArray();
        ctx.reply().array(ops.size());
        for (Op op : ops) {
            if (op.code == OpCode.GET) {
                get(ctx.reply(), a, s.length(), op);
            } else {
                changed |= write(ctx.reply(), a, s.length(), op);
            }
        }
        if (created) {
            ctx.db().add(key, s);
        } else if (changed) {
            ctx.db().signalModified(key);
        }
    }

    private static Overflow overflowType(CommandContext ctx, int i) {
        if (ctx.argIs(i, "wrap")) {
            return Overflow.WRAP;
        }
        if (ctx.argIs(i, "sat")) {
            return Overflow.SAT;
        }
        if (ctx.argIs(i, "fail")) {
            return Overflow.FAIL;
        }
        throw new CommandError("ERR Invalid OVERFLOW type specified");
    }

    /** The width of an {@code i<bits>} (1..64) or {@code u<bits>} (1..63) type; else Redis's error. */
    private static int typeBits(byte[] t) {
        if (t.length == 0 || (t[0] != 'i' && t[0] != 'u')) {
            throw new CommandError(BAD_TYPE);
        }
        int end = 1;
        while (end < t.length && t[end] != 0) { // Redis reads the width as a C string
            end++;
        }
        if (!Longs.isLong(t, 1, end - 1)) {
            throw new CommandError(BAD_TYPE);
        }
        long bits = Longs.parseValid(t, 1, end - 1);
        if (bits < 1 || bits > (t[0] == 'i' ? 64 : 63)) {
            throw new CommandError(BAD_TYPE);
        }
        return (int) bits;
    }

    private static void get(ReplySink r, byte[] a, int len, Op op) {
        r.integer(op.signed ? Bits.getSigned(a, len, op.offset, op.bits) : Bits.getUnsigned(a, len, op.offset, op.bits));
    }

    /**
     * SET or INCRBY: replies the old value (SET) or the new one (INCRBY), or null when
     * OVERFLOW FAIL refuses the write. Returns true when the stored bits changed.
     */
    private static boolean write(ReplySink r, byte[] a, int len, Op op) {
        long old = op.signed ? Bits.getSigned(a, len, op.offset, op.bits) : Bits.getUnsigned(a, len, op.offset, op.bits);
        long base = op.code == OpCode.INCRBY ? old : op.value;
        long incr = op.code == OpCode.INCRBY ? op.value : 0;
        int overflow = op.signed ? Bits.signedOverflow(base, incr, op.bits) : Bits.unsignedOverflow(base, incr, op.bits);
        long next = base + incr;
        if (overflow != 0) {
            switch (op.overflow) {
                case FAIL -> {
                    r.nullBulk();
                    return false;
                }
                case WRAP -> next = op.signed ? Bits.signedWrap(base, incr, op.bits) : Bits.unsignedWrap(base, incr, op.bits);
                case SAT -> next = overflow > 0
                        ? (op.signed ? Bits.signedMax(op.bits) : Bits.unsignedMax(op.bits))
                        : (op.signed ? Bits.signedMin(op.bits) : 0);
            }
        }
        r.integer(op.code == OpCode.INCRBY ? next : old);
        Bits.set(a, op.offset, op.bits, next);
        return next != old;
    }
}
