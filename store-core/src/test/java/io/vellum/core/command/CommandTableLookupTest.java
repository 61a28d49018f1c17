package io.vellum.core.command;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Command names are found in any case; capitals and lower case without a copy, mixed case too. */
class CommandTableLookupTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void namesAreFoundInAnyCaseAndUnboundOrUnknownOnesAreNot() {
        CommandHandler h = ctx -> { };
        CommandTable t = CommandTable.build(List.of(binder -> binder.bind("get", h).bind("decrby", h).bind("evalsha", h)));
        CommandSpec get = t.lookup(b("get"));
        assertSame(h, get.handler());
        for (String name : List.of("GET", "Get", "gET", "geT")) {
            assertSame(get, t.lookup(b(name)), name);
        }
        CommandSpec decrby = t.lookup(b("DECRBY"));
        assertSame(decrby, t.lookup(b("decrby")));
        assertSame(decrby, t.lookup(b("DecrBy")));
        assertSame(t.lookup(b("evalsha")), t.lookup(b("EVALSHA")));
        for (String name : List.of("set", "SET", "Set", "gets", "GETX", "", "g", "GE T", "x".repeat(65))) {
            assertNull(t.lookup(b(name)), name);
        }
    }

    /** Every command of the table, bound: random case variants find it, altered names find only what a String map finds. */
    @Test
    void everyNameAgreesWithACaseFoldedMap() {
        CommandHandler h = ctx -> { };
        java.util.Map<String, CommandSpec> byLower = new java.util.HashMap<>();
        List<String> names = new java.util.ArrayList<>();
        for (var def : CommandTable.metadata().getCommandList()) {
            names.add(def.getName().toLowerCase(java.util.Locale.ROOT));
        }
        CommandTable t = CommandTable.build(List.of(binder -> names.forEach(n -> binder.bind(n, h))));
        for (String n : names) {
            byLower.put(n, t.lookup(b(n)));
            assertSame(h, byLower.get(n).handler(), n);
        }
        long seed = 20261207L;
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < 100_000; i++) {
            byte[] name = b(names.get(r.nextInt(names.size())));
            for (int k = 0; k < name.length; k++) {
                if (r.nextBoolean() && name[k] >= 'a' && name[k] <= 'z') {
                    name[k] -= 32;
                }
            }
            if (r.nextInt(3) == 0) {
                name[r.nextInt(name.length)] = (byte) r.nextInt(256);
            }
            String lower = new String(name, StandardCharsets.ISO_8859_1).chars()
                    .map(c -> c >= 'A' && c <= 'Z' ? c + 32 : c)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            assertSame(byLower.get(lower), t.lookup(name), () -> "seed " + seed + ": " + lower);
        }
    }
}
