package io.vellum.scripting;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * Lua 5.1's texts for errors of the virtual machine's own operations, rebuilt from where one
 * happened: the function's prototype, the instruction, and its registers. Lua 5.1 names the
 * value at fault ("attempt to perform arithmetic on local 'v' (a nil value)", "attempt to call
 * field 'foo' (a nil value)"); LuaJ's texts do not ("attempt to perform arithmetic on nil"),
 * and its own debug library names values as 5.2 does. This is ldebug.c's luaG_typeerror,
 * luaG_concaterror, luaG_aritherror, luaG_ordererror and getobjname, run on LuaJ's (5.2)
 * bytecode with 5.1's rules: a global is a field of the {@code _ENV} upvalue, and a key is
 * named only when it is a string constant ({@code KEYS[1]} is "field '?'").
 *
 * <p>The hook that sees an error ({@link InterruptHook#traceback}, the debugger's) calls {@link #describe};
 * the text travels in the error's traceback, and {@link ErrorInfo} uses it only when LuaJ's
 * own text is of the same kind (a guard against a frame that is not the one that failed).
 */
public final class ErrorSite {
    /** Starts what {@link #describe} returns inside an error's traceback. */
    public static final char MARK = '\u0001';
    /** Separates the kind (LuaJ's message prefix) from the 5.1 text. */
    static final char KIND_END = '\u0002';

    private ErrorSite() {
    }

    /**
     * For an error raised at instruction {@code pc} of {@code p} with registers {@code stack}:
     * MARK, the prefix LuaJ's message has for this kind of error, KIND_END and Lua 5.1's text;
     * or MARK alone when the instruction did not fail itself (a called function or metamethod
     * raised the error, which keeps its own text).
     */
    public static String describe(Prototype p, int pc, LuaValue[] stack) {
        String text = null;
        try {
            if (p != null && stack != null && pc >= 0 && pc < p.code.length) {
                text = text(p, pc, stack);
            }
        } catch (RuntimeException e) {
            text = null; // registers that do not fit the instruction: not the failing frame
        }
        return text == null ? String.valueOf(MARK) : MARK + text;
    }

    private static String text(Prototype p, int pc, LuaValue[] stack) {
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        if (op == Lua.OP_CALL || op == Lua.OP_TAILCALL) {
            LuaValue f = stack[a];
            if (f.isfunction() || hasMeta(f, "__call")) {
                // the called function raised it: for its "bad argument", who was called with what
                return kind("bad argument") + BadArgument.callSite(objName(p, pc, a), stack, a, b);
            }
            return kind("attempt to call") + typeError(p, pc, a, f, "call");
        }
        if (op == Lua.OP_GETTABLE || op == Lua.OP_SELF) {
            LuaValue t = stack[b];
            return indexable(t) ? null : kind("attempt to index") + typeError(p, pc, b, t, "index");
        }
        if (op == Lua.OP_SETTABLE) {
            LuaValue t = stack[a];
            if (!indexable(t)) {
                // LuaJ: "index expected, got nil" (an assignment), "attempt to index ..." (a read)
                return kind("index expected") + typeError(p, pc, a, t, "index");
            }
            LuaValue key = rk(p, stack, b);
            if (t.istable() && t.getmetatable() == null) {
                if (key.isnil()) {
                    return kind("table index") + "table index is nil";
                }
                if (key.isnumber() && Double.isNaN(key.todouble())) {
                    return kind("table index") + "table index is NaN";
                }
            }
            return null;
        }
        if (op >= Lua.OP_ADD && op <= Lua.OP_POW) {
            LuaValue x = rk(p, stack, b);
            LuaValue y = rk(p, stack, c);
            if (hasMeta(x, ARITH_EVENTS[op - Lua.OP_ADD]) || hasMeta(y, ARITH_EVENTS[op - Lua.OP_ADD])) {
                return null;
            }
            // luaG_aritherror: the first operand if it is not a number, else the second
            boolean firstBad = x.tonumber().isnil();
            if (!firstBad && !y.tonumber().isnil()) {
                return null;
            }
            int culprit = firstBad ? b : c;
            return kind("attempt to perform arithmetic") + typeError(p, pc, culprit, firstBad ? x : y, "perform arithmetic on");
        }
        if (op == Lua.OP_UNM) {
            LuaValue x = stack[b];
            if (!x.tonumber().isnil() || hasMeta(x, "__unm")) {
                return null;
            }
            return kind("attempt to perform arithmetic") + typeError(p, pc, b, x, "perform arithmetic on");
        }
        if (op == Lua.OP_LEN) {
            LuaValue x = stack[b];
            if (x.istable() || x instanceof LuaString || hasMeta(x, "__len")) {
                return null;
            }
            return kind("attempt to get length") + typeError(p, pc, b, x, "get length of");
        }
        if (op == Lua.OP_CONCAT) {
            return concat(p, pc, stack, b, c);
        }
        if (op == Lua.OP_LT || op == Lua.OP_LE) {
            return order(rk(p, stack, b), rk(p, stack, c), op == Lua.OP_LT ? "__lt" : "__le");
        }
        return null;
    }

    private static final String[] ARITH_EVENTS = {"__add", "__sub", "__mul", "__div", "__mod", "__pow"};

    private static String kind(String luajPrefix) {
        return luajPrefix + KIND_END;
    }

    /** luaV_concat's pairs from the right, and luaG_concaterror's choice of operand. */
    private static String concat(Prototype p, int pc, LuaValue[] stack, int b, int c) {
        for (int r = b; r <= c; r++) {
            if (hasMeta(stack[r], "__concat")) {
                return null;
            }
        }
        int top = c; // the right operand of the next pair; a merged string once top < c
        while (top > b) {
            LuaValue left = stack[top - 1];
            boolean rightOk = top < c || concatenable(stack[c]);
            if (!concatenable(left)) {
                return kind("attempt to concatenate") + typeError(p, pc, top - 1, left, "concatenate");
            }
            if (!rightOk) {
                return kind("attempt to concatenate") + typeError(p, pc, c, stack[c], "concatenate");
            }
            int k = top - 1;
            while (k - 1 >= b && concatenable(stack[k - 1])) {
                k--;
            }
            top = k;
        }
        return null;
    }

    /** luaG_ordererror, when no __lt/__le applies. */
    private static String order(LuaValue x, LuaValue y, String event) {
        if (x.type() == LuaValue.TNUMBER && y.type() == LuaValue.TNUMBER) {
            return null;
        }
        if (x instanceof LuaString && y instanceof LuaString) {
            return null;
        }
        if (x.type() == y.type() && (hasMeta(x, event) || event.equals("__le") && hasMeta(x, "__lt"))) {
            return null;
        }
        String t1 = x.typename();
        String t2 = y.typename();
        // 5.1 compares the names' third letters (so "string" and "thread" count as the same)
        String text = t1.charAt(2) == t2.charAt(2) ? "attempt to compare two " + t1 + " values"
                : "attempt to compare " + t1 + " with " + t2;
        return kind("attempt to compare") + text;
    }

    private static String typeError(Prototype p, int pc, int reg, LuaValue v, String op) {
        String name = reg >= 0 && !Lua.ISK(reg) ? objName(p, pc, reg) : null;
        String type = v.typename();
        return name == null ? "attempt to " + op + " a " + type + " value"
                : "attempt to " + op + " " + name + " (a " + type + " value)";
    }

    /** getobjname: "local 'v'", "global 'x'", "field 'f'", "upvalue 'u'", "method 'm'", or null. */
    static String objName(Prototype p, int pc, int reg) {
        LuaString local = p.getlocalname(reg + 1, pc);
        if (local != null) {
            return "local '" + local.tojstring() + "'";
        }
        int setPc = findSetReg(p, pc, reg);
        if (setPc < 0) {
            return null;
        }
        int i = p.code[setPc];
        int op = Lua.GET_OPCODE(i);
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        if (op == Lua.OP_MOVE) {
            return b < a ? objName(p, setPc, b) : null;
        }
        if (op == Lua.OP_GETTABUP) {
            String up = upvalueName(p, b);
            return ("_ENV".equals(up) ? "global '" : "field '") + kname(p, Lua.GETARG_C(i)) + "'";
        }
        if (op == Lua.OP_GETTABLE) {
            return "field '" + kname(p, Lua.GETARG_C(i)) + "'";
        }
        if (op == Lua.OP_GETUPVAL) {
            String up = upvalueName(p, b);
            return "upvalue '" + (up == null ? "?" : up) + "'";
        }
        if (op == Lua.OP_SELF) {
            return "method '" + kname(p, Lua.GETARG_C(i)) + "'";
        }
        return null;
    }

    /** Lua 5.2's findsetreg: the last instruction before {@code lastPc} that set {@code reg}. */
    private static int findSetReg(Prototype p, int lastPc, int reg) {
        int setReg = -1;
        for (int pc = 0; pc < lastPc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            if (op == Lua.OP_LOADNIL) {
                if (a <= reg && reg <= a + Lua.GETARG_B(i)) {
                    setReg = pc;
                }
            } else if (op == Lua.OP_TFORCALL) {
                if (reg >= a + 2) {
                    setReg = pc;
                }
            } else if (op == Lua.OP_CALL || op == Lua.OP_TAILCALL) {
                if (reg >= a) {
                    setReg = pc;
                }
            } else if (op == Lua.OP_JMP) {
                int dest = pc + 1 + Lua.GETARG_sBx(i);
                if (pc < dest && dest <= lastPc) {
                    pc = dest - 1; // a forward jump that does not skip lastPc
                }
            } else if (op == Lua.OP_TEST) {
                if (reg == a) {
                    setReg = pc;
                }
            } else if (Lua.testAMode(op) && reg == a) {
                setReg = pc;
            }
        }
        return setReg;
    }

    /** 5.1's kname: a string constant key's text, else "?". */
    private static String kname(Prototype p, int c) {
        if (Lua.ISK(c)) {
            LuaValue k = p.k[Lua.INDEXK(c)];
            if (k instanceof LuaString s) {
                return s.tojstring();
            }
        }
        return "?";
    }

    private static String upvalueName(Prototype p, int index) {
        if (p.upvalues == null || index >= p.upvalues.length || p.upvalues[index].name == null) {
            return null;
        }
        return p.upvalues[index].name.tojstring();
    }

    private static LuaValue rk(Prototype p, LuaValue[] stack, int x) {
        return Lua.ISK(x) ? p.k[Lua.INDEXK(x)] : stack[x];
    }

    private static boolean indexable(LuaValue v) {
        return v.istable() || v instanceof LuaString || hasMeta(v, "__index");
    }

    private static boolean concatenable(LuaValue v) {
        return v instanceof LuaString || v.type() == LuaValue.TNUMBER;
    }

    private static boolean hasMeta(LuaValue v, String event) {
        LuaValue mt = v.getmetatable();
        return mt != null && !mt.isnil() && mt.istable() && !mt.rawget(event).isnil();
    }
}
