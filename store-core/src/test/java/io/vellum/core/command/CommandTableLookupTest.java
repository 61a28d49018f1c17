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
}
