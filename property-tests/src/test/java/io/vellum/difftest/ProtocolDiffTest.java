package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The RESP decoder against a real Redis: protocol limits (proto-max-bulk-len, multibulk
 * counts, inline and count-line lengths) and garbage. The offending client gets Redis's error
 * and is disconnected; the replies of what it sent before the error come first; other
 * clients carry on.
 */
class ProtocolDiffTest extends DifferentialTest {

    /**
     * Sends {@code bytes} on a fresh connection to each server, compares the {@code replies}
     * replies, and checks that both servers closed the connection (or kept it open).
     */
    private void sameOnFreshConnection(byte[] bytes, int replies, boolean closed) {
        try (RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            r.send(bytes);
            v.send(bytes);
            for (int i = 0; i < replies; i++) {
                assertEquals(r.read().text(), v.read().text(), describe(bytes) + " reply " + i);
            }
            if (closed) {
                assertTrue(r.closedByPeer(3000), "redis closed after " + describe(bytes));
                assertTrue(v.closedByPeer(3000), "vellum closed after " + describe(bytes));
            } else {
                assertEquals(r.call("PING").text(), v.call("PING").text());
            }
        }
        // the test's own connections are unaffected
        same("PING");
    }

    private static String describe(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 60), StandardCharsets.ISO_8859_1);
        return s.replace("\r", "\\r").replace("\n", "\\n") + (b.length > 60 ? "...(" + b.length + " bytes)" : "");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] repeat(String prefix, char c, int n, String suffix) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ascii(prefix));
        byte[] fill = new byte[n];
        Arrays.fill(fill, (byte) c);
        b.writeBytes(fill);
        b.writeBytes(ascii(suffix));
        return b.toByteArray();
    }

    @Test
    void garbage() {
        sameOnFreshConnection(ascii("*x\r\n"), 1, true);
        sameOnFreshConnection(ascii("*1\r\nfoo\r\n"), 1, true);
        sameOnFreshConnection(ascii("*1\r\n$-1\r\n"), 1, true);
        sameOnFreshConnection(ascii("*1\r\n$abc\r\n"), 1, true);
        sameOnFreshConnection(ascii("*1\r\n$+3\r\nGET\r\n"), 1, true);
        sameOnFreshConnection(ascii("*+1\r\n$4\r\nPING\r\n"), 1, true);
        sameOnFreshConnection(ascii("*2147483648\r\n"), 1, true);
        sameOnFreshConnection(ascii("*99999999999999999999999\r\n"), 1, true);
        sameOnFreshConnection(ascii("SET \"a\r\n"), 1, true);
        sameOnFreshConnection(ascii("SET 'a\r\n"), 1, true);
        sameOnFreshConnection(ascii("SET \"a\"b c\r\n"), 1, true);
    }

    @Test
    void repliesBeforeTheErrorAreSent() {
        sameOnFreshConnection(ascii("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nfoo\r\nPING\r\n"), 3, true);
        sameOnFreshConnection(ascii("SET k v\r\nGET k\r\n*1\r\n$-5\r\n"), 3, true);
    }

    @Test
    void notErrors() {
        sameOnFreshConnection(ascii("*0\r\n*-1\r\n\r\n   \r\nPING\n"), 1, false);
        sameOnFreshConnection(ascii("$5\r\n"), 1, false);
        sameOnFreshConnection(ascii("PING \"a b\" 'c d'\r\n"), 1, false);
        sameOnFreshConnection(ascii("ECHO \"\\x41\\n\\t\"\r\n"), 1, false);
        sameOnFreshConnection(ascii("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), 1, false);
    }

    @Test
    void inlineAndCountLineLimits() {
        sameOnFreshConnection(repeat("", 'a', 70 * 1024, ""), 1, true);
        sameOnFreshConnection(repeat("*", '1', 70 * 1024, ""), 1, true);
        sameOnFreshConnection(repeat("*1\r\n$", '1', 70 * 1024, ""), 1, true);
        // a long inline request that does end within the limit is fine
        sameOnFreshConnection(repeat("ECHO ", 'b', 60 * 1024, "\r\n"), 1, false);
    }

    @Test
    void protoMaxBulkLen() {
        String before = vellum.call("CONFIG", "GET", "proto-max-bulk-len").node().children().get(1).scalarText();
        try {
            both("CONFIG", "SET", "proto-max-bulk-len", "1mb");
            sameOnFreshConnection(ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n"), 1, true);
            sameOnFreshConnection(ascii("*1\r\n$9223372036854775807\r\n"), 1, true);
            // exactly the limit is accepted
            byte[] value = new byte[1024 * 1024];
            Arrays.fill(value, (byte) 'v');
            same(ascii("SET"), ascii("big"), value);
            same("GET", "big");
        } finally {
            redis.call("CONFIG", "SET", "proto-max-bulk-len", "512mb");
            vellum.call("CONFIG", "SET", "proto-max-bulk-len", before);
        }
        same("GET", "nothing");
    }

    @Test
    void bigMultibulkCount() {
        // a count Redis accepts (< 2^31) but far more arguments than sent: the server waits for
        // them; the connection stays usable for nobody else to notice
        try (RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
                RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port())) {
            r.send(ascii("*2000000000\r\n$4\r\nPING\r\n"));
            v.send(ascii("*2000000000\r\n$4\r\nPING\r\n"));
            same("PING");
        }
        same("DBSIZE");
    }
}
