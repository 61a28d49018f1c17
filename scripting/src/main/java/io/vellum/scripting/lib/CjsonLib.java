package io.vellum.scripting.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1.0 as Redis ships it (deps/lua/src/lua_cjson.c, strbuf.c, fpconv.c): the
 * functions, configuration options, limits, error texts and number format ({@code %.14g} by
 * default) of Redis's {@code cjson}.
 *
 * <p>Object key order: cjson writes keys in {@code lua_next} order; here that order is rebuilt
 * by {@link Lua51TableOrder}, which is Redis's whenever the keys' main positions do not collide
 * (and for some tables where they do); see there.
 *
 * <p>Stack limits are Lua 5.1's: nesting deeper than the configured depths, or than Lua's
 * 8000-slot C stack allows, ends in cjson's "excessive nesting" / "too many nested data
 * structures" errors, never a Java stack overflow (both depths are bounded by the C-stack
 * check, so recursion stays below ~8000 frames).
 */
final class CjsonLib {
    /** cjson.null: Lua 5.1's NULL light userdata. */
    static final LuaValue NULL = new LuaUserdata(new Object() {
        @Override
        public String toString() {
            return "userdata: (nil)";
        }
    });

    private static final String[] ESCAPES = new String[256];

    static {
        for (int c = 0; c < 32; c++) {
            ESCAPES[c] = String.format("\\u%04x", c);
        }
        ESCAPES['\b'] = "\\b";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\f'] = "\\f";
        ESCAPES['\r'] = "\\r";
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['/'] = "\\/";
        ESCAPES[127] = "\\u007f";
    }

    private CjsonLib() {}

    /** The per-instance configuration ({@code json_config_t}); defaults are cjson's. */
    static final class Config {
        boolean sparseConvert = false;
        int sparseRatio = 2;
        int sparseSafe = 10;
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        int precision = 14;
        boolean keepBuffer = true;
        /** 0 off, 1 on, 2 null. */
        int encodeInvalid = 0;
        int decodeInvalid = 1;
        Runnable interruptCheck = () -> { };
    }

    static LuaTable create(Runnable interruptCheck) {
        Config cfg = new Config();
        cfg.interruptCheck = interruptCheck;
        LuaTable t = new LuaTable();
        String[] names = {
            "encode", "decode", "encode_sparse_array", "encode_max_depth", "decode_max_depth",
            "encode_number_precision", "encode_keep_buffer", "encode_invalid_numbers", "decode_invalid_numbers", "new"
        };
        for (int i = 0; i < names.length; i++) {
            t.rawset(names[i], new Fn(names[i], i, cfg));
        }
        t.rawset("null", NULL);
        t.rawset("_NAME", "cjson");
        t.rawset("_VERSION", "2.1.0");
        return t;
    }

    private static final class Fn extends VarArgFunction {
        private final int op;
        private final Config cfg;

        Fn(String name, int op, Config cfg) {
            this.name = name;
            this.op = op;
            this.cfg = cfg;
        }

        @Override
        public Varargs invoke(Varargs args) {
            switch (op) {
                case 0:
                    if (args.narg() != 1) {
                        throw Lua51.argError(1, name, "expected 1 argument");
                    }
                    return new Encoder(cfg).encode(args.arg1());
                case 1:
                    if (args.narg() != 1) {
                        throw Lua51.argError(1, name, "expected 1 argument");
                    }
                    return new Decoder(cfg, Lua51.checkString(args, 1, name)).decode();
                case 2: {
                    checkArgs(args, 3);
                    cfg.sparseConvert = boolOption(args, 1, cfg.sparseConvert);
                    cfg.sparseRatio = intOption(args, 2, cfg.sparseRatio, 0, Integer.MAX_VALUE);
                    cfg.sparseSafe = intOption(args, 3, cfg.sparseSafe, 0, Integer.MAX_VALUE);
                    return varargsOf(valueOf(cfg.sparseConvert), valueOf(cfg.sparseRatio), valueOf(cfg.sparseSafe));
                }
                case 3:
                    checkArgs(args, 1);
                    cfg.encodeMaxDepth = intOption(args, 1, cfg.encodeMaxDepth, 1, Integer.MAX_VALUE);
                    return valueOf(cfg.encodeMaxDepth);
                case 4:
                    checkArgs(args, 1);
                    cfg.decodeMaxDepth = intOption(args, 1, cfg.decodeMaxDepth, 1, Integer.MAX_VALUE);
                    return valueOf(cfg.decodeMaxDepth);
                case 5:
                    checkArgs(args, 1);
                    cfg.precision = intOption(args, 1, cfg.precision, 1, 14);
                    return valueOf(cfg.precision);
                case 6:
                    checkArgs(args, 1);
                    cfg.keepBuffer = boolOption(args, 1, cfg.keepBuffer);
                    return valueOf(cfg.keepBuffer);
                case 7:
                    checkArgs(args, 1);
                    cfg.encodeInvalid = enumOption(args, 1, cfg.encodeInvalid);
                    return enumResult(cfg.encodeInvalid);
                case 8:
                    checkArgs(args, 1);
                    cfg.decodeInvalid = enumOption(args, 1, cfg.decodeInvalid);
                    return enumResult(cfg.decodeInvalid);
                default:
                    return create(cfg.interruptCheck);
            }
        }

        /** json_arg_init. */
        private void checkArgs(Varargs args, int max) {
            if (args.narg() > max) {
                throw Lua51.argError(max + 1, name, "found too many arguments");
            }
        }

        /** json_integer_option: its range error always names argument 1, as cjson does. */
        private int intOption(Varargs args, int i, int current, int min, int max) {
            if (args.arg(i).isnil()) {
                return current;
            }
            long v = Lua51.checkInteger(args, i, name);
            int value = (int) v;
            if (!(min <= value && value <= max)) {
                throw Lua51.argError(1, name, "expected integer between " + min + " and " + max);
            }
            return value;
        }

        private boolean boolOption(Varargs args, int i, boolean current) {
            return enumOption(args, i, current ? 1 : 0, new String[] {"off", "on"}) == 1;
        }

        private int enumOption(Varargs args, int i, int current) {
            return enumOption(args, i, current, new String[] {"off", "on", "null"});
        }

        /** json_enum_option with bool_true = 1: a boolean, or one of the option names (luaL_checkoption). */
        private int enumOption(Varargs args, int i, int current, String[] options) {
            LuaValue v = args.arg(i);
            if (v.isnil()) {
                return current;
            }
            if (v.isboolean()) {
                return v.toboolean() ? 1 : 0;
            }
            String s = Lua51.checkString(args, i, name).tojstring();
            for (int k = 0; k < options.length; k++) {
                if (options[k].equals(s)) {
                    return k;
                }
            }
            throw Lua51.argError(i, name, "invalid option '" + s + "'");
        }

        private static LuaValue enumResult(int setting) {
            return setting == 2 ? valueOf("null") : valueOf(setting == 1);
        }
    }

    // ------------------------------------------------------------------ encoding

    private static final class Encoder {
        private final Config cfg;
        private final ByteSink out;

        Encoder(Config cfg) {
            this.cfg = cfg;
            this.out = new ByteSink(cfg.interruptCheck);
        }

        LuaValue encode(LuaValue v) {
            // Lua 5.1 stack slots in use: the argument
            Level open = appendData(v, 0, 1, null);
            if (open != null) {
                appendNested(open);
            }
            return out.toLuaString();
        }

        /**
         * A table being written: cjson recurses in C (bounded by Lua's 8000-slot C stack), here
         * the levels are kept on a heap stack, so the depth reached and the error given never
         * depend on the Java stack of the thread running the script.
         */
        private static final class Level {
            final Level parent;
            final LuaTable table;
            final int depth;
            final int slots;
            /** The array length, or -1 for an object (then {@code keys} holds its keys). */
            final int len;
            final java.util.List<LuaValue> keys;
            int next;

            Level(Level parent, LuaTable table, int depth, int slots, int len, java.util.List<LuaValue> keys) {
                this.parent = parent;
                this.table = table;
                this.depth = depth;
                this.slots = slots;
                this.len = len;
                this.keys = keys;
            }
        }

        /** Writes the elements of {@code top} and of every table nested in it, depth first. */
        private void appendNested(Level top) {
            Level level = top;
            while (level != null) {
                Level child;
                if (level.len >= 0) {
                    if (level.next == level.len) {
                        out.write(']');
                        level = level.parent;
                        continue;
                    }
                    if (++level.next > 1) {
                        out.write(',');
                    }
                    child = appendData(level.table.rawget(level.next), level.depth, level.slots + 1, level);
                } else {
                    if (level.next == level.keys.size()) {
                        out.write('}');
                        level = level.parent;
                        continue;
                    }
                    LuaValue k = level.keys.get(level.next++);
                    if (level.next > 1) {
                        out.write(',');
                    }
                    appendKey(k);
                    child = appendData(level.table.rawget(k), level.depth, level.slots + 2, level);
                }
                if (child != null) {
                    level = child;
                }
            }
        }

        private void appendKey(LuaValue k) {
            if (k.type() == LuaValue.TNUMBER) {
                out.write('"');
                appendNumber(k);
                out.writeAscii("\":");
            } else if (k.type() == LuaValue.TSTRING) {
                appendString((LuaString) k);
                out.write(':');
            } else {
                throw exception(k, "table key must be a number or string");
            }
        }

        /** Writes {@code v}, or for a table its opening bracket, returning the level to fill in. */
        private Level appendData(LuaValue v, int depth, int slots, Level parent) {
            switch (v.type()) {
                case LuaValue.TSTRING:
                    appendString((LuaString) v);
                    return null;
                case LuaValue.TNUMBER:
                    appendNumber(v);
                    return null;
                case LuaValue.TBOOLEAN:
                    out.writeAscii(v.toboolean() ? "true" : "false");
                    return null;
                case LuaValue.TTABLE: {
                    depth++;
                    if (depth > cfg.encodeMaxDepth || slots + 3 > BaseFunctions.MAX_C_STACK) {
                        throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                    }
                    LuaTable t = (LuaTable) v;
                    int len = arrayLength(t);
                    if (len > 0) {
                        out.write('[');
                        return new Level(parent, t, depth, slots, len, null);
                    }
                    out.write('{');
                    return new Level(parent, t, depth, slots, -1, Lua51TableOrder.keys(t));
                }
                case LuaValue.TNIL:
                    out.writeAscii("null");
                    return null;
                default:
                    if (v == NULL) {
                        out.writeAscii("null");
                        return null;
                    }
                    throw exception(v, "type not supported");
            }
        }

        private static LuaError exception(LuaValue v, String reason) {
            return new LuaError("Cannot serialise " + v.typename() + ": " + reason);
        }

        /** lua_array_length: the largest positive integer key, -1 if not an array; sparse rules. */
        private int arrayLength(LuaTable t) {
            int max = 0;
            int items = 0;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs e = t.next(k);
                k = e.arg1();
                if (k.isnil()) {
                    break;
                }
                if (k.type() == LuaValue.TNUMBER) {
                    double d = k.todouble();
                    if (d != 0 && Math.floor(d) == d && d >= 1) {
                        if (d > max) {
                            max = Lua51.toCInt(d);
                        }
                        items++;
                        continue;
                    }
                }
                return -1;
            }
            if (cfg.sparseRatio > 0 && max > (long) items * cfg.sparseRatio && max > cfg.sparseSafe) {
                if (!cfg.sparseConvert) {
                    throw exception(t, "excessively sparse array");
                }
                return -1;
            }
            return max;
        }


        private void appendNumber(LuaValue v) {
            double num = v.todouble();
            boolean invalid = Double.isNaN(num) || Double.isInfinite(num);
            if (cfg.encodeInvalid == 0) {
                if (invalid) {
                    throw exception(v, "must not be NaN or Inf");
                }
            } else if (cfg.encodeInvalid == 1) {
                if (Double.isNaN(num)) {
                    out.writeAscii("nan");
                    return;
                }
            } else if (invalid) {
                out.writeAscii("null");
                return;
            }
            out.writeAscii(CFormat.formatDouble('g', 0, -1, cfg.precision, num));
        }

        private void appendString(LuaString s) {
            out.write('"');
            int n = s.length();
            for (int i = 0; i < n; i++) {
                int c = s.luaByte(i);
                String esc = ESCAPES[c];
                if (esc == null) {
                    out.write(c);
                } else {
                    out.writeAscii(esc);
                }
            }
            out.write('"');
        }
    }

    // ------------------------------------------------------------------ decoding

    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_ERROR = 12;
    private static final String[] TOKEN_NAMES = {
        "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL",
        "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"
    };

    /** One token; {@code index} is 0-based, {@code error} set for T_ERROR. */
    private static final class Token {
        int type;
        int index;
        String error;
        LuaValue value;
    }

    private static final class Decoder {
        private final Config cfg;
        /** The input up to its first NUL byte: cjson reads a C string. */
        private final byte[] data;
        private final int fullLength;
        private int ptr;
        private int depth;

        Decoder(Config cfg, LuaString s) {
            this.cfg = cfg;
            int n = 0;
            while (n < s.length() && s.luaByte(n) != 0) {
                n++;
            }
            data = new byte[n];
            s.copyInto(0, data, 0, n);
            fullLength = s.length();
        }

        private int at(int i) {
            return i < data.length ? data[i] & 0xff : 0;
        }

        LuaValue decode() {
            if (fullLength >= 2 && (at(0) == 0 || at(1) == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
            Token t = new Token();
            next(t);
            LuaValue v = value(t, 1);
            next(t);
            if (t.type != T_END) {
                throw parseError("the end", t);
            }
            return v;
        }

        private LuaError parseError(String expected, Token t) {
            String found = t.type == T_ERROR ? t.error : TOKEN_NAMES[t.type];
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (t.index + 1));
        }

        private void descend(int slots, int needed) {
            depth++;
            if (depth <= cfg.decodeMaxDepth && slots + needed <= BaseFunctions.MAX_C_STACK) {
                return;
            }
            throw new LuaError("Found too many nested data structures (" + depth + ") at character " + ptr);
        }

        /**
         * Processes the value starting at token {@code t}; {@code slots} is the Lua stack in use.
         * cjson recurses in C per nested object or array (bounded by the configured depth and Lua's
         * 8000-slot C stack); here the open containers are kept on a heap stack, so the depth
         * reached and the error given never depend on the Java stack of the thread running the
         * script.
         */
        private LuaValue value(Token t, int slots) {
            Container c = null; // the innermost open container
            int valueSlots = slots;
            while (true) {
                // t is the first token of a value
                LuaValue v;
                Container opened = open(t, valueSlots, c);
                if (opened != null) {
                    c = opened;
                    next(t);
                    if (t.type != c.endToken()) {
                        valueSlots = beginElement(c, t);
                        continue;
                    }
                    depth--;
                    v = c.table;
                    c = c.parent;
                } else {
                    v = scalar(t);
                }
                // v is complete: it is an element of c; close every container that ends here
                while (true) {
                    if (c == null) {
                        return v;
                    }
                    c.add(v);
                    next(t);
                    if (t.type == c.endToken()) {
                        depth--;
                        v = c.table;
                        c = c.parent;
                        continue;
                    }
                    if (t.type != T_COMMA) {
                        throw parseError(c.object ? "comma or object end" : "comma or array end", t);
                    }
                    next(t);
                    valueSlots = beginElement(c, t);
                    break;
                }
            }
        }

        /** At an element's first token: an object's key and colon are read; the value's slots. */
        private int beginElement(Container c, Token t) {
            if (!c.object) {
                return c.slots + 1;
            }
            if (t.type != T_STRING) {
                throw parseError("object key string", t);
            }
            c.key = t.value;
            next(t);
            if (t.type != T_COLON) {
                throw parseError("colon", t);
            }
            next(t);
            return c.slots + 2;
        }

        private LuaValue scalar(Token t) {
            switch (t.type) {
                case T_STRING:
                case T_NUMBER:
                case T_BOOLEAN:
                    return t.value;
                case T_NULL:
                    return NULL;
                default:
                    throw parseError("value", t);
            }
        }

        /** A container begun at token {@code t} (its bracket consumed), or null for anything else. */
        private Container open(Token t, int slots, Container parent) {
            if (t.type == T_OBJ_BEGIN) {
                descend(slots, 3);
                return new Container(parent, true, slots);
            }
            if (t.type == T_ARR_BEGIN) {
                descend(slots, 2);
                return new Container(parent, false, slots);
            }
            return null;
        }

        /** An object or array being decoded, and the one it is an element of. */
        private static final class Container {
            final Container parent;
            final boolean object;
            final int slots;
            final LuaTable table = new LuaTable();
            /** An object's keys in insertion order (see {@link Lua51TableOrder#recordIncremental}). */
            final java.util.List<LuaValue> order;
            LuaValue key;
            int index;

            Container(Container parent, boolean object, int slots) {
                this.parent = parent;
                this.object = object;
                this.slots = slots;
                if (object) {
                    order = new java.util.ArrayList<>();
                    Lua51TableOrder.recordIncremental(table, order);
                } else {
                    order = null;
                }
            }

            int endToken() {
                return object ? T_OBJ_END : T_ARR_END;
            }

            void add(LuaValue v) {
                if (object) {
                    if (table.rawget(key).isnil()) {
                        order.add(key);
                    }
                    table.rawset(key, v);
                } else {
                    table.rawset(++index, v);
                }
            }
        }

        private void error(Token t, String msg) {
            t.type = T_ERROR;
            t.index = ptr;
            t.error = msg;
        }

        private void next(Token t) {
            int ch;
            while (true) {
                ch = at(ptr);
                if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
                    ptr++;
                } else {
                    break;
                }
            }
            t.index = ptr;
            t.value = null;
            switch (ch) {
                case 0:
                    t.type = T_END;
                    return;
                case '{':
                    t.type = T_OBJ_BEGIN;
                    ptr++;
                    return;
                case '}':
                    t.type = T_OBJ_END;
                    ptr++;
                    return;
                case '[':
                    t.type = T_ARR_BEGIN;
                    ptr++;
                    return;
                case ']':
                    t.type = T_ARR_END;
                    ptr++;
                    return;
                case ':':
                    t.type = T_COLON;
                    ptr++;
                    return;
                case ',':
                    t.type = T_COMMA;
                    ptr++;
                    return;
                case 'f': case 'i': case 'I': case 'n': case 'N': case 't': case '"': case '+': case '-':
                case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
                    break;
                default:
                    error(t, "invalid token");
                    return;
            }
            if (ch == '"') {
                string(t);
            } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
                if (cfg.decodeInvalid == 0 && isInvalidNumber()) {
                    error(t, "invalid number");
                    return;
                }
                number(t);
            } else if (startsWith("true")) {
                t.type = T_BOOLEAN;
                t.value = LuaValue.TRUE;
                ptr += 4;
            } else if (startsWith("false")) {
                t.type = T_BOOLEAN;
                t.value = LuaValue.FALSE;
                ptr += 5;
            } else if (startsWith("null")) {
                t.type = T_NULL;
                ptr += 4;
            } else if (cfg.decodeInvalid != 0 && isInvalidNumber()) {
                number(t);
            } else {
                error(t, "invalid token");
            }
        }

        private boolean startsWith(String word) {
            for (int i = 0; i < word.length(); i++) {
                if (at(ptr + i) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean startsWithIgnoreCase(int p, String word) {
            for (int i = 0; i < word.length(); i++) {
                if (Character.toLowerCase((char) at(p + i)) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean isInvalidNumber() {
            int p = ptr;
            if (at(p) == '+') {
                return true;
            }
            if (at(p) == '-') {
                p++;
            }
            if (at(p) == '0') {
                int ch2 = at(p + 1);
                return (ch2 | 0x20) == 'x' || (ch2 >= '0' && ch2 <= '9');
            } else if (at(p) <= '9') {
                return false;
            }
            return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
        }

        private void number(Token t) {
            int[] stop = new int[1];
            Double d = Lua51.strtod(data, ptr, data.length, stop);
            if (d == null) {
                error(t, "invalid number");
                return;
            }
            t.type = T_NUMBER;
            t.value = LuaValue.valueOf(d);
            ptr = stop[0];
        }

        private void string(Token t) {
            ptr++;
            ByteSink tmp = new ByteSink();
            int ch;
            while ((ch = at(ptr)) != '"') {
                if (ch == 0) {
                    error(t, "unexpected end of string");
                    return;
                }
                if (ch == '\\') {
                    int esc = at(ptr + 1);
                    int c;
                    switch (esc) {
                        case '"': c = '"'; break;
                        case '\\': c = '\\'; break;
                        case '/': c = '/'; break;
                        case 'b': c = '\b'; break;
                        case 't': c = '\t'; break;
                        case 'n': c = '\n'; break;
                        case 'f': c = '\f'; break;
                        case 'r': c = '\r'; break;
                        case 'u': c = 'u'; break;
                        default: c = 0;
                    }
                    if (c == 'u') {
                        if (unicodeEscape(tmp)) {
                            continue;
                        }
                        error(t, "invalid unicode escape code");
                        return;
                    }
                    if (c == 0) {
                        error(t, "invalid escape code");
                        return;
                    }
                    ptr++;
                    ch = c;
                }
                tmp.write(ch);
                ptr++;
            }
            ptr++;
            t.type = T_STRING;
            t.value = tmp.toLuaString();
        }

        private int hex4(int p) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int c = at(p + i);
                int d = Character.digit(c, 16);
                if (d < 0 || c > 'f') {
                    return -1;
                }
                v = (v << 4) | d;
            }
            return v;
        }

        private boolean unicodeEscape(ByteSink tmp) {
            int escapeLen = 6;
            int cp = hex4(ptr + 2);
            if (cp < 0) {
                return false;
            }
            if ((cp & 0xF800) == 0xD800) {
                if ((cp & 0x400) != 0) {
                    return false;
                }
                if (at(ptr + escapeLen) != '\\' || at(ptr + escapeLen + 1) != 'u') {
                    return false;
                }
                int low = hex4(ptr + 2 + escapeLen);
                if (low < 0 || (low & 0xFC00) != 0xDC00) {
                    return false;
                }
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                escapeLen = 12;
            }
            if (cp <= 0x7F) {
                tmp.write(cp);
            } else if (cp <= 0x7FF) {
                tmp.write(0xC0 | (cp >> 6));
                tmp.write(0x80 | (cp & 0x3F));
            } else if (cp <= 0xFFFF) {
                tmp.write(0xE0 | (cp >> 12));
                tmp.write(0x80 | ((cp >> 6) & 0x3F));
                tmp.write(0x80 | (cp & 0x3F));
            } else {
                tmp.write(0xF0 | (cp >> 18));
                tmp.write(0x80 | ((cp >> 12) & 0x3F));
                tmp.write(0x80 | ((cp >> 6) & 0x3F));
                tmp.write(0x80 | (cp & 0x3F));
            }
            ptr += escapeLen;
            return true;
        }
    }
}
