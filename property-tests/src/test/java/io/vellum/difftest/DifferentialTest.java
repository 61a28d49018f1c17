package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Base of the differential tests (STYLE.md 12): every test runs the same commands against a
 * real redis-server and against Vellum, in RESP2 and in RESP3, and compares the replies byte
 * for byte (or, where {@link KnownDifferences} says so, by its rules).
 *
 * <p>Each test starts with both stores flushed and fresh connections in the class's protocol.
 */
@ParameterizedClass(name = "RESP{0}")
@ValueSource(ints = {2, 3})
public abstract class DifferentialTest {
    @Parameter
    protected int protocol;

    protected RawClient redis;
    protected RawClient vellum;

    @BeforeEach
    void connect() {
        redis = new RawClient("127.0.0.1", RedisOracle.get().port());
        vellum = new RawClient("127.0.0.1", VellumTarget.get().port());
        for (RawClient c : List.of(redis, vellum)) {
            c.call("FLUSHALL");
            if (protocol == 3) {
                c.call("HELLO", "3");
            }
        }
    }

    @AfterEach
    void disconnect() {
        redis.close();
        vellum.close();
    }

    /** Runs on both; the replies must be the same bytes. Returns Vellum's reply. */
    public RespReader.Raw same(String... cmd) {
        return same(RawClient.argv(cmd));
    }

    protected RespReader.Raw same(byte[]... argv) {
        RespReader.Raw r = redis.call(argv);
        RespReader.Raw v = vellum.call(argv);
        if (!Arrays.equals(r.bytes(), v.bytes())) {
            fail(describe(argv) + "\n  redis:  " + r.text() + "\n  vellum: " + v.text());
        }
        return v;
    }

    /** Same, allowing the listed deliberate differences. */
    protected RespReader.Raw sameAllowing(List<KnownDifferences.Rule> rules, String... cmd) {
        byte[][] argv = RawClient.argv(cmd);
        RespReader.Raw r = redis.call(argv);
        RespReader.Raw v = vellum.call(argv);
        if (!Arrays.equals(r.bytes(), v.bytes()) && !KnownDifferences.equivalent(r.node(), v.node(), rules)) {
            fail(describe(argv) + " (allowing " + rules + ")\n  redis:  " + r.text() + "\n  vellum: " + v.text());
        }
        return v;
    }

    /** Same allowing 7.2's float formatting (KnownDifferences FLOAT_72). */
    public RespReader.Raw sameFloats(String... cmd) {
        return sameAllowing(List.of(KnownDifferences.Rule.FLOAT_72), cmd);
    }

    /** Same elements in any order (ORDER in KnownDifferences), recursively. */
    public void sameUnordered(String... cmd) {
        byte[][] argv = RawClient.argv(cmd);
        RespReader.Raw r = redis.call(argv);
        RespReader.Raw v = vellum.call(argv);
        assertEquals(r.node().unordered(), v.node().unordered(), describe(argv));
    }

    /** Same field/value pairs in any pair order (RESP2 HGETALL, CONFIG GET...). */
    protected void samePairs(String... cmd) {
        byte[][] argv = RawClient.argv(cmd);
        RespReader.Raw r = redis.call(argv);
        RespReader.Raw v = vellum.call(argv);
        String rs = r.node().type() == '%' ? r.node().unordered() : r.node().unorderedPairs();
        String vs = v.node().type() == '%' ? v.node().unordered() : v.node().unorderedPairs();
        assertEquals(rs, vs, describe(argv));
    }

    /** Same reply type and element count (random replies). */
    public void sameShape(String... cmd) {
        byte[][] argv = RawClient.argv(cmd);
        RespReader.Raw r = redis.call(argv);
        RespReader.Raw v = vellum.call(argv);
        assertEquals(r.node().type(), v.node().type(), describe(argv) + " type; redis " + r.text() + " vellum " + v.text());
        int rn = r.node().children() == null ? -1 : r.node().children().size();
        int vn = v.node().children() == null ? -1 : v.node().children().size();
        assertEquals(rn, vn, describe(argv) + " length; redis " + r.text() + " vellum " + v.text());
    }

    /** Runs on both, ignoring the replies (setup). */
    protected void both(String... cmd) {
        redis.call(cmd);
        vellum.call(cmd);
    }

    protected static String describe(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            sb.append(io.vellum.core.util.Text.quoteIfNeeded(a, 80)).append(' ');
        }
        return sb.toString().trim();
    }

    /**
     * Runs {@code scenario} (given a server's port, it returns what it saw) on Redis, then on
     * Vellum, and compares the transcripts: for sequences across several connections.
     */
    protected static void sameTranscript(java.util.function.IntFunction<List<String>> scenario) {
        assertEquals(String.join("\n", scenario.apply(RedisOracle.get().port())),
                String.join("\n", scenario.apply(VellumTarget.get().port())));
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * INFO clients' blocked_clients line, once it reads {@code n} (waited for up to 5 s, as
     * Redis's wait_for_blocked_clients_count); the last line read otherwise.
     */
    protected static String awaitBlockedClients(RawClient c, int n) {
        String seen = "";
        for (int i = 0; i < 100; i++) {
            for (String line : c.call("INFO", "clients").node().scalarText().split("\r\n")) {
                if (line.startsWith("blocked_clients:")) {
                    seen = line;
                }
            }
            if (seen.equals("blocked_clients:" + n)) {
                break;
            }
            sleep(50);
        }
        return seen;
    }
}
