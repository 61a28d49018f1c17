package io.vellum.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaValue;

/** The number-format replacement is in force, and hostile library inputs end in errors, not in a broken engine. */
class RedisLuaLibrariesTest {
    @Test
    void vellumsLuaDoubleIsTheOneLoaded() {
        String where = LuaDouble.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(!where.contains("luaj-jse"), where);
        assertEquals("0.33333333333333", LuaValue.valueOf(1.0 / 3).tojstring());
        RedisLuaLibraries.checkLua51Numbers();
    }

    @Test
    void printfConversionsFollowGlibc() {
        assertEquals("0.33333333333333", CFormat.g14(1.0 / 3));
        assertEquals("1e+15", CFormat.g14(1e15));
        assertEquals("1.2345678901234e+14", CFormat.g14(123456789012345.0));
        assertEquals("12345678901234", CFormat.g14(12345678901234.0));
        assertEquals("1e-05", CFormat.g14(1e-5));
        assertEquals("0.0001", CFormat.g14(1e-4));
        assertEquals("-nan", CFormat.g14(LuaDouble.NAN.todouble()));
        assertEquals("2", CFormat.formatDouble('f', 0, -1, 0, 2.5));
        assertEquals("4", CFormat.formatDouble('f', 0, -1, 0, 3.5));
        assertEquals("2.67", CFormat.formatDouble('f', 0, -1, 2, 2.675));
        assertEquals("-0001.5", CFormat.formatDouble('f', CFormat.ZERO, 7, 1, -1.5));
        assertEquals("   inf", CFormat.formatDouble('f', CFormat.ZERO, 6, -1, Double.POSITIVE_INFINITY));
        assertEquals("1.000000E+100", CFormat.formatDouble('E', 0, -1, -1, 1e100));
        assertEquals("0x00ff", CFormat.formatLong('x', CFormat.ALT, -1, 4, 255));
        assertEquals("", CFormat.formatLong('d', 0, -1, 0, 0));
    }

    /** Each ends with an error on LuaJ, quickly, and the same Globals then runs the next script. */
    @Test
    void hostileInputsEndInErrorsAndLeaveTheEngineWorking() {
        LuaSnippets lua = new LuaSnippets();
        List<String> hostile = List.of(
                "return unpack({}, 1, 1e9)",
                "return unpack({}, -2^31, 2^31 - 1)",
                "return struct.unpack('c9999999999', 'abc')",
                "return struct.pack('i99999999999', 1)",
                "return struct.unpack(string.rep('b', 100000), string.rep('a', 100000))",
                "return cmsgpack.unpack('\\221\\255\\255\\255\\255')",
                "return cmsgpack.unpack('\\219\\127\\255\\255\\255')",
                "return cmsgpack.unpack(string.rep('\\145', 100000))",
                "return cmsgpack.unpack(string.rep('\\129\\1', 100000))",
                "local c = cjson.new() c.decode_max_depth(2^31 - 1) return c.decode(string.rep('[', 200000))",
                "local c = cjson.new() c.encode_max_depth(2^31 - 1) local t = {} t[1] = t return c.encode(t)",
                "local t = {} for i = 1, 10 do t[i] = t end return cjson.encode(t)",
                "return cjson.decode(string.rep('{\"a\":', 100000))");
        for (String body : hostile) {
            String result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> lua.luaj(body), body);
            assertTrue(result.startsWith("ERR "), body + " -> " + result);
            assertEquals("n2", lua.luaj("return 1 + 1"), "after " + body);
        }
    }

    /** A pack that Redis itself never finishes (10^16 nodes) is stopped by the engine's interrupt check. */
    @Test
    void interruptCheckStopsARunawayEncoding() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        org.luaj.vm2.Globals g = new org.luaj.vm2.Globals();
        g.load(new org.luaj.vm2.lib.jse.JseBaseLib());
        g.load(new org.luaj.vm2.lib.PackageLib());
        g.load(new org.luaj.vm2.lib.TableLib());
        g.load(new org.luaj.vm2.lib.StringLib());
        org.luaj.vm2.LoadState.install(g);
        org.luaj.vm2.compiler.LuaC.install(g);
        RedisLuaLibraries.install(g, () -> {
            if (calls.incrementAndGet() == 10) {
                throw new org.luaj.vm2.LuaError("killed");
            }
        });
        for (String body : List.of("local t = {} for i = 1, 10 do t[i] = t end return cmsgpack.pack(t)",
                "local t = {1} for i = 1, 40 do t = {t, t} end return cjson.encode(t)")) {
            calls.set(0);
            org.luaj.vm2.LuaError e = org.junit.jupiter.api.Assertions.assertThrows(org.luaj.vm2.LuaError.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> g.load(body).call()));
            assertTrue(e.getMessage().contains("killed"), e.getMessage());
            assertEquals(10, calls.get());
        }
    }

    /** The %g fast path (Java's round-trip digits) agrees with the exact BigDecimal rounding. */
    @Test
    void shortestDigitsPathAgreesWithExactRounding() {
        long seed = System.nanoTime();
        java.util.Random r = new java.util.Random(seed);
        int fast = 0;
        for (int i = 0; i < 200_000; i++) {
            double v;
            switch (i % 4) {
                case 0:
                    v = Math.abs(Double.longBitsToDouble(r.nextLong()));
                    break;
                case 1:
                    v = r.nextInt(1_000_000) / Math.pow(10, r.nextInt(12));
                    break;
                case 2:
                    v = Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(60) - 30);
                    break;
                default:
                    v = Math.scalb(1.0 + r.nextInt(1000), r.nextInt(200) - 100);
                    break;
            }
            if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            int p = 1 + r.nextInt(17);
            String f = CFormat.shortestGeneral(v, p, false);
            if (f != null) {
                fast++;
                assertEquals(CFormat.exactGeneral(v, p, false), f, "seed " + seed + " %." + p + "g of " + v);
            }
        }
        assertTrue(fast > 10_000, "fast path taken " + fast + " times");
        assertEquals("4.9406564584125e-324", CFormat.g14(Double.MIN_VALUE));
        assertEquals("2.2250738585072e-308", CFormat.g14(Double.MIN_NORMAL));
    }
}
