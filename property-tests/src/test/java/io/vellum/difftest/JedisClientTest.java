package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.CommandInfo;

/**
 * A real client library against the in-process server ({@code Vellum.inMemory().serve(0)}):
 * Jedis's connection handshake (HELLO, CLIENT SETINFO), strings, transactions with WATCH,
 * COMMAND's replies as Jedis parses them, INFO, CONFIG and AUTH, in RESP2 and RESP3.
 */
class JedisClientTest {
    @RegisterExtension
    static final InProcessServer server = new InProcessServer();

    private static Jedis connect(RedisProtocol protocol) {
        return new Jedis("127.0.0.1", server.port(), DefaultJedisClientConfig.builder().protocol(protocol).build());
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void strings(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            j.flushAll();
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("greeting", "hello"));
            assertEquals("hello", j.get("greeting"));
            assertNull(j.get("missing"));
            assertNull(j.set("greeting", "again", SetParams.setParams().nx()));
            assertEquals("hello", j.setGet("greeting", "bye"));
            assertEquals("OK", j.set("ttl", "v", SetParams.setParams().ex(100)));
            assertEquals(2, j.exists("greeting", "ttl"));
            assertEquals(1, j.del("ttl"));
            assertEquals(1, j.dbSize());
            byte[] binary = {0, (byte) 0xff, '\r', '\n', 7};
            j.set("bin".getBytes(), binary);
            assertEquals(java.util.Arrays.toString(binary), java.util.Arrays.toString(j.get("bin".getBytes())));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.sendCommand(() -> "NOPE".getBytes()));
            assertTrue(e.getMessage().startsWith("ERR unknown command 'NOPE'"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void transactions(RedisProtocol protocol) {
        try (Jedis j = connect(protocol); Jedis other = connect(protocol)) {
            j.flushAll();
            Transaction t = j.multi();
            t.set("a", "1");
            t.get("a");
            t.set("a", "2", SetParams.setParams().xx());
            assertEquals(List.of("OK", "1", "OK"), t.exec());
            assertEquals("2", j.get("a"));

            j.watch("a");
            other.set("a", "changed");
            t = j.multi();
            t.set("a", "mine");
            assertNull(t.exec(), "a touched watched key aborts EXEC");
            assertEquals("changed", j.get("a"));

            t = j.multi();
            t.set("b", "1");
            assertEquals("OK", t.discard());
            assertEquals(false, j.exists("b"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void commandRepliesParseInJedis(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Map<String, CommandInfo> all = j.command();
            assertEquals(all.size(), j.commandCount());
            CommandInfo get = j.commandInfo("get").get("get");
            assertEquals(2, get.getArity());
            assertEquals(List.of("readonly", "fast"), get.getFlags());
            assertEquals(1, get.getFirstKey());
            assertEquals(1, get.getLastKey());
            assertEquals(1, get.getStep());
            assertTrue(get.getAclCategories().contains("@string"), get.getAclCategories().toString());
            CommandInfo client = j.commandInfo("client").get("client");
            assertTrue(client.getSubcommands().containsKey("client|setinfo"), client.getSubcommands().keySet().toString());
            assertEquals("Get the value of a key", j.commandDocs("get").get("get").getSummary());
            assertEquals(List.of("k"), j.commandGetKeys("SET", "k", "v"));
            assertTrue(j.commandList().contains("config|get"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void handshakeInfoAndConfig(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            // Jedis sends CLIENT SETINFO LIB-NAME/LIB-VER when it connects (Redis 7.2)
            String info = j.clientInfo();
            assertTrue(info.contains(" lib-name=jedis "), info);
            assertTrue(info.contains(" resp=" + (protocol == RedisProtocol.RESP3 ? 3 : 2) + " "), info);
            assertTrue(j.info("server").contains("redis_version:7.2.4\r\n"));
            assertTrue(j.info().contains("# Keyspace"));
            assertEquals(Map.of("hz", "10"), j.configGet("hz"));
            assertEquals("OK", j.clientSetname("jedis-test"));
            assertEquals("jedis-test", j.clientGetname());
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void password(RedisProtocol protocol) {
        try (Jedis admin = connect(protocol)) {
            admin.configSet("requirepass", "pw");
            try {
                try (Jedis anonymous = new Jedis("127.0.0.1", server.port())) {
                    JedisDataException e = assertThrows(JedisDataException.class, () -> anonymous.get("a"));
                    assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
                }
                try (Jedis j = new Jedis("127.0.0.1", server.port(),
                        DefaultJedisClientConfig.builder().protocol(protocol).password("pw").build())) {
                    assertEquals("PONG", j.ping());
                }
                try (Jedis wrong = new Jedis("127.0.0.1", server.port())) {
                    JedisDataException e = assertThrows(JedisDataException.class, () -> wrong.auth("nope"));
                    assertTrue(e.getMessage().startsWith("WRONGPASS"), e.getMessage());
                }
            } finally {
                admin.configSet("requirepass", "");
            }
        }
    }
}
