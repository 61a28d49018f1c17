package io.vellum.scripting.lib;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cmsgpack 0.4.0 as Redis ships it (deps/lua/src/lua_cmsgpack.c): {@code pack},
 * {@code unpack}, {@code unpack_one}, {@code unpack_limit}.
 *
 * <p>Encoding follows Redis byte for byte: integral doubles in int64 range as the smallest
 * msgpack integer, other numbers as float32 when exact else float64, tables nested deeper than
 * 16 as nil, a table is an array when its keys are exactly 1..n. Map entries come out in Lua 5.1's
 * {@code lua_next} order as {@link Lua51TableOrder} rebuilds it.
 *
 * <p>Decoding counts Lua 5.1 C-stack slots as Redis does (one per result, two per nesting
 * level) so that deep or huge inputs end with Redis's {@code stack overflow} error, never a
 * Java stack overflow; lengths from the input are checked against the bytes left before
 * anything is allocated.
 */
final class CmsgpackLib {
    private static final int MAX_NESTING = 16;
    private static final String STACK_MSG =
            "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";

    private CmsgpackLib() {}

    static LuaTable create(Runnable interruptCheck) {
        LuaTable t = new LuaTable();
        t.rawset("pack", new Fn("pack", 0, interruptCheck));
        t.rawset("unpack", new Fn("unpack", 1, interruptCheck));
        t.rawset("unpack_one", new Fn("unpack_one", 2, interruptCheck));
        t.rawset("unpack_limit", new Fn("unpack_limit", 3, interruptCheck));
        t.rawset("_NAME", "cmsgpack");
        t.rawset("_VERSION", "lua-cmsgpack 0.4.0");
        t.rawset("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
        t.rawset("_DESCRIPTION", "MessagePack C implementation for Lua");
        return t;
    }

    private static final class Fn extends VarArgFunction {
        private final int op;
        private final Runnable interruptCheck;

        Fn(String name, int op, Runnable interruptCheck) {
            this.name = name;
            this.op = op;
            this.interruptCheck = interruptCheck;
        }

        @Override
        public Varargs invoke(Varargs args) {
            switch (op) {
                case 0:
                    return pack(args);
                case 1:
                    return unpackFull(args, 0, 0);
                case 2: {
                    long offset = args.arg(2).isnil() ? 0 : Lua51.checkInteger(args, 2, name);
                    return unpackFull(args, 1, offset);
                }
                default: {
                    long limit = Lua51.checkInteger(args, 2, name);
                    long offset = args.arg(3).isnil() ? 0 : Lua51.checkInteger(args, 3, name);
                    return unpackFull(args, limit, offset);
                }
            }
        }

        private LuaValue pack(Varargs args) {
            if (args.narg() == 0) {
                throw Lua51.argError(0, name, "MessagePack pack needs input.");
            }
            if (2 * args.narg() > BaseFunctions.MAX_C_STACK) {
                throw Lua51.argError(0, name, "Too many arguments for MessagePack pack.");
            }
            ByteSink buf = new ByteSink(interruptCheck);
            for (int i = 1; i <= args.narg(); i++) {
                encode(buf, args.arg(i), 0);
            }
            return buf.toLuaString();
        }

        private Varargs unpackFull(Varargs args, long limit, long offset) {
            LuaString s = Lua51.checkString(args, 1, name);
            int len = s.length();
            if (offset < 0 || limit < 0) {
                // Redis prints the input length where it says limit
                throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of " + len + ".");
            } else if (offset > len) {
                throw new LuaError("Start offset " + (int) offset + " greater than input length " + len + ".");
            }
            boolean decodeAll = limit == 0 && offset == 0;
            if (decodeAll) {
                limit = Integer.MAX_VALUE;
            }
            Cursor c = new Cursor(s, (int) offset);
            List<LuaValue> out = new ArrayList<>();
            for (int cnt = 0; c.left() > 0 && cnt < limit; cnt++) {
                // slots in use: the argument, the results so far
                out.add(c.decode(1 + out.size()));
            }
            if (!decodeAll) {
                out.add(0, valueOf(c.left() == 0 ? -1 : c.pos));
            }
            return varargsOf(out.toArray(new LuaValue[0]));
        }
    }

    // ------------------------------------------------------------------ encoding

    static void encode(ByteSink buf, LuaValue v, int level) {
        int t = v.type();
        if (t == LuaValue.TTABLE && level == MAX_NESTING) {
            t = LuaValue.TNIL;
        }
        switch (t) {
            case LuaValue.TSTRING:
                encodeBytes(buf, (LuaString) v);
                break;
            case LuaValue.TBOOLEAN:
                buf.write(v.toboolean() ? 0xc3 : 0xc2);
                break;
            case LuaValue.TNUMBER:
                encodeNumber(buf, v.todouble());
                break;
            case LuaValue.TTABLE:
                encodeTable(buf, (LuaTable) v, level);
                break;
            default:
                buf.write(0xc0);
        }
    }

    private static void encodeBytes(ByteSink buf, LuaString s) {
        int len = s.length();
        if (len < 32) {
            buf.write(0xa0 | len);
        } else if (len <= 0xff) {
            buf.write(0xd9);
            buf.write(len);
        } else if (len <= 0xffff) {
            buf.write(0xda);
            buf.writeBE(len, 2);
        } else {
            buf.write(0xdb);
            buf.writeBE(len, 4);
        }
        buf.write(s);
    }

    private static void encodeNumber(ByteSink buf, double n) {
        if (!Double.isNaN(n) && !Double.isInfinite(n) && Lua51.toCLong(n) == n) {
            encodeInt(buf, Lua51.toCLong(n));
            return;
        }
        float f = (float) n;
        if (n == (double) f) {
            buf.write(0xca);
            buf.writeBE(Float.floatToRawIntBits(f) & 0xffffffffL, 4);
        } else {
            buf.write(0xcb);
            buf.writeBE(Double.doubleToRawLongBits(n), 8);
        }
    }

    private static void encodeInt(ByteSink buf, long n) {
        if (n >= 0) {
            if (n <= 127) {
                buf.write((int) n);
            } else if (n <= 0xff) {
                buf.write(0xcc);
                buf.writeBE(n, 1);
            } else if (n <= 0xffff) {
                buf.write(0xcd);
                buf.writeBE(n, 2);
            } else if (n <= 0xffffffffL) {
                buf.write(0xce);
                buf.writeBE(n, 4);
            } else {
                buf.write(0xcf);
                buf.writeBE(n, 8);
            }
        } else {
            if (n >= -32) {
                buf.write((int) n & 0xff);
            } else if (n >= -128) {
                buf.write(0xd0);
                buf.writeBE(n, 1);
            } else if (n >= -32768) {
                buf.write(0xd1);
                buf.writeBE(n, 2);
            } else if (n >= -2147483648L) {
                buf.write(0xd2);
                buf.writeBE(n, 4);
            } else {
                buf.write(0xd3);
                buf.writeBE(n, 8);
            }
        }
    }

    private static void encodeTable(ByteSink buf, LuaTable t, int level) {
        if (isArray(t)) {
            int len = Lua51.objlen(t);
            encodeHeader(buf, len, 0x90, 0xdc, 0xdd);
            for (int j = 1; j <= len; j++) {
                encode(buf, t.get(j), level + 1);
            }
        } else {
            java.util.List<LuaValue> keys = Lua51TableOrder.keys(t);
            encodeHeader(buf, keys.size(), 0x80, 0xde, 0xdf);
            for (LuaValue k : keys) {
                encode(buf, k, level + 1);
                encode(buf, t.rawget(k), level + 1);
            }
        }
    }

    private static void encodeHeader(ByteSink buf, long n, int fix, int b16, int b32) {
        if (n <= 15) {
            buf.write(fix | (int) (n & 0xf));
        } else if (n <= 65535) {
            buf.write(b16);
            buf.writeBE(n, 2);
        } else {
            buf.write(b32);
            buf.writeBE(n, 4);
        }
    }

    /** Keys exactly 1..n: numbers (or numeric strings, as lua_isnumber reads them) in int range. */
    private static boolean isArray(LuaTable t) {
        int count = 0;
        int max = 0;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            if (k.type() != LuaValue.TNUMBER) {
                return false;
            }
            double n = k.todouble();
            if (n <= 0 || Double.isInfinite(n) || Lua51.toCInt(n) != n) {
                return false;
            }
            int idx = (int) n;
            max = Math.max(max, idx);
            count++;
        }
        return max == count;
    }


    // ------------------------------------------------------------------ decoding

    /** A read position over the input; errors are Redis's texts. */
    private static final class Cursor {
        private static LuaValue valueOf(double d) {
            return LuaValue.valueOf(d);
        }

        private final LuaString s;
        int pos;

        Cursor(LuaString s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        int left() {
            return s.length() - pos;
        }

        private void need(long n) {
            if (Long.compareUnsigned(left(), n) < 0) {
                throw new LuaError("Missing bytes in input.");
            }
        }

        private int u8(int off) {
            return s.luaByte(pos + off);
        }

        private long be(int off, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | u8(off + i);
            }
            return v;
        }

        /**
         * Decodes one value; {@code slots} is the Lua C stack in use before pushing it. Redis
         * recurses in C per nested array or map (bounded by Lua's 8000-slot C stack); here the
         * open containers are kept on a heap stack, so the depth reached and the error given never
         * depend on the Java stack of the thread running the script.
         */
        LuaValue decode(int slots) {
            Container c = null; // the innermost open container
            int valueSlots = slots;
            while (true) {
                Object r = decodeOne(valueSlots, c);
                LuaValue v;
                if (r instanceof Container) {
                    Container opened = (Container) r;
                    if (opened.remaining != 0) {
                        c = opened;
                        valueSlots = c.elementSlots();
                        continue;
                    }
                    v = opened.table;
                } else {
                    v = (LuaValue) r;
                }
                // v is complete: it is an element of c; close every container it fills
                while (c != null && c.add(v)) {
                    v = c.table;
                    c = c.parent;
                }
                if (c == null) {
                    return v;
                }
                valueSlots = c.elementSlots();
            }
        }

        /** A scalar, or a container whose header was read (its elements follow). */
        private Object decodeOne(int slots, Container parent) {
            need(1);
            if (slots + 1 > BaseFunctions.MAX_C_STACK) {
                throw new LuaError(STACK_MSG);
            }
            int b = u8(0);
            switch (b) {
                case 0xcc:
                    need(2);
                    pos += 2;
                    return valueOf(s.luaByte(pos - 1));
                case 0xd0:
                    need(2);
                    pos += 2;
                    return valueOf((byte) s.luaByte(pos - 1));
                case 0xcd:
                    need(3);
                    return consume(3, valueOf(be(1, 2)));
                case 0xd1:
                    need(3);
                    return consume(3, valueOf((short) be(1, 2)));
                case 0xce:
                    need(5);
                    return consume(5, valueOf(be(1, 4)));
                case 0xd2:
                    need(5);
                    return consume(5, valueOf((int) be(1, 4)));
                case 0xcf:
                case 0xd3:
                    // lua_pushunsigned is lua_pushinteger in 5.1: a uint64 above 2^63 wraps negative
                    need(9);
                    return consume(9, valueOf((double) be(1, 8)));
                case 0xc0:
                    return consume(1, LuaValue.NIL);
                case 0xc3:
                    return consume(1, LuaValue.TRUE);
                case 0xc2:
                    return consume(1, LuaValue.FALSE);
                case 0xca:
                    need(5);
                    return consume(5, valueOf((double) Float.intBitsToFloat((int) be(1, 4))));
                case 0xcb:
                    need(9);
                    return consume(9, valueOf(Double.longBitsToDouble(be(1, 8))));
                case 0xd9: {
                    need(2);
                    long l = u8(1);
                    need(2 + l);
                    return string(2, (int) l);
                }
                case 0xda: {
                    need(3);
                    long l = be(1, 2);
                    need(3 + l);
                    return string(3, (int) l);
                }
                case 0xdb: {
                    need(5);
                    long l = be(1, 4);
                    pos += 5;
                    need(l);
                    return string(0, (int) l);
                }
                case 0xdc: {
                    need(3);
                    long l = be(1, 2);
                    pos += 3;
                    return array(l, slots, parent);
                }
                case 0xdd: {
                    need(5);
                    long l = be(1, 4);
                    pos += 5;
                    return array(l, slots, parent);
                }
                case 0xde: {
                    need(3);
                    long l = be(1, 2);
                    pos += 3;
                    return map(l, slots, parent);
                }
                case 0xdf: {
                    need(5);
                    long l = be(1, 4);
                    pos += 5;
                    return map(l, slots, parent);
                }
                default:
                    if ((b & 0x80) == 0) {
                        return consume(1, valueOf(b));
                    } else if ((b & 0xe0) == 0xe0) {
                        return consume(1, valueOf((byte) b));
                    } else if ((b & 0xe0) == 0xa0) {
                        int l = b & 0x1f;
                        need(1 + l);
                        return string(1, l);
                    } else if ((b & 0xf0) == 0x90) {
                        pos += 1;
                        return array(b & 0xf, slots, parent);
                    } else if ((b & 0xf0) == 0x80) {
                        pos += 1;
                        return map(b & 0xf, slots, parent);
                    }
                    throw new LuaError("Bad data format in input.");
            }
        }

        private LuaValue consume(int n, LuaValue v) {
            pos += n;
            return v;
        }

        private LuaValue string(int header, int len) {
            LuaValue v = s.substring(pos + header, pos + header + len);
            pos += header + len;
            return v;
        }

        /** Elements are read until the count or the input runs out: a huge count allocates nothing. */
        private Container array(long len, int slots, Container parent) {
            Container c = new Container(parent, false, len, slots);
            if (slots + 2 > BaseFunctions.MAX_C_STACK) {
                throw new LuaError("stack overflow (in function mp_decode_to_lua_array)");
            }
            return c;
        }

        private Container map(long len, int slots, Container parent) {
            return new Container(parent, true, len, slots);
        }
    }

    /** An array or map being decoded, and the one it is an element of. */
    private static final class Container {
        final Container parent;
        final boolean map;
        final int slots;
        final LuaTable table = new LuaTable();
        /** A map's keys in insertion order (see {@link Lua51TableOrder#recordIncremental}). */
        final List<LuaValue> order;
        long remaining;
        int index = 1;
        /** A map's key, read and waiting for its value. */
        LuaValue key;
        boolean haveKey;

        Container(Container parent, boolean map, long remaining, int slots) {
            this.parent = parent;
            this.map = map;
            this.remaining = remaining;
            this.slots = slots;
            if (map) {
                order = new ArrayList<>();
                Lua51TableOrder.recordIncremental(table, order);
            } else {
                order = null;
            }
        }

        /** The slots in use before the next element is pushed. */
        int elementSlots() {
            return map && !haveKey ? slots + 1 : slots + 2;
        }

        /** Takes the next element; true when that was the last. */
        boolean add(LuaValue v) {
            if (!map) {
                table.set(index++, v);
            } else if (!haveKey) {
                key = v;
                haveKey = true;
                return false;
            } else {
                haveKey = false;
                LuaValue k = key;
                if (k.isnil()) {
                    throw new LuaError("table index is nil");
                }
                if (k.type() == LuaValue.TNUMBER && Double.isNaN(k.todouble())) {
                    throw new LuaError("table index is NaN");
                }
                if (table.rawget(k).isnil() && !v.isnil()) {
                    order.add(k);
                }
                table.set(k, v);
            }
            return --remaining == 0;
        }
    }
}
