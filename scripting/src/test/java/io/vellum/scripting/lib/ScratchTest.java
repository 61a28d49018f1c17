package io.vellum.scripting.lib;

import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void scratch() {
        LuaSnippets s = new LuaSnippets();
        for (String body : System.getProperty("snip", "return tostring(1/3)").split(";;")) {
            System.out.println("LUAJ : " + s.luaj(body));
            System.out.println("REDIS: " + LuaSnippets.redis(body));
        }
    }
}
