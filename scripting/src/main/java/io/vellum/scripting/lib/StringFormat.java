package io.vellum.scripting.lib;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code string.format} ({@code str_format} in lstrlib.c): at most 5 flags, 2-digit
 * width and precision, conversions {@code c d i o u x X e E f g G q s %}, each passed to C's
 * {@code sprintf} as Lua 5.1 does (integers as a C long, {@code %s} stopping at a NUL byte,
 * unformatted {@code %s} of 100 bytes or more copied whole). Replaces LuaJ's, which ignores
 * precision and prints numbers with Java's rules.
 */
final class StringFormat extends VarArgFunction {
    private static final String FLAGS = "-+ #0";

    StringFormat() {
        name = "format";
    }

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = Lua51.checkString(args, 1, "format");
        int top = args.narg();
        int arg = 1;
        byte[] f = new byte[fmt.length()];
        fmt.copyInto(0, f, 0, f.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(f.length + 16);
        int i = 0;
        while (i < f.length) {
            byte c = f[i];
            if (c != '%') {
                out.write(c);
                i++;
                continue;
            }
            i++;
            if (i < f.length && f[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (++arg > top) {
                throw Lua51.argError(arg, "format", "no value");
            }
            // scanformat
            int start = i;
            int flags = 0;
            while (i < f.length && f[i] != 0 && FLAGS.indexOf(f[i]) >= 0) {
                flags |= flagBit(f[i]);
                i++;
            }
            if (i - start >= FLAGS.length() + 1) {
                throw new LuaError("invalid format (repeated flags)");
            }
            int width = -1;
            int digits = 0;
            while (digits < 2 && i < f.length && isDigit(f[i])) {
                width = (width < 0 ? 0 : width * 10) + (f[i] - '0');
                i++;
                digits++;
            }
            int precision = -1;
            boolean hasDot = false;
            if (i < f.length && f[i] == '.') {
                hasDot = true;
                i++;
                precision = 0;
                digits = 0;
                while (digits < 2 && i < f.length && isDigit(f[i])) {
                    precision = precision * 10 + (f[i] - '0');
                    i++;
                    digits++;
                }
            }
            if (i < f.length && isDigit(f[i])) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            int conv = i < f.length ? f[i] & 0xff : 0;
            i++;
            switch (conv) {
                case 'c': {
                    int ch = Lua51.toCInt(Lua51.checkNumber(args, arg, "format"));
                    // sprintf writes the byte, then Lua 5.1 copies strlen(buff) bytes: a NUL ends it
                    ByteArrayOutputStream item = new ByteArrayOutputStream();
                    writePadded(item, new byte[] {(byte) ch}, flags, width);
                    byte[] b = item.toByteArray();
                    int len = 0;
                    while (len < b.length && b[len] != 0) {
                        len++;
                    }
                    out.write(b, 0, len);
                    break;
                }
                case 'd':
                case 'i': {
                    long v = Lua51.toCLong(Lua51.checkNumber(args, arg, "format"));
                    ascii(out, CFormat.formatLong('d', flags, width, precision, v));
                    break;
                }
                case 'o':
                case 'u':
                case 'x':
                case 'X': {
                    long v = Lua51.toCULong(Lua51.checkNumber(args, arg, "format"));
                    ascii(out, CFormat.formatLong((char) conv, flags, width, precision, v));
                    break;
                }
                case 'e':
                case 'E':
                case 'f':
                case 'g':
                case 'G': {
                    double v = Lua51.checkNumber(args, arg, "format");
                    ascii(out, CFormat.formatDouble((char) conv, flags, width, precision, v));
                    break;
                }
                case 'q':
                    addQuoted(out, Lua51.checkString(args, arg, "format"));
                    break;
                case 's': {
                    LuaString s = Lua51.checkString(args, arg, "format");
                    byte[] bytes = new byte[s.length()];
                    s.copyInto(0, bytes, 0, bytes.length);
                    if (!hasDot && bytes.length >= 100) {
                        out.write(bytes, 0, bytes.length);
                        break;
                    }
                    int len = 0;
                    while (len < bytes.length && bytes[len] != 0) {
                        len++;
                    }
                    if (precision >= 0 && precision < len) {
                        len = precision;
                    }
                    byte[] cut = new byte[len];
                    System.arraycopy(bytes, 0, cut, 0, len);
                    writePadded(out, cut, flags, width);
                    break;
                }
                default:
                    // luaO_pushfstring's %c of a NUL byte adds nothing
                    String shown = conv == 0 ? "" : String.valueOf((char) conv);
                    throw new LuaError("invalid option '%" + shown + "' to 'format'");
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static int flagBit(byte c) {
        switch (c) {
            case '-':
                return CFormat.LEFT;
            case '+':
                return CFormat.PLUS;
            case ' ':
                return CFormat.SPACE;
            case '#':
                return CFormat.ALT;
            default:
                return CFormat.ZERO;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    private static void writePadded(ByteArrayOutputStream out, byte[] body, int flags, int width) {
        int fill = width - body.length;
        if (fill > 0 && (flags & CFormat.LEFT) == 0) {
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
        }
        out.write(body, 0, body.length);
        if (fill > 0 && (flags & CFormat.LEFT) != 0) {
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
        }
    }

    /** Lua 5.1's addquoted. */
    private static void addQuoted(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int k = 0; k < s.length(); k++) {
            int c = s.luaByte(k);
            switch (c) {
                case '"':
                case '\\':
                case '\n':
                    out.write('\\');
                    out.write(c);
                    break;
                case '\r':
                    out.write('\\');
                    out.write('r');
                    break;
                case 0:
                    out.write('\\');
                    out.write('0');
                    out.write('0');
                    out.write('0');
                    break;
                default:
                    out.write(c);
            }
        }
        out.write('"');
    }

    static LuaValue create() {
        return new StringFormat();
    }
}
