package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CLIENT, HELLO, AUTH, RESET, QUIT against a real Redis. CLIENT LIST/INFO lines differ in
 * values (addresses, ages), so their field names and the deterministic fields are compared;
 * everything else byte for byte. 7.2's additions (CLIENT SETINFO, NO-TOUCH, lib-name/lib-ver)
 * are checked against 7.2's behaviour (KnownDifferences CLIENT_72).
 */
class ClientDiffTest extends DifferentialTest {

    /** The text of a bulk or verbatim reply (a verbatim string's "txt:" prefix removed). */
    static String text(RespReader.Node n) {
        String s = n.scalarText();
        return n.type() == '=' ? s.substring(4) : s;
    }

    /** One CLIENT LIST line as field -> value, in order. */
    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void clientInfoHasRedisFieldsAndValues() {
        both("CLIENT", "SETNAME", "me");
        both("SELECT", "3");
        Map<String, String> r = fields(text(redis.call("CLIENT", "INFO").node()));
        Map<String, String> v = fields(text(vellum.call("CLIENT", "INFO").node()));
        List<String> expected = new ArrayList<>(r.keySet());
        expected.add("lib-name"); // 7.2 (CLIENT_72)
        expected.add("lib-ver");
        assertEquals(expected, new ArrayList<>(v.keySet()));
        for (String f : List.of("name", "flags", "db", "sub", "psub", "ssub", "multi", "cmd", "user", "redir", "resp")) {
            assertEquals(r.get(f), v.get(f), f);
        }
        assertEquals(vellum.call("CLIENT", "ID").node().scalarText(), v.get("id"));
        assertTrue(text(vellum.call("CLIENT", "INFO").node()).endsWith("\n"));
    }

    @Test
    void clientInfoFlagsAndMulti() {
        both("MULTI");
        both("SET", "a", "1");
        both("CLIENT", "NO-EVICT", "on");
        // queued: CLIENT NO-EVICT is queued too; run it and look at the flags afterwards
        both("EXEC");
        Map<String, String> r = fields(text(redis.call("CLIENT", "INFO").node()));
        Map<String, String> v = fields(text(vellum.call("CLIENT", "INFO").node()));
        assertEquals(r.get("flags"), v.get("flags"));
        same("CLIENT", "NO-EVICT", "off");
        same("CLIENT", "NO-EVICT", "maybe");
        same("CLIENT", "NO-EVICT");
        r = fields(text(redis.call("CLIENT", "INFO").node()));
        v = fields(text(vellum.call("CLIENT", "INFO").node()));
        assertEquals(r.get("flags"), v.get("flags"));
    }

    @Test
    void clientIdAndNames() {
        assertEquals(':', vellum.call("CLIENT", "ID").node().type());
        same("CLIENT", "GETNAME");
        same("CLIENT", "SETNAME", "a-name");
        same("CLIENT", "GETNAME");
        same("CLIENT", "SETNAME", "bad name");
        same("CLIENT", "SETNAME", "bad\nname");
        same("CLIENT", "SETNAME", "caf\u00e9");
        same("CLIENT", "GETNAME");
        same("CLIENT", "SETNAME", "");
        same("CLIENT", "GETNAME");
        same("CLIENT", "SETNAME");
        same("CLIENT", "SETNAME", "a", "b");
        same("CLIENT", "ID", "x");
        same("CLIENT", "NOPE");
        same("CLIENT");
        same("client", "getname", "x");
    }

    @Test
    void clientListAndFilters() {
        try (RawClient r2 = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v2 = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            r2.call("CLIENT", "SETNAME", "second");
            v2.call("CLIENT", "SETNAME", "second");
            String rid = r2.call("CLIENT", "ID").node().scalarText();
            String vid = v2.call("CLIENT", "ID").node().scalarText();
            Map<String, String> r = fields(text(redis.call("CLIENT", "LIST", "ID", rid).node()));
            Map<String, String> v = fields(text(vellum.call("CLIENT", "LIST", "ID", vid).node()));
            assertEquals("second", v.get("name"));
            assertEquals(r.get("cmd"), v.get("cmd"));
            assertEquals(r.get("flags"), v.get("flags"));
            String all = text(vellum.call("CLIENT", "LIST").node());
            assertTrue(all.contains("id=" + vid + " "), all);
            assertTrue(all.endsWith("\n"));
            String normal = text(vellum.call("CLIENT", "LIST", "TYPE", "normal").node());
            assertTrue(normal.contains("name=second"), normal);
            assertEquals("", text(vellum.call("CLIENT", "LIST", "TYPE", "pubsub").node()));
            assertEquals("", text(vellum.call("CLIENT", "LIST", "TYPE", "master").node()));
            assertEquals("", text(vellum.call("CLIENT", "LIST", "ID", "999999").node()));
        }
        same("CLIENT", "LIST", "TYPE", "nope");
        same("CLIENT", "LIST", "TYPE");
        same("CLIENT", "LIST", "ID", "abc");
        same("CLIENT", "LIST", "ID", "1", "abc");
        same("CLIENT", "LIST", "nope");
        same("CLIENT", "LIST", "ID", "999999");
        same("CLIENT", "LIST", "TYPE", "replica");
    }

    @Test
    void clientKill() {
        same("CLIENT", "KILL", "1.2.3.4:5");
        same("CLIENT", "KILL", "ID", "0");
        same("CLIENT", "KILL", "ID", "-3");
        same("CLIENT", "KILL", "ID", "abc");
        same("CLIENT", "KILL", "ID", "99999999");
        same("CLIENT", "KILL", "TYPE", "nope");
        same("CLIENT", "KILL", "USER", "nope");
        same("CLIENT", "KILL", "SKIPME", "maybe");
        same("CLIENT", "KILL", "BOGUS", "x");
        same("CLIENT", "KILL", "ID");
        same("CLIENT", "KILL", "ID", "1", "TYPE");
        same("CLIENT", "KILL");
        same("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "no");
        killOther("ID");
        killOther("ADDR");
        killOther("OLD");
    }

    /** Kills a second connection by id, by address or with the old form; it must be closed. */
    private void killOther(String how) {
        try (RawClient r2 = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v2 = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            for (RawClient[] pair : new RawClient[][] {{redis, r2}, {vellum, v2}}) {
                Map<String, String> info = fields(text(pair[1].call("CLIENT", "INFO").node()));
                RespReader.Raw reply = switch (how) {
                    case "ID" -> pair[0].call("CLIENT", "KILL", "ID", info.get("id"));
                    case "ADDR" -> pair[0].call("CLIENT", "KILL", "ADDR", info.get("addr"), "SKIPME", "yes");
                    default -> pair[0].call("CLIENT", "KILL", info.get("addr"));
                };
                assertEquals(how.equals("OLD") ? "+OK" : ":1", reply.text().replace("\\r\\n", ""), how);
                assertTrue(pair[1].closedByPeer(2000), "killed connection closed (" + how + ")");
            }
        }
    }

    @Test
    void clientKillMyself() {
        RespReader.Raw r = redis.call("CLIENT", "KILL", "ID", fields(text(redis.call("CLIENT", "INFO").node())).get("id"), "SKIPME", "no");
        RespReader.Raw v = vellum.call("CLIENT", "KILL", "ID", fields(text(vellum.call("CLIENT", "INFO").node())).get("id"), "SKIPME", "no");
        assertEquals(r.text(), v.text());
        assertTrue(vellum.closedByPeer(2000));
        assertTrue(redis.closedByPeer(2000));
    }

    @Test
    void clientUnblock() {
        same("CLIENT", "UNBLOCK", "99999", "TIMEOUT");
        same("CLIENT", "UNBLOCK", "99999");
        same("CLIENT", "UNBLOCK", "abc");
        same("CLIENT", "UNBLOCK", "1", "nope");
        same("CLIENT", "UNBLOCK", "abc", "nope");
        same("CLIENT", "UNBLOCK", "1", "error", "x");
        same("CLIENT", "UNBLOCK");
        String myId = vellum.call("CLIENT", "ID").node().scalarText();
        assertEquals(":0", vellum.call("CLIENT", "UNBLOCK", myId).text().replace("\\r\\n", ""));
    }

    @Test
    void clientReplyModes() {
        for (RawClient c : List.of(redis, vellum)) {
            c.send(RawClient.encode(RawClient.argv("CLIENT", "REPLY", "OFF")));
            c.send(RawClient.encode(RawClient.argv("SET", "a", "1")));
            c.send(RawClient.encode(RawClient.argv("NOPE")));
            c.send(RawClient.encode(RawClient.argv("CLIENT", "REPLY", "SKIP")));
        }
        same("CLIENT", "REPLY", "ON");
        for (RawClient c : List.of(redis, vellum)) {
            c.send(RawClient.encode(RawClient.argv("CLIENT", "REPLY", "SKIP")));
            c.send(RawClient.encode(RawClient.argv("GET", "a")));
        }
        same("GET", "a");
        // ON right after SKIP: its own OK is sent (Redis clears the skip first), then PONG
        for (RawClient c : List.of(redis, vellum)) {
            c.send(RawClient.encode(RawClient.argv("CLIENT", "REPLY", "SKIP")));
        }
        same("CLIENT", "REPLY", "ON");
        same("PING");
        same("CLIENT", "REPLY", "maybe");
        same("CLIENT", "REPLY");
        same("CLIENT", "REPLY", "ON");
    }

    @Test
    void clientHelpIsRedisHelpFor72() {
        List<String> r = lines(redis.call("CLIENT", "HELP").node());
        List<String> v = lines(vellum.call("CLIENT", "HELP").node());
        // 7.2 (CLIENT_72): SETINFO and NO-TOUCH entries
        List<String> added = List.of("SETINFO <option> <value>", "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.", "    * LIB-VER: the client lib version.",
                "NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.");
        List<String> rest = new ArrayList<>(v);
        rest.removeAll(added);
        assertEquals(v.size() - added.size(), rest.size(), "7.2 entries present once");
        assertEquals(r.get(0), v.get(0));
        assertEquals(r.subList(r.size() - 2, r.size()), v.subList(v.size() - 2, v.size()));
        assertInOrder(rest, r, "CLIENT HELP");
    }

    /** Every line of {@code subset} is in {@code all}, in the same order (HELP of the subcommands Vellum has). */
    static void assertInOrder(List<String> subset, List<String> all, String what) {
        int at = 0;
        for (String line : subset) {
            int found = all.subList(at, all.size()).indexOf(line);
            assertTrue(found >= 0, what + " line not in Redis's, in order: " + line);
            at += found + 1;
        }
    }

    static List<String> lines(RespReader.Node n) {
        List<String> out = new ArrayList<>();
        for (RespReader.Node c : n.children()) {
            out.add(c.scalarText());
        }
        return out;
    }

    @Test
    void clientSetinfoAndNoTouch72() {
        RawClient v = vellum;
        assertEquals("+OK", v.call("CLIENT", "SETINFO", "LIB-NAME", "jedis").text().replace("\\r\\n", ""));
        assertEquals("+OK", v.call("CLIENT", "SETINFO", "lib-ver", "5.1.0").text().replace("\\r\\n", ""));
        assertEquals("-ERR Unrecognized option 'lib-nope'", v.call("CLIENT", "SETINFO", "lib-nope", "x").text().replace("\\r\\n", ""));
        assertEquals("-ERR LIB-NAME cannot contain spaces, newlines or special characters.",
                v.call("CLIENT", "SETINFO", "LIB-NAME", "a b").text().replace("\\r\\n", ""));
        assertEquals("-ERR wrong number of arguments for 'client|setinfo' command",
                v.call("CLIENT", "SETINFO", "lib-name").text().replace("\\r\\n", ""));
        assertEquals("+OK", v.call("CLIENT", "NO-TOUCH", "on").text().replace("\\r\\n", ""));
        Map<String, String> f = fields(text(v.call("CLIENT", "INFO").node()));
        assertEquals("jedis", f.get("lib-name"));
        assertEquals("5.1.0", f.get("lib-ver"));
        assertEquals("T", f.get("flags"));
        assertEquals("-ERR syntax error", v.call("CLIENT", "NO-TOUCH", "x").text().replace("\\r\\n", ""));
        v.call("RESET");
        f = fields(text(v.call("CLIENT", "INFO").node()));
        assertEquals("jedis", f.get("lib-name"), "RESET keeps lib-name");
        assertEquals("N", f.get("flags"), "RESET clears NO-TOUCH");
        // the 7.0 oracle does not know them
        assertTrue(redis.call("CLIENT", "SETINFO", "lib-name", "x").text().startsWith("-ERR unknown subcommand"));
    }

    @Test
    void hello() {
        sameHello("HELLO");
        sameHello("HELLO", "2");
        sameHello("HELLO", "3");
        sameHello("HELLO", "2", "SETNAME", "hello-name");
        same("CLIENT", "GETNAME");
        same("HELLO", "4");
        same("HELLO", "1");
        same("HELLO", "abc");
        same("HELLO", "3", "SETNAME", "bad name");
        same("HELLO", "3", "NOPE");
        same("HELLO", "3", "AUTH", "default");
        same("HELLO", "3", "AUTH", "nope", "x");
        sameHello("HELLO", "3", "AUTH", "default", "anything");
        same("HELLO", "3", "SETNAME");
        sameHello("HELLO", "2");
    }

    /** HELLO's map: every field byte-equal but id (and version, KnownDifferences VERSION). */
    private void sameHello(String... cmd) {
        RespReader.Node r = redis.call(cmd).node();
        RespReader.Node v = vellum.call(cmd).node();
        assertEquals(r.type(), v.type(), String.join(" ", cmd));
        assertEquals(r.children().size(), v.children().size());
        for (int i = 0; i < r.children().size(); i += 2) {
            String key = r.children().get(i).scalarText();
            assertEquals(key, v.children().get(i).scalarText());
            if (key.equals("version")) {
                assertEquals("7.2.4", v.children().get(i + 1).scalarText());
            } else if (!key.equals("id")) {
                assertEquals(r.children().get(i + 1).toString(), v.children().get(i + 1).toString(), key);
            }
        }
    }

    @Test
    void authWithoutPassword() {
        same("AUTH", "x");
        same("AUTH", "default", "x");
        same("AUTH", "nope", "x");
        same("AUTH", "a", "b", "c");
        same("AUTH");
    }

    @Test
    void requirepass() {
        both("CONFIG", "SET", "requirepass", "s3cret");
        try (RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            for (String[] cmd : new String[][] {{"GET", "a"}, {"PING"}, {"NOPE"}, {"AUTH", "wrong"}, {"AUTH", "default", "wrong"},
                    {"AUTH", "nope", "s3cret"}, {"HELLO", "3", "AUTH", "default", "wrong"}, {"CLIENT", "ID"},
                    {"HELLO", "3", "SETNAME", "bad name"}}) {
                assertEquals(r.call(cmd).text(), v.call(cmd).text(), String.join(" ", cmd));
            }
            // HELLO without AUTH while unauthenticated: 7.2's wording (HELLO_NOAUTH_72)
            assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select "
                    + "the RESP protocol version at the same time", v.call("HELLO", "3").text().replace("\\r\\n", ""));
            assertTrue(r.call("HELLO", "3").text().startsWith("-NOAUTH HELLO must be called"));
            // 7.2 sets a HELLO SETNAME only once authenticated
            v.call("HELLO", "2", "SETNAME", "early");
            assertEquals("+OK", v.call("AUTH", "s3cret").text().replace("\\r\\n", ""));
            assertEquals("$-1", v.call("CLIENT", "GETNAME").text().replace("\\r\\n", ""));
            assertEquals(r.call("AUTH", "s3cret").text(), "+OK\\r\\n");
            for (String[] cmd : new String[][] {{"SET", "a", "1"}, {"GET", "a"}, {"AUTH", "wrong"}, {"GET", "a"}}) {
                assertEquals(r.call(cmd).text(), v.call(cmd).text(), String.join(" ", cmd));
            }
            // RESET forgets the authentication
            assertEquals(r.call("RESET").text(), v.call("RESET").text());
            assertEquals(r.call("GET", "a").text(), v.call("GET", "a").text());
            RespReader.Node rh = r.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "n").node();
            RespReader.Node vh = v.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "n").node();
            assertEquals(rh.type(), vh.type());
            assertEquals(r.call("CLIENT", "GETNAME").text(), v.call("CLIENT", "GETNAME").text());
            // the unauthenticated protocol limits
            assertUnauthenticatedLimit("*11\r\n", "unauthenticated multibulk length");
            assertUnauthenticatedLimit("*1\r\n$16385\r\n", "unauthenticated bulk length");
            // a client that connected before the password was set stays authenticated
            same("GET", "a");
        } finally {
            for (RawClient c : List.of(redis, vellum)) {
                c.call("AUTH", "s3cret");
                c.call("CONFIG", "SET", "requirepass", "");
            }
        }
        same("AUTH", "s3cret");
    }

    private static void assertUnauthenticatedLimit(String request, String error) {
        try (RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            for (RawClient c : List.of(r, v)) {
                c.send(request.getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals("-ERR Protocol error: " + error + "\\r\\n", r.read().text());
            assertEquals("-ERR Protocol error: " + error + "\\r\\n", v.read().text());
            assertTrue(v.closedByPeer(2000));
        }
    }

    @Test
    void resetForgetsConnectionState() {
        both("SELECT", "2");
        both("CLIENT", "SETNAME", "x");
        both("SET", "k", "v");
        both("WATCH", "k");
        both("MULTI");
        same("RESET");
        same("CLIENT", "GETNAME");
        same("GET", "k");
        same("EXEC");
        same("RESET", "x");
        both("HELLO", "3");
        same("RESET");
        same("HELLO", "x");
        same("PING");
    }

    @Test
    void quit() {
        same("QUIT", "x", "y");
        assertTrue(vellum.closedByPeer(2000));
    }
}
