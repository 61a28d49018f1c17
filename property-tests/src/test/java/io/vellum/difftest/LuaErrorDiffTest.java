package io.vellum.difftest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run-time errors of Lua's own operations against a real Redis: Lua 5.1 names the value at
 * fault ("attempt to perform arithmetic on local 'v' (a boolean value)", "attempt to call field
 * 'foo' (a nil value)"), which LuaJ does not; Vellum rebuilds those texts from where the error
 * happened (ErrorSite). Each case runs as the script's error reply, and as the text pcall hands
 * the script.
 */
class LuaErrorDiffTest extends DifferentialTest {

    @BeforeEach
    void flushScripts() {
        both("SCRIPT", "FLUSH");
        both("FUNCTION", "FLUSH");
    }

    private void sameError(String body) {
        same("EVAL", body, "1", "k");
        same("EVAL", "local ok, e = pcall(function() " + body + "\nend) return {tostring(ok), e}", "1", "k");
    }

    @Test
    void arithmeticNamesTheOperand() {
        sameError("local v = redis.call('get', 'nokey') return v + 1");
        sameError("return redis.call('get', 'nokey') + 1");
        sameError("return KEYS[1] * ARGV[1]");
        sameError("return KEYS[2] + 1");
        sameError("local t = {} return t.a - 1");
        sameError("local t = {} return 1 / t.a");
        sameError("return -{}");
        sameError("local u; local function f() return u % 2 end return f()");
        sameError("local s = 'x' return 2 ^ s");
        // a metamethod answers: no error at all
        same("EVAL", "local t = setmetatable({}, {__add = function(a, b) return 7 end}) return t + 1", "0");
    }

    @Test
    void callAndIndexNameTheValue() {
        sameError("redis.foo()");
        sameError("local t = {} t.x.y()");
        sameError("local t = {} t:x()");
        sameError("local s = 'x' return s:nosuch()");
        sameError("local x; x()");
        sameError("local n = 5 n()");
        sameError("KEYS()");
        sameError("return ('x')()");
        sameError("return ARGV.x.y");
        sameError("local t = {} t.a.b.c = 1");
        sameError("local n = 1 n.x = 2");
        sameError("local b = true return b[1]");
        sameError("local x = cjson.decode('{}') return x.a.b");
    }

    @Test
    void concatenationLengthAndComparison() {
        sameError("local v return v .. 'x'");
        sameError("local a, b = 'x', {} return a .. b .. 'c'");
        sameError("local a, b = {}, {} return a .. b");
        sameError("local t = {} for i = 1, 3 do t = t .. i end");
        sameError("return redis.call('get', 'nokey') .. 'a'");
        sameError("local v return #v");
        sameError("return #nil");
        sameError("return 1 < {}");
        sameError("local a = {} return a < 1");
        sameError("return {} <= {}");
        sameError("return 'a' < 1");
        sameError("return math.huge > 'x'");
    }

    /** luaL_argerror's texts for the libraries' functions: the argument's position and the function's name. */
    @Test
    void libraryArgumentErrorsNameTheFunctionAndTheArgument() {
        sameError("return string.sub(nil, 1)");
        sameError("return string.rep('x', 'y')");
        sameError("return ('x'):rep('y')");
        sameError("return ('x'):rep()");
        sameError("return ('a'):sub('x')");
        sameError("return string.find('a', 'b', 'c')");
        sameError("return string.byte(1, 'x')");
        sameError("return string.upper()");
        sameError("return string.gsub('x', 'x', true)");
        sameError("return math.floor('x')");
        sameError("return math.max()");
        sameError("return math.sqrt(nil)");
        sameError("return table.concat({}, {})");
        sameError("return table.remove({}, 'x')");
        sameError("return table.sort({3, 1, 2}, 1)");
        sameError("return tostring()");
        sameError("return type()");
        sameError("return setmetatable(1, {})");
        sameError("return ipairs(nil)");
        sameError("return next(nil)");
        sameError("return rawget(nil, 1)");
        sameError("return select('x')");
        sameError("local f = string.sub return f(nil)");
    }

    @Test
    void tableKeys() {
        sameError("local t = {} t[nil] = 1");
        sameError("local t = {} t[0/0] = 1");
    }

    @Test
    void functionParametersAreLocals() {
        both("FUNCTION", "LOAD", """
                #!lua name=errs
                redis.register_function('add', function(keys, args) return args.missing + 1 end)
                redis.register_function('reg', function(keys, args)
                    redis.register_function('f2', function() return 2 end)
                end)
                redis.register_function('callkeys', function(keys, args) return keys() end)""");
        same("FCALL", "add", "0");
        same("FCALL", "reg", "0");
        same("FCALL", "callkeys", "0");
    }
}
