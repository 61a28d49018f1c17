package io.vellum.scripting.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * What Lua 5.1's {@code table} and {@code math} libraries have and LuaJ's 5.2 ones lack or do
 * differently (ltablib.c, lmathlib.c): {@code table.getn}, {@code table.maxn},
 * {@code table.setn} (obsolete: an error), {@code table.foreach}, {@code table.foreachi},
 * 5.1's {@code table.insert} (exactly two or three arguments; a position past the end grows
 * the array), {@code table.concat} with Redis's error for a value that is not a string, and
 * {@code math.log10}; and without 5.2's {@code table.pack} and
 * {@code table.unpack}, which Redis's Lua does not have. Old scripts still call
 * {@code table.getn}. Stateless.
 */
public final class Lua51TableLib {
    private Lua51TableLib() {}

    /** Installs into the {@code table} and {@code math} tables of a Globals not yet sandboxed. */
    public static void install(LuaTable table, LuaTable math) {
        table.rawset("getn", fn("getn", args -> LuaValue.valueOf(checkTable(args, 1, "getn").rawlen())));
        table.rawset("maxn", fn("maxn", Lua51TableLib::maxn));
        table.rawset("setn", fn("setn", args -> {
            checkTable(args, 1, "setn");
            throw new LuaError("'setn' is obsolete");
        }));
        table.rawset("foreach", fn("foreach", Lua51TableLib::foreach));
        table.rawset("foreachi", fn("foreachi", Lua51TableLib::foreachi));
        table.rawset("insert", fn("insert", Lua51TableLib::insert));
        table.rawset("concat", fn("concat", Lua51TableLib::concat));
        table.rawset("pack", LuaValue.NIL);
        table.rawset("unpack", LuaValue.NIL);
        math.rawset("log10", fn("log10", args -> LuaValue.valueOf(Math.log10(Lua51.checkNumber(args, 1, "log10")))));
    }

    private interface Body {
        Varargs call(Varargs args);
    }

    private static LuaValue fn(String fname, Body body) {
        return new VarArgFunction() {
            {
                name = fname;
            }

            @Override
            public Varargs invoke(Varargs args) {
                return body.call(args);
            }
        };
    }

    /** luaL_checktype(L, n, LUA_TTABLE) */
    private static LuaTable checkTable(Varargs args, int arg, String fname) {
        LuaValue v = args.arg(arg);
        if (!v.istable()) {
            throw Lua51.typeError(args, arg, fname, "table");
        }
        return (LuaTable) v;
    }

    private static void checkFunction(Varargs args, int arg, String fname) {
        if (!args.arg(arg).isfunction()) {
            throw Lua51.typeError(args, arg, fname, "function");
        }
    }

    /* table.maxn(t): the largest positive numeric key, 0 if none */
    private static Varargs maxn(Varargs args) {
        LuaTable t = checkTable(args, 1, "maxn");
        double max = 0;
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
                max = k.todouble();
            }
        }
        return LuaValue.valueOf(max);
    }

    /* table.foreach(t, f): f(k, v) for each pair in Lua 5.1's order, until f returns non-nil */
    private static Varargs foreach(Varargs args) {
        LuaTable t = checkTable(args, 1, "foreach");
        checkFunction(args, 2, "foreach");
        LuaValue f = args.arg(2);
        for (LuaValue k : Lua51TableOrder.keys(t)) {
            LuaValue v = t.rawget(k);
            if (v.isnil()) {
                continue;
            }
            LuaValue r = f.call(k, v);
            if (!r.isnil()) {
                return r;
            }
        }
        return LuaValue.NONE;
    }

    /* table.foreachi(t, f): f(i, t[i]) for i = 1..#t, until f returns non-nil */
    private static Varargs foreachi(Varargs args) {
        LuaTable t = checkTable(args, 1, "foreachi");
        int n = t.rawlen();
        checkFunction(args, 2, "foreachi");
        LuaValue f = args.arg(2);
        for (int i = 1; i <= n; i++) {
            LuaValue r = f.call(LuaValue.valueOf(i), t.rawget(i));
            if (!r.isnil()) {
                return r;
            }
        }
        return LuaValue.NONE;
    }

    /* table.insert(t, [pos,] v) */
    private static Varargs insert(Varargs args) {
        LuaTable t = checkTable(args, 1, "insert");
        int e = t.rawlen() + 1;
        int pos;
        switch (args.narg()) {
            case 2 -> pos = e;
            case 3 -> {
                pos = Lua51.checkInt(args, 2, "insert");
                if (pos > e) {
                    e = pos;
                }
                for (int i = e; i > pos; i--) {
                    t.rawset(i, t.rawget(i - 1));
                }
            }
            default -> throw new LuaError("wrong number of arguments to 'insert'");
        }
        t.rawset(pos, args.arg(args.narg()));
        return LuaValue.NONE;
    }

    /* table.concat(t [, sep [, i [, j]]]) */
    private static Varargs concat(Varargs args) {
        LuaValue sepArg = args.arg(2);
        org.luaj.vm2.LuaString sep;
        if (sepArg.isnil()) {
            sep = org.luaj.vm2.LuaString.valueOf("");
        } else if (sepArg.isstring()) {
            sep = sepArg.checkstring();
        } else {
            throw Lua51.typeError(args, 2, "concat", "string");
        }
        LuaTable t = checkTable(args, 1, "concat");
        int i = Lua51.optInt(args, 3, "concat", 1);
        int last = args.arg(4).isnil() ? t.rawlen() : Lua51.checkInt(args, 4, "concat");
        ByteSink out = new ByteSink();
        for (long k = i; k <= last; k++) {
            LuaValue v = t.rawget((int) k);
            if (!v.isstring()) {
                throw new LuaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
            }
            out.write(v.checkstring());
            if (k != last) {
                out.write(sep);
            }
        }
        return out.toLuaString();
    }
}
