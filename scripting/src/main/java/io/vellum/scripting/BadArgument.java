package io.vellum.scripting;

import java.util.Locale;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Lua 5.1's luaL_argerror texts for LuaJ's library functions: "bad argument #1 to 'sub'
 * (string expected, got nil)". LuaJ's own texts name neither the function nor, mostly, the
 * argument ("bad argument: string expected, got nil"). The call site ({@link ErrorSite})
 * knows both: the function's name as 5.1's getfuncname reads it from the calling
 * instruction, and the arguments passed. The argument is the first one of the type LuaJ names
 * that is not of the expected type ("no value" past the last one); a method call does not
 * count its self, and a bad self is "calling 'f' on bad self". When that cannot be told,
 * LuaJ's text stays.
 */
final class BadArgument {
    private static final char SEP = '\u0004';

    private BadArgument() {
    }

    /**
     * The call site, encoded for {@link #rewrite}: the function's name and kind, the number of
     * arguments (-1 when it is only known at run time), and each argument's type, with '#' for
     * a string Lua would read as a number.
     */
    static String callSite(String objName, LuaValue[] stack, int a, int b) {
        StringBuilder sb = new StringBuilder().append(SEP).append(objName == null ? "" : objName).append(SEP);
        int nargs = b == 0 ? -1 : b - 1;
        sb.append(nargs).append(SEP);
        for (int i = 1; i <= nargs; i++) {
            LuaValue v = stack[a + i];
            sb.append(v.typename());
            if (v instanceof LuaString && !v.tonumber().isnil()) {
                sb.append('#');
            }
            sb.append(',');
        }
        return sb.toString();
    }

    static boolean isCallSite(String text) {
        return !text.isEmpty() && text.charAt(0) == SEP;
    }

    /** 5.1's text for LuaJ's "bad argument ..." {@code own} raised at the call site {@code site}, or null. */
    static String rewrite(String own, String site) {
        String[] parts = site.substring(1).split(String.valueOf(SEP), -1);
        if (parts.length < 3) {
            return null;
        }
        String objName = parts[0];
        int nargs = Integer.parseInt(parts[1]);
        String[] types = parts[2].isEmpty() ? new String[0] : parts[2].split(",");
        String name = objName.isEmpty() ? "?" : objName.substring(objName.indexOf('\'') + 1, objName.length() - 1);
        boolean method = objName.startsWith("method ");
        int index;
        String extra;
        if (own.startsWith("bad argument #")) {
            // LuaJ's argerror(i, msg): "bad argument #2: msg" (i counts a method's self)
            int colon = own.indexOf(": ");
            if (colon < 0) {
                return null;
            }
            try {
                index = Integer.parseInt(own.substring("bad argument #".length(), colon));
            } catch (NumberFormatException e) {
                return null;
            }
            extra = own.substring(colon + 2);
            if (extra.equals("value")) {
                extra = "value expected";
            }
        } else if (own.startsWith("bad argument: ")) {
            String msg = own.substring("bad argument: ".length());
            int got = msg.indexOf(" expected, got ");
            String expected;
            String gotType = null;
            if (got > 0) {
                expected = msg.substring(0, got);
                gotType = msg.substring(got + " expected, got ".length());
            } else if (msg.endsWith(" expected")) {
                expected = msg.substring(0, msg.length() - " expected".length());
            } else {
                return null;
            }
            expected = normal(expected);
            index = find(SIGNATURES.get(name), types, nargs, expected, gotType);
            if (index < 0) {
                return null;
            }
            String actual = index > types.length ? "no value" : types[index - 1].replace("#", "");
            extra = got > 0 ? expected + " expected, got " + actual : expected + " expected";
        } else {
            return null;
        }
        if (method) {
            index--;
            if (index == 0) {
                return "calling '" + name + "' on bad self (" + extra + ")";
            }
        }
        return "bad argument #" + index + " to '" + name + "' (" + extra + ")";
    }

    /** LuaJ's Java-typed checks ("double expected") in Lua's type names. */
    private static String normal(String expected) {
        return switch (expected.toLowerCase(Locale.ROOT)) {
            case "double", "int", "integer", "long", "float" -> "number";
            default -> expected;
        };
    }

    /*
     * The parameters of LuaJ's library functions whose checks are ambiguous by type alone
     * ('s' string, 'n' number, 't' table, 'f' function, '*' anything): string.rep('x', 'y')
     * fails on its second argument, though the first is a string too.
     */
    private static final java.util.Map<String, String> SIGNATURES = java.util.Map.ofEntries(
            java.util.Map.entry("rep", "sn"), java.util.Map.entry("sub", "snn"), java.util.Map.entry("byte", "snn"),
            java.util.Map.entry("find", "ssn*"), java.util.Map.entry("match", "ssn"), java.util.Map.entry("gmatch", "ss"),
            java.util.Map.entry("gsub", "ss*n"), java.util.Map.entry("format", "s"), java.util.Map.entry("remove", "tn"),
            java.util.Map.entry("concat", "tsnn"), java.util.Map.entry("sort", "tf"), java.util.Map.entry("unpack", "tnn"),
            java.util.Map.entry("insert", "t"), java.util.Map.entry("setmetatable", "t"), java.util.Map.entry("next", "t"),
            java.util.Map.entry("rawget", "t"), java.util.Map.entry("rawset", "t"), java.util.Map.entry("select", "n"));

    /** The 1-based position of the argument that fails {@code expected}, or -1. */
    private static int find(String signature, String[] types, int nargs, String expected, String gotType) {
        if (signature != null) {
            char want = expected.equals("number") ? 'n' : expected.equals("string") ? 's'
                    : expected.equals("table") ? 't' : expected.equals("function") ? 'f' : '?';
            for (int i = 0; i < signature.length(); i++) {
                if (signature.charAt(i) != want) {
                    continue;
                }
                if (i >= types.length) {
                    return nargs >= 0 && "nil".equals(gotType) ? i + 1 : -1;
                }
                String t = types[i];
                if (!satisfies(t, expected) && (gotType == null || t.replace("#", "").equals(gotType))) {
                    return i + 1;
                }
            }
        }
        for (int i = 0; i < types.length; i++) {
            String t = types[i];
            String type = t.replace("#", "");
            if (!satisfies(t, expected) && (gotType == null || type.equals(gotType))) {
                return i + 1;
            }
        }
        if (nargs >= 0 && "nil".equals(gotType)) {
            return nargs + 1; // past the last argument: "no value"
        }
        return -1;
    }

    private static boolean satisfies(String t, String expected) {
        String type = t.replace("#", "");
        for (String e : expected.split("/")) {
            boolean ok = switch (e) {
                case "number" -> type.equals("number") || t.endsWith("#");
                case "string" -> type.equals("string") || type.equals("number");
                default -> type.equals(e);
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }
}
