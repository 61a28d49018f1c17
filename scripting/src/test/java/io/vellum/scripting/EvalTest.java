package io.vellum.scripting;

import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvalTest {
    private final TestStore store = new TestStore(Engine.builder().scripting(new LuaScripting()));
    private final TestStore.Client c = store.client();

    @AfterEach
    void close() {
        store.close();
    }

    private static String sha(String body) {
        return RedisApi.sha1hex(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void returnsConvertedValues() {
        assertEquals(integer(3), c.call("EVAL", "return 3.99", "0"));
        assertEquals(integer(-3), c.call("EVAL", "return -3.99", "0"));
        assertEquals(bulk("x"), c.call("EVAL", "return 'x'", "0"));
        assertEquals(integer(1), c.call("EVAL", "return true", "0"));
        assertEquals(TestStore.NULL, c.call("EVAL", "return false", "0"));
        assertEquals(TestStore.array(integer(1), integer(2)), c.call("EVAL", "return {1,2,nil,4}", "0"));
        assertEquals(TestStore.simple("fine"), c.call("EVAL", "return {ok='fine'}", "0"));
        assertEquals(error("MY x"), c.call("EVAL", "return {err='MY x'}", "0"));
        assertEquals(integer(Long.MIN_VALUE), c.call("EVAL", "return 1e20", "0"));
        assertEquals(TestStore.array(bulk("k1"), bulk("a1")), c.call("EVAL", "return {KEYS[1], ARGV[1]}", "1", "k1", "a1"));
    }

    @Test
    void callsCommands() {
        assertEquals(TestStore.OK, c.call("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"));
        assertEquals(bulk("v"), c.call("GET", "k"));
        assertEquals(bulk("boolean"), c.call("EVAL", "return type(redis.call('get','nokey'))", "0"));
        assertEquals(bulk("table"), c.call("EVAL", "return type(redis.call('ping'))", "0"));
        assertEquals(integer(9007199254740992L), c.call("EVAL", "return redis.call('incrby','n', 2^53)", "0"));
        assertEquals(bulk("1.5"), c.call("EVAL", "redis.call('set','f', 1.5) return redis.call('get','f')", "0"));
    }

    @Test
    void errorsAreRedis() {
        String s = "return redis.call('nosuch')";
        assertEquals(error("ERR Unknown Redis command called from script script: " + sha(s) + ", on @user_script:1."),
                c.call("EVAL", s, "0"));
        s = "return x";
        assertEquals(error("ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: " + sha(s)
                + ", on @user_script:1."), c.call("EVAL", s, "0"));
        s = "x = 1";
        assertEquals(error("ERR user_script:1: Attempt to modify a readonly table script: " + sha(s) + ", on @user_script:1."),
                c.call("EVAL", s, "0"));
        s = "setmetatable(_G, {})";
        assertEquals(error("ERR Attempt to modify a readonly table script: " + sha(s) + ", on @user_script:1."),
                c.call("EVAL", s, "0"));
        s = "error('boom')";
        assertEquals(error("ERR user_script:1: boom script: " + sha(s) + ", on @user_script:1."), c.call("EVAL", s, "0"));
        s = "error({err='MY boom'})";
        assertEquals(error("MY boom script: " + sha(s) + ", on @user_script:1."), c.call("EVAL", s, "0"));
        c.call("SET", "s", "v");
        s = "return redis.call('incr','s')";
        assertEquals(error("ERR value is not an integer or out of range script: " + sha(s) + ", on @user_script:1."),
                c.call("EVAL", s, "0"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("EVAL", "return redis.pcall('incr','s')", "0"));
        assertEquals(error("NOSCRIPT No matching script. Please use EVAL."), c.call("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"));
        assertEquals(error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"),
                c.call("EVAL", "return 1 +", "0"));
        s = "#!lua flags=no-writes\nreturn redis.call('set','a','b')";
        assertEquals(error("ERR Write commands are not allowed from read-only scripts. script: " + sha(s) + ", on @user_script:2."),
                c.call("EVAL", s, "0"));
    }

    @Test
    void evalshaRunsCachedScript() {
        Reply sha = c.call("SCRIPT", "LOAD", "return 'hi'");
        assertEquals(bulk(sha("return 'hi'")), sha);
        assertEquals(bulk("hi"), c.call("EVALSHA", sha("return 'hi'").toUpperCase(), "0"));
        assertEquals(TestStore.array(integer(1), integer(0)), c.call("SCRIPT", "EXISTS", sha("return 'hi'"), "abc"));
        assertEquals(TestStore.OK, c.call("SCRIPT", "FLUSH"));
        assertEquals(TestStore.array(integer(0)), c.call("SCRIPT", "EXISTS", sha("return 'hi'")));
    }

    @Test
    void randomIsRedisLrand48() {
        // The values redis-server 7.0 gives for this script.
        Reply r = c.call("EVAL", "math.randomseed(42) return {math.random(100), math.random(1000000), math.random(5,10)}", "0");
        assertEquals(TestStore.array(integer(75), integer(342702), integer(5)), r);
    }
}
