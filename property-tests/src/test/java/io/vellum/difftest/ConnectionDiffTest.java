package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PING, ECHO, SELECT, unknown commands, arity and protocol errors against a real Redis. */
class ConnectionDiffTest extends DifferentialTest {

    @Test
    void pingEchoSelect() {
        same("PING");
        same("PING", "hello");
        same("PING", "a", "b");
        same("ECHO", "x y");
        same("ECHO");
        same("SELECT", "1");
        same("SELECT", "16");
        same("SELECT", "-1");
        same("SELECT", "abc");
        same("SELECT", "0");
    }

    @Test
    void unknownCommandsAndArity() {
        same("NOPE");
        same("NOPE", "a", "b", "c");
        same("GET");
        same("GET", "a", "b");
        same("SET", "k");
        same("COMMAND", "NOPE");
        same("nope", "x".repeat(200));
    }

    @Test
    void getSetWithOptions() {
        same("SET", "k", "v");
        same("GET", "k");
        same("SET", "k", "v2", "NX");
        same("SET", "k", "v3", "XX");
        same("SET", "k", "v4", "XX", "GET");
        same("SET", "n", "v", "XX");
        same("SET", "k", "v", "NX", "XX");
        same("SET", "k", "v", "EX", "0");
        same("SET", "k", "v", "EX", "-5");
        same("SET", "k", "v", "EX", "abc");
        same("SET", "k", "v", "EX", "10", "PX", "100");
        same("SET", "k", "v", "KEEPTTL", "EX", "10");
        same("SET", "k", "v", "EX", "9223372036854775807");
        same("SET", "k", "v", "PX", "100000", "GET");
        same("SET", "k", "v", "BOGUS");
        same("DEL", "k", "n", "missing");
        same("EXISTS", "k");
    }

    @Test
    void inlineCommandsAndProtocolErrors() {
        for (RawClient c : new RawClient[] {redis, vellum}) {
            c.send("PING\r\nSET a \"x y\"\r\nGET a\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(java.util.Arrays.equals(redis.read().bytes(), vellum.read().bytes()));
        }
        for (String garbage : new String[] {"*x\r\n", "*1\r\n$-5\r\n", "*1\r\nfoo\r\n", "SET \"a\r\n"}) {
            try (RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
                    RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port())) {
                r.send(garbage.getBytes(StandardCharsets.US_ASCII));
                v.send(garbage.getBytes(StandardCharsets.US_ASCII));
                RespReader.Raw rr = r.read();
                RespReader.Raw vr = v.read();
                org.junit.jupiter.api.Assertions.assertEquals(rr.text(), vr.text(), garbage);
                assertTrue(v.closedByPeer(2000), "connection closed after protocol error");
            }
        }
    }
}
