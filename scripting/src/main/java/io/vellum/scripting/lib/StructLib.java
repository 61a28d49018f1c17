package io.vellum.scripting.lib;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Roberto Ierusalimschy's {@code struct} library as Redis ships it (deps/lua/src/lua_struct.c,
 * with Redis's overflow fixes): {@code pack}, {@code unpack}, {@code size}, on the x86-64 LP64
 * model Redis runs on (native little endian, long and size_t of 8 bytes, int of 4, maximum
 * alignment 8). Sizes and positions are C's unsigned 64-bit values, so out-of-range requests end
 * in Redis's errors ("integral size overflow", "data string too short") rather than allocations.
 */
final class StructLib {
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;
    private static final boolean BIG = false;
    private static final boolean LITTLE = true;

    private StructLib() {}

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new Fn("pack", 0));
        t.rawset("unpack", new Fn("unpack", 1));
        t.rawset("size", new Fn("size", 2));
        return t;
    }

    /** A cursor over the format string with the header (endianness, alignment). */
    private static final class Format {
        final byte[] f;
        int i;
        boolean endian = LITTLE;
        int align = 1;
        final String fname;

        Format(LuaString s, String fname) {
            // the C code walks a NUL-terminated string
            int n = 0;
            while (n < s.length() && s.luaByte(n) != 0) {
                n++;
            }
            f = new byte[n];
            s.copyInto(0, f, 0, n);
            this.fname = fname;
        }

        boolean more() {
            return i < f.length;
        }

        int next() {
            return f[i++] & 0xff;
        }

        int getnum(int df) {
            if (!more() || !isDigit(f[i])) {
                return df;
            }
            int a = 0;
            do {
                int d = f[i] - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw new LuaError("integral size overflow");
                }
                a = a * 10 + d;
                i++;
            } while (more() && isDigit(f[i]));
            return a;
        }

        long optsize(int opt) {
            switch (opt) {
                case 'B': case 'b': return 1;
                case 'H': case 'h': return 2;
                case 'L': case 'l': case 'T': return 8;
                case 'f': return 4;
                case 'd': return 8;
                case 'x': return 1;
                case 'c': return getnum(1);
                case 'i': case 'I': {
                    int sz = getnum(4);
                    if (sz > MAXINTSIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                    }
                    return sz;
                }
                default: return 0;
            }
        }

        long gettoalign(long len, int opt, long size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            if (Long.compareUnsigned(size, align) > 0) {
                size = align;
            }
            return (size - (len & (size - 1))) & (size - 1);
        }

        void controloptions(int opt) {
            switch (opt) {
                case ' ':
                    return;
                case '>':
                    endian = BIG;
                    return;
                case '<':
                    endian = LITTLE;
                    return;
                case '!': {
                    int a = getnum(MAXALIGN);
                    if (!(a > 0 && (a & (a - 1)) == 0)) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                    return;
                }
                default:
                    throw Lua51.argError(1, fname, "invalid format option '" + (char) opt + "'");
            }
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static final class Fn extends VarArgFunction {
        private final int op;

        Fn(String name, int op) {
            this.name = name;
            this.op = op;
        }

        @Override
        public Varargs invoke(Varargs args) {
            switch (op) {
                case 0:
                    return pack(args);
                case 1:
                    return unpack(args);
                default:
                    return size(args);
            }
        }

        /* struct.pack(fmt, v1, v2, ...) */
        private LuaValue pack(Varargs args) {
            // b_pack pushes a nil mark after its arguments: a missing first value is "got nil"
            LuaValue[] withMark = new LuaValue[args.narg() + 1];
            for (int i = 0; i < args.narg(); i++) {
                withMark[i] = args.arg(i + 1);
            }
            withMark[args.narg()] = NIL;
            args = varargsOf(withMark);
            Format h = new Format(Lua51.checkString(args, 1, name), name);
            int arg = 2;
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            long totalsize = 0;
            while (h.more()) {
                int opt = h.next();
                long size = h.optsize(opt);
                long toalign = h.gettoalign(totalsize, opt, size);
                totalsize += toalign;
                while (toalign-- > 0) {
                    b.write(0);
                }
                switch (opt) {
                    case 'b': case 'B': case 'h': case 'H':
                    case 'l': case 'L': case 'T': case 'i': case 'I': {
                        double n = Lua51.checkNumber(args, arg++, name);
                        long value = n < 0 ? Lua51.toCLong(n) : Lua51.toCULong(n);
                        byte[] buff = new byte[(int) size];
                        if (h.endian == LITTLE) {
                            for (int i = 0; i < size; i++) {
                                buff[i] = (byte) value;
                                value >>>= 8;
                            }
                        } else {
                            for (int i = (int) size - 1; i >= 0; i--) {
                                buff[i] = (byte) value;
                                value >>>= 8;
                            }
                        }
                        b.write(buff, 0, buff.length);
                        break;
                    }
                    case 'x':
                        b.write(0);
                        break;
                    case 'f': {
                        int bits = Float.floatToRawIntBits((float) Lua51.checkNumber(args, arg++, name));
                        writeBits(b, bits & 0xffffffffL, 4, h.endian);
                        break;
                    }
                    case 'd': {
                        long bits = Double.doubleToRawLongBits(Lua51.checkNumber(args, arg++, name));
                        writeBits(b, bits, 8, h.endian);
                        break;
                    }
                    case 'c':
                    case 's': {
                        LuaString s = Lua51.checkString(args, arg++, name);
                        long l = s.length();
                        if (size == 0) {
                            size = l;
                        }
                        if (Long.compareUnsigned(l, size) < 0) {
                            throw Lua51.argError(arg, name, "string too short");
                        }
                        byte[] bytes = new byte[(int) size];
                        s.copyInto(0, bytes, 0, (int) size);
                        b.write(bytes, 0, bytes.length);
                        if (opt == 's') {
                            b.write(0);
                            size++;
                        }
                        break;
                    }
                    default:
                        h.controloptions(opt);
                }
                totalsize += size;
            }
            return LuaString.valueOf(b.toByteArray());
        }

        private static void writeBits(ByteArrayOutputStream b, long bits, int size, boolean endian) {
            for (int i = 0; i < size; i++) {
                int shift = endian == LITTLE ? 8 * i : 8 * (size - 1 - i);
                b.write((int) (bits >>> shift));
            }
        }

        private static long readBits(LuaString data, long pos, int size, boolean endian) {
            long l = 0;
            for (int i = 0; i < size; i++) {
                int idx = endian == BIG ? i : size - 1 - i;
                l = (l << 8) | data.luaByte((int) (pos + idx));
            }
            return l;
        }

        /* struct.unpack(fmt, data [, pos]) */
        private Varargs unpack(Varargs args) {
            Format h = new Format(Lua51.checkString(args, 1, name), name);
            LuaString data = Lua51.checkString(args, 2, name);
            long ld = data.length();
            long pos = (args.arg(3).isnil() ? 1 : Lua51.checkInteger(args, 3, name)) - 1;
            java.util.ArrayList<LuaValue> out = new java.util.ArrayList<>();
            while (h.more()) {
                int opt = h.next();
                long size = h.optsize(opt);
                pos += h.gettoalign(pos, opt, size);
                checkRange(pos, size, ld);
                if (2 + out.size() + 1 > BaseFunctions.MAX_C_STACK) {
                    throw new LuaError("stack overflow (too many results)");
                }
                switch (opt) {
                    case 'b': case 'B': case 'h': case 'H':
                    case 'l': case 'L': case 'T': case 'i': case 'I': {
                        boolean signed = Character.isLowerCase(opt);
                        long l = 0;
                        for (int i = 0; i < size; i++) {
                            int idx = h.endian == BIG ? i : (int) size - 1 - i;
                            l = (l << 8) | data.luaByte((int) (pos + idx));
                        }
                        double res;
                        if (!signed) {
                            res = BaseFunctions.unsignedToDouble(l);
                        } else {
                            long mask = (~0L) << (int) (size * 8 - 1);
                            if ((l & mask) != 0) {
                                l |= mask;
                            }
                            res = l;
                        }
                        out.add(valueOf(res));
                        break;
                    }
                    case 'x':
                        break;
                    case 'f': {
                        int bits = (int) readBits(data, pos, 4, h.endian);
                        out.add(valueOf((double) Float.intBitsToFloat(bits)));
                        break;
                    }
                    case 'd':
                        out.add(valueOf(Double.longBitsToDouble(readBits(data, pos, 8, h.endian))));
                        break;
                    case 'c': {
                        if (size == 0) {
                            Double prev = out.isEmpty() ? Lua51.toNumber(args.arg(2)) : Lua51.toNumber(out.get(out.size() - 1));
                            if (prev == null) {
                                throw new LuaError("format 'c0' needs a previous size");
                            }
                            size = Lua51.toCULong(prev);
                            if (!out.isEmpty()) {
                                out.remove(out.size() - 1);
                            }
                            checkRange(pos, size, ld);
                        }
                        out.add(data.substring((int) pos, (int) (pos + size)));
                        break;
                    }
                    case 's': {
                        long e = -1;
                        for (long k = pos; k < ld; k++) {
                            if (data.luaByte((int) k) == 0) {
                                e = k;
                                break;
                            }
                        }
                        if (e < 0) {
                            throw new LuaError("unfinished string in data");
                        }
                        size = e - pos + 1;
                        out.add(data.substring((int) pos, (int) e));
                        break;
                    }
                    default:
                        h.controloptions(opt);
                }
                pos += size;
            }
            out.add(valueOf((double) (pos + 1)));
            return varargsOf(out.toArray(new LuaValue[0]));
        }

        /** {@code size <= ld && pos <= ld - size}, in size_t. */
        private void checkRange(long pos, long size, long ld) {
            if (Long.compareUnsigned(size, ld) > 0 || Long.compareUnsigned(pos, ld - size) > 0) {
                throw Lua51.argError(2, name, "data string too short");
            }
        }

        /* struct.size(fmt) */
        private LuaValue size(Varargs args) {
            Format h = new Format(Lua51.checkString(args, 1, name), name);
            long pos = 0;
            while (h.more()) {
                int opt = h.next();
                long size = h.optsize(opt);
                pos += h.gettoalign(pos, opt, size);
                if (opt == 's') {
                    throw Lua51.argError(1, name, "option 's' has no fixed size");
                } else if (opt == 'c' && size == 0) {
                    throw Lua51.argError(1, name, "option 'c0' has no fixed size");
                }
                if (!Character.isLetterOrDigit(opt) || opt > 127) {
                    h.controloptions(opt);
                }
                pos += size;
            }
            return valueOf((double) pos);
        }
    }
}
