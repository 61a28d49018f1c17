package io.vellum.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LongDoubleTest {

    private static LongDouble ld(String s) {
        return LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A chain of INCRBYFLOAT g <inc> run against redis-server 7.0.15, each reply as Redis printed it. */
    @Test
    void incrByFloatChainMatchesRedis() {
        String[][] steps = {
            {"0.1", "0.1"},
            {"0.2", "0.3"},
            {"0.3", "0.6"},
            {"-0.6", "0"},
            {"3.0e-5", "0.00003"},
            {"1.1", "1.10003"},
            {"123456789.123456789", "123456790.22348678900016239"},
            {"-0.000001", "123456790.22348578899982385"},
            {"7e20", "700000000000123456768"},
            {"-7e20", "123456768"},
            {"0x1.8p1", "123456771"},
            {"1e-310", "123456771"},
        };
        String current = "0";
        for (String[] s : steps) {
            current = ld(current).add(ld(s[0])).toHumanString();
            assertEquals(s[1], current, "after adding " + s[0]);
        }
    }

    @Test
    void tenPointFivePlusPointOneIsTenPointSix() {
        assertEquals("10.6", ld("10.5").add(ld("0.1")).toHumanString());
        assertEquals(
            "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880",
            ld("10.6").add(ld("1e400")).toHumanString());
    }

    @Test
    void refusesWhatRedisRefuses() {
        for (String bad : new String[] {"", " 1", "1 ", "abc", "nan", "1e-5000", "1e5000", "1.2.3", "--1", "0x"}) {
            assertNull(ld(bad), bad);
        }
        assertEquals(true, ld("inf").isInfinite());
        assertEquals(true, ld("-Infinity").isInfinite());
    }
}
