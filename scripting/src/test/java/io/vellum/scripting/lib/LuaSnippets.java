package io.vellum.scripting.lib;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs a Lua snippet on LuaJ with the Redis libraries installed and on a real redis-server, each
 * wrapped in the same Lua code that renders its results (or its error) as one string: numbers
 * through {@code tostring}, strings length-prefixed, tables with sorted keys, error positions
 * ({@code user_script:1: }) removed because they are the scripting engine's business.
 */
final class LuaSnippets {
    private static final String WRAPPER = String.join("\n",
            "local function ser(v)",
            "  local t = type(v)",
            "  if cjson and v == cjson.null then return 'NULL' end",
            "  if t == 'string' then return 's' .. #v .. ':' .. v end",
            "  if t == 'number' then return 'n' .. tostring(v) end",
            "  if t == 'table' then",
            "    local keys = {}",
            "    for k in pairs(v) do keys[#keys + 1] = k end",
            "    table.sort(keys, function(a, b)",
            "      local ta, tb = type(a), type(b)",
            "      if ta ~= tb then return ta < tb end",
            "      if ta == 'number' or ta == 'string' then return a < b end",
            "      return tostring(a) < tostring(b) end)",
            "    local parts = {}",
            "    for _, k in ipairs(keys) do parts[#parts + 1] = ser(k) .. '=' .. ser(v[k]) end",
            "    return '{' .. table.concat(parts, ',') .. '}'",
            "  end",
            "  if t == 'boolean' or t == 'nil' then return tostring(v) end",
            "  return t",
            "end",
            "local function pack(...) return {n = select('#', ...), ...} end",
            "local r = pack(pcall(function()",
            "%BODY%",
            "end))",
            "if not r[1] then",
            "  local m = r[2]",
            "  if type(m) == 'string' then m = (string.gsub(m, '^[%w_@%.]*:%d+:? ', '')) end",
            "  return 'ERR ' .. ser(m)",
            "end",
            "local out = {}",
            "for i = 2, r.n do out[#out + 1] = ser(r[i]) end",
            "return table.concat(out, ' | ')");

    private final Globals globals;

    LuaSnippets() {
        globals = new Globals();
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        RedisLuaLibraries.install(globals);
        globals.rawset("vellum_pairs", Lua51TableOrder.pairsFunction());
    }

    static byte[] script(String body) {
        return WRAPPER.replace("%BODY%", body).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** On Redis, {@code vellum_pairs} is Lua 5.1's own pairs. */
    private static String forRedis(String body) {
        return body.replace("vellum_pairs(", "pairs(");
    }

    /** The rendering of {@code body}'s results on LuaJ. */
    String luaj(String body) {
        byte[] script = script(body);
        LuaValue chunk = globals.load(new String(script, StandardCharsets.ISO_8859_1), "@user_script");
        LuaValue r = chunk.call();
        byte[] b = new byte[r.checkstring().length()];
        r.checkstring().copyInto(0, b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The rendering of {@code body}'s results on redis-server. */
    static String redis(String body) {
        return new String(RedisLuaOracle.get().eval(script(forRedis(body))), StandardCharsets.ISO_8859_1);
    }
}
