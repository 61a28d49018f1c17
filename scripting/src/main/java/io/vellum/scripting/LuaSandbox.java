package io.vellum.scripting;

import io.vellum.scripting.lib.RedisLuaLibraries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Builds the one Lua state of a store (Redis's scriptingInit + luaSetAllowListProtection +
 * luaSetTableProtectionRecursively): LuaJ's base, table, string, math and coroutine libraries,
 * Redis's libraries ({@link RedisLuaLibraries}), the {@code redis} table, then keeps only
 * Redis's allow-list of globals, makes the globals and every library table read-only, makes
 * reading a missing global an error, and installs the interrupt hook.
 *
 * <p>Functions of 5.1 that LuaJ 5.2 lacks or does differently are replaced here with 5.1's
 * behaviour: {@code error} levels, {@code pcall}/{@code xpcall} messages, {@code loadstring}
 * and {@code load} of text only (no bytecode), {@code tostring} without addresses.
 * Engine thread only.
 */
final class LuaSandbox {
    /** Redis 7.0's globals (what a 7.0 server really exposes; see script_lua.c's allow lists). */
    private static final Set<String> ALLOWED = Set.of(
            "string", "cjson", "bit", "cmsgpack", "math", "table", "struct", "redis",
            "xpcall", "tostring", "setmetatable", "next", "assert", "tonumber", "rawequal",
            "collectgarbage", "getmetatable", "rawset", "pcall", "coroutine", "type", "_G", "select",
            "unpack", "gcinfo", "pairs", "rawget", "loadstring", "ipairs", "_VERSION", "load", "error");
    private static final String[] LIBRARIES = {"string", "table", "math", "coroutine", "cjson", "bit", "cmsgpack", "struct"};

    /** The names of the globals the engine sets per EVAL call. */
    static final LuaString KEYS = LuaString.valueOf("KEYS");
    static final LuaString ARGV = LuaString.valueOf("ARGV");

    final SandboxGlobals globals = new SandboxGlobals();
    /**
     * The string keys of the globals and of the library tables, each as the very object the
     * table holds. Lua 5.1 interns every string, so a script's {@code redis.call} or
     * {@code KEYS} finds its table slot by pointer; LuaJ compares bytes unless the key is the
     * same object, so compiled scripts' constants are swapped for these ({@link #compile}).
     */
    private final Map<LuaString, LuaString> names = new java.util.HashMap<>();
    final InterruptHook hook;
    private java.util.function.LongSupplier memoryLimit = () -> 0;
    private final Lrand48 rand;
    /** Deterministic "addresses" for tostring, numbered per script run. */
    private final Map<LuaValue, Integer> ids = new IdentityHashMap<>();

    LuaSandbox(Lrand48 rand, InterruptHook.Handler onInterrupt, LuaTable redis) {
        this.rand = rand;
        SandboxGlobals g = globals;
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);
        RedisLuaLibraries.install(g);
        replaceBaseFunctions(g);
        // pairs walks tables in Lua 5.1's order where it can be rebuilt (scripts that build
        // replies or keys from pairs then match Redis's order).
        g.set("pairs", io.vellum.scripting.lib.Lua51TableOrder.pairsFunction());
        g.set("redis", redis);
        g.set("_VERSION", LuaValue.valueOf("Lua 5.1"));
        // Keep the allow-list only.
        for (LuaValue k : g.keys()) {
            if (!k.isstring() || !ALLOWED.contains(k.tojstring())) {
                g.rawset(k, LuaValue.NIL);
            }
        }
        for (String lib : LIBRARIES) {
            LuaValue t = g.get(lib);
            if (t instanceof LuaTable table) {
                g.rawset(LuaValue.valueOf(lib), ReadOnlyTable.copyOf(table));
            }
        }
        g.rawset(LuaValue.valueOf("redis"), ReadOnlyTable.copyOf(redis));
        ReadOnlyTable stringMeta = new ReadOnlyTable();
        stringMeta.put(LuaValue.INDEX, g.get("string"));
        stringMeta.seal();
        LuaString.s_metatable = stringMeta;
        ReadOnlyTable globalsMeta = new ReadOnlyTable();
        globalsMeta.put(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue name = args.arg(2);
                throw new LuaError("Script attempted to access nonexistent global variable '"
                        + (name.isstring() ? Lua.str(name.checkstring()) : name.tojstring()) + "'");
            }
        });
        globalsMeta.seal();
        g.internalSetMetatable(globalsMeta);
        g.seal();
        this.hook = new InterruptHook(onInterrupt);
        g.debuglib = hook;
        indexNames(g, true);
        names.put(KEYS, KEYS);
        names.put(ARGV, ARGV);
    }

    /** The string keys of {@code g} and, for the globals, of the tables they hold (_G is the globals themselves). */
    private void indexNames(LuaTable g, boolean withTables) {
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = g.next(k);
            if ((k = n.arg1()).isnil()) {
                return;
            }
            if (k instanceof LuaString s) {
                names.putIfAbsent(s, s);
            }
            if (withTables && n.arg(2) instanceof LuaTable library) {
                indexNames(library, false);
            }
        }
    }

    /** Swaps string constants that name a global or a library member for the tables' own key objects. */
    private void internNames(org.luaj.vm2.Prototype p) {
        LuaValue[] k = p.k;
        for (int i = 0; i < k.length; i++) {
            if (k[i] instanceof LuaString s) {
                LuaString own = names.get(s);
                if (own != null) {
                    k[i] = own;
                }
            }
        }
        for (org.luaj.vm2.Prototype child : p.p) {
            internNames(child);
        }
    }

    /** script-max-memory, in bytes (0: no bound); string.rep refuses a larger result at once. */
    void setMemoryLimit(java.util.function.LongSupplier limit) {
        this.memoryLimit = limit;
    }

    /** Before a script runs: fresh tostring ids. */
    void startRun() {
        if (!ids.isEmpty()) {
            ids.clear(); // IdentityHashMap.clear fills its whole table, even when empty
        }
        hook.resetDepth();
    }

    /**
     * Compiles {@code body} as a text chunk named {@code chunkName} ("@user_script") with the
     * globals as its environment. Throws LuaError with the compiler's message.
     */
    LuaValue compile(byte[] body, int from, String chunkName, LuaValue env) {
        LuaValue f = globals.load(new ByteArrayInputStream(body, from, body.length - from), chunkName, "t", env);
        if (f instanceof org.luaj.vm2.LuaClosure c) {
            noTailCalls(c.p);
            internNames(c.p);
        }
        return f;
    }

    /**
     * Turns tail calls into calls (the RETURN the compiler emits after each one returns the
     * results). LuaJ runs a tail call after its frame is gone, so an error in it would lose the
     * script line Redis reports ("on @user_script:1").
     */
    private static void noTailCalls(org.luaj.vm2.Prototype p) {
        int[] code = p.code;
        for (int i = 0; i < code.length; i++) {
            if ((code[i] & 0x3f) == org.luaj.vm2.Lua.OP_TAILCALL) {
                code[i] = (code[i] & ~0x3f & ~(0x1ff << 14)) | org.luaj.vm2.Lua.OP_CALL;
            }
        }
        for (org.luaj.vm2.Prototype sub : p.p) {
            noTailCalls(sub);
        }
    }

    // ------------------------------------------------------------------ 5.1 base functions

    private void replaceBaseFunctions(SandboxGlobals g) {
        LuaValue luajTostring = g.get("tostring");
        LuaValue luajSetmetatable = g.get("setmetatable");
        g.set("error", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue msg = args.arg1();
                int level = args.isnoneornil(2) ? 1 : args.checkint(2);
                throw new ScriptError(msg, level > 0 && msg.isstring());
            }
        });
        g.set("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.checkvalue(1);
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(2)));
                } catch (ScriptError.Killed k) {
                    throw k;
                } catch (LuaError e) {
                    // luaRedisPcall: an error table's err string is what pcall returns
                    LuaValue v = ErrorInfo.luaValue(e);
                    if (v.istable() && v.rawget("err").isstring()) {
                        v = v.rawget("err");
                    }
                    return LuaValue.varargsOf(LuaValue.FALSE, v);
                } catch (StackOverflowError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
                }
            }
        });
        g.set("xpcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.arg1();
                LuaValue handler = args.arg(2);
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke());
                } catch (ScriptError.Killed k) {
                    throw k;
                } catch (LuaError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(ErrorInfo.luaValue(e)));
                } catch (StackOverflowError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(LuaValue.valueOf("stack overflow")));
                }
            }
        });
        g.set("setmetatable", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                refuseReadOnly(args.arg1());
                return luajSetmetatable.invoke(args);
            }
        });
        g.set("rawset", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaTable t = args.checktable(1);
                refuseReadOnly(t);
                t.rawset(args.checknotnil(2), args.arg(3));
                return t;
            }
        });
        g.set("tostring", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() == 0) {
                    throw io.vellum.scripting.lib.Lua51.argError(1, "tostring", "value expected");
                }
                LuaValue v = args.arg1();
                if ((v.istable() || v.isfunction() || v.isthread() || v.isuserdata())
                        && v.metatag(LuaValue.TOSTRING).isnil()) {
                    Integer id = ids.computeIfAbsent(v, x -> ids.size() + 1);
                    return LuaValue.valueOf(v.typename() + ": " + String.format("0x%08x", id));
                }
                return luajTostring.call(v);
            }
        });
        g.set("loadstring", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString s = args.checkstring(1);
                String chunk = args.isnoneornil(2) ? Lua.str(s) : Lua.str(args.checkstring(2));
                return loadText(Lua.bytes(s), chunk);
            }
        });
        g.set("load", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.checkfunction(1);
                String chunk = args.isnoneornil(2) ? "=(load)" : Lua.str(args.checkstring(2));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                while (true) {
                    LuaValue piece = f.call();
                    if (piece.isnil() || piece.isstring() && piece.checkstring().length() == 0) {
                        break;
                    }
                    if (!piece.isstring()) {
                        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("reader function must return a string"));
                    }
                    LuaString ps = piece.checkstring();
                    out.write(ps.m_bytes, ps.m_offset, ps.m_length);
                }
                return loadText(out.toByteArray(), chunk);
            }
        });
        g.set("gcinfo", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Runtime r = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((r.totalMemory() - r.freeMemory()) / 1024));
            }
        });
        if (g.get("unpack").isnil()) {
            g.set("unpack", new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    LuaTable t = args.checktable(1);
                    int i = args.isnoneornil(2) ? 1 : Lua.toIntC(args.checkdouble(2));
                    int e = args.isnoneornil(3) ? t.length() : Lua.toIntC(args.checkdouble(3));
                    if (i > e) {
                        return LuaValue.NONE;
                    }
                    long n = (long) e - i + 1;
                    if (n >= Integer.MAX_VALUE || n > 8000) {
                        throw new LuaError("too many results to unpack");
                    }
                    LuaValue[] v = new LuaValue[(int) n];
                    for (int k = 0; k < n; k++) {
                        v[k] = t.rawget(i + k);
                    }
                    return LuaValue.varargsOf(v);
                }
            });
        }
        LuaTable math = g.get("math").checktable();
        math.set("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                double r = (double) (rand.next() % Lrand48.MAX) / (double) Lrand48.MAX;
                switch (args.narg()) {
                    case 0:
                        return LuaValue.valueOf(r);
                    case 1: {
                        int u = Lua.toIntC(args.checkdouble(1));
                        if (u < 1) {
                            throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = Lua.toIntC(args.checkdouble(1));
                        int u = Lua.toIntC(args.checkdouble(2));
                        if (l > u) {
                            throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * ((double) u - l + 1)) + l);
                    }
                    default:
                        throw new LuaError("wrong number of arguments");
                }
            }
        });
        math.set("randomseed", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue seed) {
                rand.seed(Lua.toIntC(seed.checkdouble()));
                return NONE;
            }
        });
        LuaTable string = g.get("string").checktable();
        string.set("rep", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // Lua 5.1's: luaL_checkint (C's conversion: 2^31 is negative, so ""), no separator.
                LuaString str = args.checkstring(1);
                int n = Lua.toIntC(args.checkdouble(2));
                if (n <= 0 || str.length() == 0) {
                    return LuaValue.EMPTYSTRING;
                }
                long size = (long) str.length() * n;
                long bound = memoryLimit.getAsLong();
                if (size > maxStringBytes() || bound > 0 && size > bound) {
                    throw new LuaError("not enough memory");
                }
                byte[] b = new byte[(int) size];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(str.m_bytes, str.m_offset, b, i * str.m_length, str.m_length);
                }
                return LuaValue.valueOf(b);
            }
        });
        LuaValue luajDump = string.get("dump");
        string.set("dump", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue f) {
                // Lua 5.1's header byte: loading it back is refused like Redis refuses 5.1 bytecode.
                byte[] b = Lua.bytes(luajDump.call(f).checkstring());
                if (b.length > 4) {
                    b[4] = 0x51;
                }
                return LuaValue.valueOf(b);
            }
        });
    }

    /** The largest string a script may build at once: a quarter of the heap, at most 512 MB (proto-max-bulk-len). */
    static long maxStringBytes() {
        return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    private static void refuseReadOnly(LuaValue t) {
        if (t instanceof ReadOnlyTable || t instanceof SandboxGlobals sg && sg.sealed()) {
            throw ScriptError.plain(ReadOnlyTable.READONLY);
        }
    }

    /** loadstring/load: text chunks only; a binary chunk fails as Lua 5.1 without an undumper does. */
    private Varargs loadText(byte[] text, String chunkName) {
        String name = chunkId(chunkName);
        if (text.length > 0 && text[0] == 0x1b) {
            return LuaValue.varargsOf(LuaValue.NIL, Lua.s(name + ":1: unexpected symbol near 'char(27)'"));
        }
        try {
            return compile(text, 0, "=" + name, globals);
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
        }
    }

    /** Lua 5.1's luaO_chunkid for a string chunk: [string "first line..."]. */
    private static String chunkId(String source) {
        if (source.startsWith("=")) {
            return source.substring(1);
        }
        if (source.startsWith("@")) {
            return source.substring(1);
        }
        int end = source.length();
        int nl = source.indexOf('\n');
        int nul = source.indexOf('\0');
        if (nul >= 0 && nul < end) {
            end = nul;
        }
        boolean cut = false;
        if (nl >= 0 && nl < end) {
            end = nl;
            cut = true;
        }
        int max = 60 - 15;
        if (end > max) {
            end = max;
            cut = true;
        }
        return "[string \"" + source.substring(0, end) + (cut ? "...\"]" : "\"]");
    }
}
