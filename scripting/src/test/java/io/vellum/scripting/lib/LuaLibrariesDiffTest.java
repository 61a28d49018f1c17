package io.vellum.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data-driven table (lua-library-cases.txt): each Lua snippet gives the same rendered
 * results, or the same error text, on LuaJ with {@link RedisLuaLibraries} as on redis-server.
 */
class LuaLibrariesDiffTest {
    private static final LuaSnippets LUA = new LuaSnippets();

    static List<String> cases() throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                LuaLibrariesDiffTest.class.getResourceAsStream("lua-library-cases.txt"), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sameAsRedis(String body) {
        assertEquals(LuaSnippets.redis(body), LUA.luaj(body), body);
    }
}
