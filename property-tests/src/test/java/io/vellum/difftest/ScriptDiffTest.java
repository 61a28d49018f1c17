package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EVAL, EVALSHA, SCRIPT, FCALL and FUNCTION against a real Redis: the recipes users run
 * (lock release, token bucket, sliding-window limiter, leaderboard, inventory), the type
 * conversions both ways in both protocols, and the error texts. Each recipe runs through EVAL,
 * EVALSHA and FCALL.
 */
class ScriptDiffTest extends DifferentialTest {

    @BeforeEach
    void flushScripts() {
        both("SCRIPT", "FLUSH");
        both("FUNCTION", "FLUSH");
    }

    /** Runs {@code body} by EVAL, then by EVALSHA (after SCRIPT LOAD), on both stores. */
    private void evalBoth(String body, String... keysAndArgs) {
        String[] eval = new String[keysAndArgs.length + 2];
        eval[0] = "EVAL";
        eval[1] = body;
        System.arraycopy(keysAndArgs, 0, eval, 2, keysAndArgs.length);
        same(eval);
        String sha = same("SCRIPT", "LOAD", body).node().scalarText();
        eval[0] = "EVALSHA";
        eval[1] = sha;
        same(eval);
    }

    static final String LOCK_RELEASE = """
            if redis.call("get", KEYS[1]) == ARGV[1] then
                return redis.call("del", KEYS[1])
            else
                return 0
            end""";

    static final String TOKEN_BUCKET = """
            local key = KEYS[1]
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            local requested = tonumber(ARGV[4])
            local data = redis.call('HMGET', key, 'tokens', 'ts')
            local tokens = tonumber(data[1]) or capacity
            local ts = tonumber(data[2]) or now
            local delta = math.max(0, now - ts)
            tokens = math.min(capacity, tokens + delta * rate)
            local allowed = 0
            if tokens >= requested then
                tokens = tokens - requested
                allowed = 1
            end
            redis.call('HSET', key, 'tokens', tokens, 'ts', now)
            redis.call('PEXPIRE', key, 60000)
            return {allowed, tokens}""";

    static final String SLIDING_WINDOW = """
            local key = KEYS[1]
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local limit = tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
            local count = redis.call('ZCARD', key)
            if count < limit then
                redis.call('ZADD', key, now, ARGV[4])
                redis.call('PEXPIRE', key, window * 600)
                return {1, count + 1}
            end
            return {0, count}""";

    static final String LEADERBOARD = """
            redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
            local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
            if not rank then return -1 end
            return {rank + 1, redis.call('ZSCORE', KEYS[1], ARGV[1]), redis.call('ZREVRANGE', KEYS[1], 0, 2, 'WITHSCORES')}""";

    static final String INVENTORY = """
            local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
            local n = tonumber(ARGV[1])
            if stock < n then
                return redis.error_reply('INSUFFICIENT stock ' .. stock)
            end
            redis.call('HINCRBY', KEYS[2], ARGV[2], n)
            return redis.call('DECRBY', KEYS[1], n)""";

    @Test
    void scriptsCannotUseXreadsBlockOption() {
        same("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        same("EVAL", "return redis.pcall('xread','STREAMS','s','$')", "1", "s");
        same("EVAL", "return redis.pcall('xread','BLOCK',0,'STREAMS','s','$')", "1", "s");
        same("EVAL", "return redis.pcall('XREAD','block','nonsense','STREAMS','s','$')", "1", "s");
        same("EVAL", "return redis.pcall('xreadgroup','group','g','c','STREAMS','s','>')", "1", "s");
        same("EVAL", "return redis.pcall('xreadgroup','group','g','c','BLOCK',0,'STREAMS','s','>')", "1", "s");
        same("EVAL", "return redis.call('xread','BLOCK',0,'STREAMS','s','$')", "1", "s");
    }

    @Test
    void lockRelease() {
        both("SET", "lock", "token-1");
        evalBoth(LOCK_RELEASE, "1", "lock", "token-2");
        evalBoth(LOCK_RELEASE, "1", "lock", "token-1");
        same("EXISTS", "lock");
    }

    @Test
    void tokenBucket() {
        for (int i = 0; i < 6; i++) {
            evalBoth(TOKEN_BUCKET, "1", "bucket", "1", "5", String.valueOf(1000 + i), "2");
        }
        same("HGETALL", "bucket");
    }

    @Test
    void slidingWindowLimiter() {
        for (int i = 0; i < 5; i++) {
            evalBoth(SLIDING_WINDOW, "1", "rl", String.valueOf(1000 + i * 10), "100", "3", "req" + i);
        }
        same("ZRANGE", "rl", "0", "-1", "WITHSCORES");
    }

    @Test
    void leaderboardRank() {
        evalBoth(LEADERBOARD, "1", "lb", "alice", "10");
        evalBoth(LEADERBOARD, "1", "lb", "bob", "25");
        evalBoth(LEADERBOARD, "1", "lb", "carol", "5");
    }

    @Test
    void inventoryReserve() {
        both("SET", "stock:1", "5");
        evalBoth(INVENTORY, "2", "stock:1", "orders", "2", "o1");
        evalBoth(INVENTORY, "2", "stock:1", "orders", "2", "o2");
        evalBoth(INVENTORY, "2", "stock:1", "orders", "2", "o3");
        same("HGETALL", "orders");
    }

    static final String CJSON_ROUND_TRIP = """
            local doc = cjson.decode(ARGV[1])
            table.insert(doc.items, #doc.items + 1)
            redis.call('SET', KEYS[1], cjson.encode(doc))
            local back = cjson.decode(redis.call('GET', KEYS[1]))
            return {cjson.encode(back.items), #back.items, tostring(back.ratio), cjson.encode({1.5, 'x', true, cjson.null})}""";

    static final String CMSGPACK = """
            local packed = cmsgpack.pack(ARGV[1], {1, 2, {3, 'x'}}, 3.25, -7)
            redis.call('SET', KEYS[1], packed)
            local a, b, c, d = cmsgpack.unpack(redis.call('GET', KEYS[1]))
            return {a, b[3][2], tostring(c), d, #packed}""";

    @Test
    void cjsonRoundTrip() {
        evalBoth(CJSON_ROUND_TRIP, "1", "doc", "{\"items\":[1,2,3],\"ratio\":0.3333333333333333}");
        same("GET", "doc");
    }

    @Test
    void cmsgpackRoundTrip() {
        evalBoth(CMSGPACK, "1", "mp", "hello");
        same("GET", "mp");
    }

    @Test
    void numbersPrintAsLua51() {
        same("EVAL", "return {tostring(1/3), tostring(10/2), tostring(-0.1), string.format('%.2f|%5d|%-4s|', 3.14159, 42, 'ab'), 1/3 .. ''}", "0");
    }

    @Test
    void functionLibraryRecipes() {
        String lib = "#!lua name=recipes\n"
                + "redis.register_function('lock_release', function(KEYS, ARGV)\n" + LOCK_RELEASE + "\nend)\n"
                + "redis.register_function('inventory', function(KEYS, ARGV)\n" + INVENTORY + "\nend)\n"
                + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,"
                + " flags={'no-writes'}, description='reads'}\n";
        same("FUNCTION", "LOAD", lib);
        same("FUNCTION", "LOAD", lib);
        same("FUNCTION", "LOAD", "REPLACE", lib);
        both("SET", "lock", "t");
        same("FCALL", "lock_release", "1", "lock", "x");
        same("FCALL", "lock_release", "1", "lock", "t");
        both("SET", "stock:1", "3");
        same("FCALL", "inventory", "2", "stock:1", "orders", "2", "o1");
        same("FCALL", "inventory", "2", "stock:1", "orders", "2", "o2");
        same("FCALL_RO", "peek", "1", "stock:1");
        same("FCALL_RO", "inventory", "2", "stock:1", "orders", "1", "o3");
        same("FUNCTION", "LIST", "LIBRARYNAME", "nomatch");
        same("FUNCTION", "DELETE", "recipes");
        same("FCALL", "peek", "1", "stock:1");
        same("FUNCTION", "DELETE", "recipes");
    }

    @Test
    void functionListAndErrors() {
        same("FUNCTION", "LOAD", "#!lua name=one\nredis.register_function{function_name='f', callback=function() return 1 end,"
                + " flags={'no-writes', 'allow-oom'}, description='d'}");
        same("FUNCTION", "LIST");
        same("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "o*");
        same("FUNCTION", "LIST", "x");
        same("FUNCTION", "LIST", "LIBRARYNAME");
        same("FUNCTION", "STATS");
        same("FUNCTION", "LOAD", "#!lua name=one\nredis.register_function('f', function() end)");
        same("FUNCTION", "LOAD", "#!lua name=two\nredis.register_function('f', function() end)");
        same("FUNCTION", "LOAD", "#!lua name=x3\nlocal a = 1");
        same("FUNCTION", "LOAD", "#!lua name=x3\nerror('x')");
        same("FUNCTION", "LOAD", "#!lua name=x3\nredis.register_function{function_name='f9', callback=function() end, flags={'bad'}}");
        same("FUNCTION", "LOAD", "#!lua name=x3\nreturn 1 +");
        same("FUNCTION", "LOAD", "return 1");
        same("FUNCTION", "LOAD", "#!lua");
        same("FUNCTION", "LOAD", "#!lua x=1\n");
        same("FUNCTION", "LOAD", "#!js name=x\n");
        // the first line is split as sdssplitargs splits it: quotes, and unbalanced ones
        same("FUNCTION", "LOAD", "REPLACE", "#!lua name=\"quoted\"\nredis.register_function('fq', function() return 1 end)");
        same("FCALL", "fq", "0");
        same("FUNCTION", "LOAD", "#!lua name=\"open\nredis.register_function('fo', function() return 1 end)");
        same("FUNCTION", "LOAD", "#!lua 'name=x' \"\"\nredis.register_function('fo', function() return 1 end)");
        same("EVAL", "#!lua flags=\"no-writes\"\nreturn 1", "0");
        same("EVAL", "#!lua \"flags=no-writes,allow-oom\"\nreturn 2", "0");
        same("EVAL", "#!lua flags='no-writes\nreturn 1", "0");
        same("EVAL", "#!\"lua\"\nreturn 3", "0");
        same("FUNCTION", "LOAD", "#!lua name=x5\nredis.call('ping')");
        same("FUNCTION", "LOAD", "#!lua name=x6\nredis.register_function('f6')");
        same("FUNCTION", "LOAD", "#!lua name=x6\nredis.register_function('f6', function() end, 3)");
        same("FUNCTION", "LOAD", "#!lua name=x6\nredis.register_function{callback=function() end}");
        same("FUNCTION", "LOAD", "#!lua name=x7\nredis.register_function('f7', function() error('boom') end)");
        same("FCALL", "f7", "0");
        same("FCALL", "nosuch", "0");
        same("FCALL", "f", "x");
        same("FCALL", "f", "-1");
        same("FCALL", "f", "2", "a");
        same("FUNCTION", "DELETE", "nosuch");
        same("FUNCTION", "FLUSH", "x");
        same("FUNCTION", "KILL");
        same("FUNCTION", "HELP");
        same("FUNCTION", "RESTORE", "xx");
        // too many arguments for the subcommand (Redis's addReplySubcommandSyntaxError)
        same("FUNCTION", "RESTORE", "a", "b", "c");
        same("FUNCTION", "flush", "sync", "extra");
        same("FUNCTION", "FLUSH");
        same("FUNCTION", "LIST");
    }

    @Test
    void functionNamesAreFoundWhateverTheirCase() {
        // (Redis 7.0 crashes deleting a library that registered two names equal but for case)
        same("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('myf', function() return 1 end)");
        same("FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('MYF', function() return 2 end)");
        same("FCALL", "MYF", "0");
        same("FCALL", "myf", "0");
        same("FCALL_RO", "Myf", "0");
        same("FUNCTION", "STATS");
        same("FUNCTION", "LOAD", "#!lua name=A\nredis.register_function('zz', function() return 1 end)");
        same("FUNCTION", "DELETE", "A");
        same("FUNCTION", "DELETE", "a");
        same("FCALL", "MYF", "0");
        same("FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('MYF', function() return 2 end)");
        same("FCALL", "myf", "0");
        same("FUNCTION", "FLUSH");
    }

    @Test
    void setReplArgumentCountErrorIsRedis72s() {
        // KnownDifferences SET_REPL_TEXT_72: the 7.0 oracle says "requires two arguments"
        for (String script : new String[] {"return redis.set_repl()", "return redis.set_repl(1, 2)"}) {
            String sha = vellum.call("SCRIPT", "LOAD", script).node().scalarText();
            assertEquals("-ERR redis.set_repl() requires one argument. script: " + sha + ", on @user_script:1.\\r\\n",
                    vellum.call("EVAL", script, "0").text());
        }
    }

    @Test
    void readOnlyScriptsRefuseCommandsThatMayReplicate() {
        both("PFADD", "hll", "a", "b");
        same("EVAL_RO", "return redis.call('publish', 'c', 'm')", "0");
        same("EVAL_RO", "return redis.pcall('spublish', 'c', 'm')", "0");
        same("EVAL_RO", "return redis.call('pfcount', KEYS[1])", "1", "hll");
        same("EVAL", "#!lua flags=no-writes\nreturn redis.call('publish', 'c', 'm')", "0");
        same("EVAL", "return redis.call('pfcount', KEYS[1])", "1", "hll");
        same("FCALL_RO", "nosuch", "0");
        // the flag is hidden from COMMAND INFO, as in Redis
        same("COMMAND", "INFO", "publish", "spublish", "pfcount");
    }

    @Test
    void functionDumpRestoreRoundTrip() {
        both("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('fa', function() return 'a' end)");
        byte[] dump = vellum.call("FUNCTION", "DUMP").node().scalar();
        vellum.call("FUNCTION", "FLUSH");
        assertEquals("-ERR Function not found\\r\\n", vellum.call("FCALL", "fa", "0").text());
        byte[] fn = "FUNCTION".getBytes();
        byte[] restore = "RESTORE".getBytes();
        assertEquals("+OK\\r\\n", vellum.call(new byte[][] {fn, restore, dump}).text());
        assertEquals("-ERR Library a already exists\\r\\n", vellum.call(new byte[][] {fn, restore, dump}).text());
        assertEquals("+OK\\r\\n", vellum.call(new byte[][] {fn, restore, dump, "REPLACE".getBytes()}).text());
        assertEquals("$1\\r\\na\\r\\n", vellum.call("FCALL", "fa", "0").text());
        // Redis's own payload for the same library restores on Redis (its format is RDB's).
        same("FUNCTION", "RESTORE", "garbage");
    }

    @Test
    void luaToRedisConversions() {
        for (String s : new String[] {"return 3.99", "return -3.99", "return 'x'", "return true", "return false", "return nil",
                "return {1,2,nil,4}", "return {ok='fine'}", "return {ok='a\\r\\nb'}", "return {err='MY x'}", "return {err='a\\nb'}",
                "return {double=3.5}", "return {double=1/0}", "return {big_number='12345678901234567890'}",
                "return {map={a=1}}", "return {set={a=true}}", "return {map={a=1, b=2, c={3}}}", "return {set={x=true, y=true, z=true}}",
                "local t = {} for k, v in pairs({alpha=1, beta=2, gamma=3}) do t[#t + 1] = k end return t", "return {{1,{2,{3}}},'x',{}}", "return 1e20", "return -1e20",
                "return {1, 'a', {ok='s'}, {err='E e'}, false, true}", "return function() end", "return {verbatim_string={format='txt', string='hi'}}",
                "redis.setresp(3) return true", "redis.setresp(3) return false", "redis.setresp(3) return {1, true, false}",
                "return {1e20, 2^53, -0.5}", "return [==[ab]==]", "return _VERSION", "return tonumber('0x10')"}) {
            same("EVAL", s, "0");
        }
    }

    @Test
    void redisToLuaConversions() {
        both("HSET", "h", "f", "v");
        both("SADD", "s", "m");
        both("ZADD", "z", "1.5", "m");
        both("SET", "str", "v");
        for (int resp = 2; resp <= 3; resp++) {
            String set = "redis.setresp(" + resp + ") ";
            for (String s : new String[] {"return redis.call('hgetall', 'h')", "return redis.call('smembers', 's')",
                    "return redis.call('zscore', 'z', 'm')", "return type(redis.call('zscore', 'z', 'm'))",
                    "return redis.call('get', 'nokey')", "return type(redis.call('get', 'nokey'))",
                    "return redis.call('ping')", "return redis.call('ping')['ok']", "return redis.call('type', 'h')",
                    "return redis.pcall('incr', 'str')", "return redis.pcall('incr', 'str')['err']",
                    "return redis.call('lpop', 'nolist', 2)", "return type(redis.call('lpop', 'nolist', 2))",
                    "local r = redis.call('hgetall', 'h') return type(r['map'])", "return redis.call('exists', 'h')",
                    "return redis.call('zrange', 'z', 0, -1, 'withscores')", "return redis.call('lpos', 'nolist', 'x')",
                    "return redis.call('hrandfield', 'nokey', 1)"}) {
                same("EVAL", set + s, "0");
            }
        }
    }

    @Test
    void numbersPassedToCommands() {
        same("EVAL", "redis.call('set', 'n', 42) return redis.call('get', 'n')", "0");
        same("EVAL", "redis.call('set', 'n', -7) return redis.call('get', 'n')", "0");
        same("EVAL", "redis.call('set', 'n', 1.5) return redis.call('get', 'n')", "0");
        same("EVAL", "return redis.call('incrby', 'big', 2^53)", "0");
        same("EVAL", "return redis.call('set', 'x', {})", "0");
        same("EVAL", "return redis.call()", "0");
        same("EVAL", "return redis.pcall()", "0");
        same("EVAL", "return redis.pcall('set', true)", "0");
    }

    @Test
    void errorTexts() {
        both("SET", "s", "v");
        for (String s : new String[] {"return x", "x = 1", "return redis.call('nosuch')", "return redis.call('incr','a','b')",
                "return redis.call('incr','s')", "return redis.pcall('incr','s')", "error('boom')", "error({err='MY boom'})",
                "return 1 +", "return redis.call('watch','x')", "return redis.pcall('nosuch')", "return redis.pcall('set')",
                "return redis.call('select', 5)", "return redis.error_reply('X y')", "return redis.error_reply('boom')",
                "return redis.status_reply('GOOD')", "return redis.sha1hex('')", "return redis.sha1hex()", "return redis.setresp(4)",
                "return redis.setresp()", "return redis.log()", "return redis.log('x', 'y')", "return redis.log(9, 'y')",
                "redis.log(redis.LOG_WARNING, 'from a test') return 1", "return redis.set_repl(9)", "return redis.set_repl(redis.REPL_ALL)",
                "return redis.replicate_commands()", "return redis.breakpoint()", "return redis.acl_check_cmd('get', 'x')",
                "return redis.acl_check_cmd('nosuch')", "return {pcall(error)}", "return {pcall(error, 'x', 0)}",
                "return {pcall(error, 'x')}", "return {pcall(error, {1})}", "return type(redis.register_function)",
                "return {pcall(redis.call, 'nosuch')}", "return pcall(redis.call, 'nosuch')", "error()", "error('lvl0', 0)",
                "return redis.call('multi')", "#!lua flags=no-writes\nreturn redis.call('set','a','b')",
                "#!lua flags=bad\nreturn 1", "#!luax\nreturn 1", "#!lua name=x\nreturn 1", "#!lua", "#!lua\nreturn 1",
                "#!lua flags=no-writes,allow-oom\nreturn redis.call('get', 's')"}) {
            same("EVAL", s, "0");
        }
        same("EVAL_RO", "return redis.call('set','a','b')", "0");
        same("EVAL_RO", "#!lua\nreturn 1", "0");
        same("EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get','s')", "0");
        same("EVAL", "return 1", "x");
        same("EVAL", "return 1", "3", "a");
        same("EVAL", "return 1", "-1");
        same("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0");
        same("EVALSHA", "abc", "0");
        same("EVALSHA_RO", "ffffffffffffffffffffffffffffffffffffffff", "0");
        same("SCRIPT", "FLUSH", "x");
        same("SCRIPT", "FLUSH", "SYNC");
        same("SCRIPT", "EXISTS", "ffffffffffffffffffffffffffffffffffffffff");
        same("SCRIPT", "KILL");
        same("SCRIPT", "HELP");
        same("SCRIPT", "LOAD", "return 1 +");
    }

    @Test
    void selectInsideAScriptDoesNotChangeTheCaller() {
        both("SET", "k", "db0");
        same("EVAL", "redis.call('select', 1) redis.call('set', 'k', 'db1') return redis.call('get', 'k')", "0");
        same("GET", "k");
        same("SELECT", "1");
        same("GET", "k");
        same("SELECT", "0");
    }

    @Test
    void randomIsRedisGenerator() {
        same("EVAL", "math.randomseed(42) return {math.random(100), math.random(1000000), math.random(5,10)}", "0");
        same("EVAL", "math.randomseed(-7) local t = {} for i = 1, 20 do t[i] = math.random(1000) end return t", "0");
        same("EVAL", "return math.random(0)", "0");
        same("EVAL", "return math.random(3, 1)", "0");
    }

    @Test
    void hostileScriptsAreRefusedAndTheEngineSurvives() {
        for (String s : new String[] {
                "return loadstring(string.dump(function() return 1 end))",
                "return select(2, loadstring(string.dump(function() return 1 end)))",
                "return loadstring('return 1')()",
                "return select('#', unpack({}, 1, 2^31))",
                "setmetatable(_G, {})",
                "redis.call = nil",
                "redis.call = function() return 1 end",
                "getmetatable('').__index = {}",
                "getmetatable('').__index.upper = nil",
                "string.x = 1",
                "rawset(_G, 'x', 1)",
                "rawset(redis, 'call', 1)",
                "table.insert = nil",
                "setmetatable(string, {})",
                "return print", "return os", "return io", "return debug", "return package", "return require",
                "return dofile", "return loadfile", "return luajava", "return getfenv", "return setfenv", "return newproxy",
                "local t = {} t[1] = t return t",
                "local t = {} t[1] = {1} t[2] = t return t",
                "return [==[ab]]cd]==]",
                "return [=[ a ]] ]=]",
                "return string.rep('x', 3, 'y')",
                "local s = 'x' for i = 1, 10 do s = s .. s end return #s",
                "return _G._G._G == _G",
                "return type(coroutine.create(function() end))",
        }) {
            same("EVAL", s, "0");
            same("PING");
        }
    }
}
