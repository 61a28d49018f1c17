package io.vellum.scripting.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaBitOp 1.0.2 ({@code bit}), as Redis ships it (deps/lua/src/lua_bit.c): 32-bit operations on
 * numbers normalised the way its {@code barg} does (add 2^52+2^51 and keep the low 32 bits, so
 * values wrap modulo 2^32 and fractions round to nearest even), results as signed 32-bit numbers.
 */
final class BitLib {
    private static final String[] NAMES = {
        "tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex"
    };

    private BitLib() {}

    static LuaTable create() {
        LuaTable t = new LuaTable();
        for (int i = 0; i < NAMES.length; i++) {
            t.rawset(NAMES[i], new Op(NAMES[i], i));
        }
        return t;
    }

    /** {@code barg}: the number's low 32 bits after adding 2^52+2^51 (Lua 5.1 branch: nil is 0 unless not a number). */
    static int barg(Varargs args, int i, String fname) {
        Double d = Lua51.toNumber(args.arg(i));
        double n = d == null ? 0 : d;
        long bits = Double.doubleToRawLongBits(n + 6755399441055744.0);
        int b = (int) bits;
        if (b == 0 && d == null) {
            throw Lua51.typeError(args, i, fname, "number");
        }
        return b;
    }

    private static final class Op extends VarArgFunction {
        private final int op;

        Op(String name, int op) {
            this.name = name;
            this.op = op;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int b = barg(args, 1, name);
            switch (op) {
                case 0:
                    return valueOf(b);
                case 1:
                    return valueOf(~b);
                case 2:
                    for (int i = args.narg(); i > 1; i--) {
                        b &= barg(args, i, name);
                    }
                    return valueOf(b);
                case 3:
                    for (int i = args.narg(); i > 1; i--) {
                        b |= barg(args, i, name);
                    }
                    return valueOf(b);
                case 4:
                    for (int i = args.narg(); i > 1; i--) {
                        b ^= barg(args, i, name);
                    }
                    return valueOf(b);
                case 5:
                    return valueOf(b << (barg(args, 2, name) & 31));
                case 6:
                    return valueOf(b >>> (barg(args, 2, name) & 31));
                case 7:
                    return valueOf(b >> (barg(args, 2, name) & 31));
                case 8:
                    return valueOf(Integer.rotateLeft(b, barg(args, 2, name) & 31));
                case 9:
                    return valueOf(Integer.rotateRight(b, barg(args, 2, name) & 31));
                case 10:
                    return valueOf(Integer.reverseBytes(b));
                default:
                    return tohex(args, b);
            }
        }

        /** tohex(x [, n]): n digits (default 8, at most 8; negative n for upper case). */
        private LuaValue tohex(Varargs args, int b) {
            // C's n = -n on INT_MIN stays INT_MIN (negative), which the n > 8 clamp never sees;
            // Redis computes it in a wider type, giving 8 upper-case digits.
            long n = args.narg() < 2 ? 8 : barg(args, 2, name);
            String digits = "0123456789abcdef";
            if (n < 0) {
                n = -n;
                digits = "0123456789ABCDEF";
            }
            if (n > 8) {
                n = 8;
            }
            byte[] buf = new byte[(int) n];
            long u = b & 0xffffffffL;
            for (int i = (int) n; --i >= 0; ) {
                buf[i] = (byte) digits.charAt((int) (u & 15));
                u >>>= 4;
            }
            return LuaString.valueOf(buf);
        }
    }
}
