package io.vellum.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;

/** {@code tonumber}'s fast path for plain integers reads every string as the strtod path does. */
class Str2dFastPathTest {
    private static final String[] PIECES = {
        "0", "1", "2", "5", "9", "7", "3", "-", "+", " ", "\t", "\n", ".", "e", "E", "e-", "x", "0x", "X",
        "a", "f", "inf", "nan", "infinity", "\0", "(", ")", "p", "00", "999999"
    };

    private static void same(String text) {
        LuaString s = LuaString.valueOf(text.getBytes(StandardCharsets.ISO_8859_1));
        // Double.equals compares bits: -0.0 differs from 0.0, NaN equals NaN
        assertEquals(Lua51.str2dGeneral(s), Lua51.str2d(s), () -> "'" + text + "'");
    }

    @Test
    void edgeCasesReadAsStrtodReadsThem() {
        for (String t : List.of("", "-", "+", "0", "-0", "+0", "000", "-000", "007", "123456789012345",
                "-123456789012345", "999999999999999", "-999999999999999", "1234567890123456",
                "9007199254740993", "99999999999999999999", " 1", "1 ", "\t-2\n", "1\0", "1\0x", "+1", "--1",
                "-+1", "0x10", "-0x1f", "1e5", "1E5", "1e", "1.", ".5", "1.0", "inf", "-inf", "nan", "1-", "1a")) {
            same(t);
        }
        // the fast path takes the plain ones, by value and sign
        LuaString minusZero = LuaString.valueOf("-0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Lua51.plainInteger(
                minusZero.m_bytes, minusZero.m_offset, minusZero.m_length)));
        assertTrue(Double.isNaN(Lua51.plainInteger(new byte[] {'1', ' '}, 0, 2)));
        // a string sharing a larger array (string.sub) reads only its own bytes
        assertEquals(-42.0, Lua51.str2d(LuaString.valueOf("9-42 ").substring(1, 4)));
    }

    @Test
    void randomStringsReadAsStrtodReadsThem() {
        long seed = Long.getLong("vellum.seed", 20261207L);
        Random r = new Random(seed);
        int plain = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (i % 2 == 0) {
                // mostly digits, the fast path's domain and its borders (length 15/16, a sign)
                if (r.nextInt(3) == 0) {
                    sb.append('-');
                }
                int n = r.nextInt(18);
                for (int k = 0; k < n; k++) {
                    sb.append((char) ('0' + r.nextInt(10)));
                }
                if (r.nextInt(8) == 0) {
                    sb.insert(r.nextInt(sb.length() + 1), PIECES[r.nextInt(PIECES.length)]);
                }
            } else {
                int n = r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    sb.append(PIECES[r.nextInt(PIECES.length)]);
                }
            }
            String t = sb.toString();
            byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
            if (!Double.isNaN(Lua51.plainInteger(b, 0, b.length))) {
                plain++;
            }
            same(t);
        }
        assertTrue(plain > 50_000, "seed " + seed + ": only " + plain + " plain integers");
    }
}
