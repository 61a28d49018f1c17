package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.core.config.ConfigParam;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the list and hash differential tests: both servers get the same encoding
 * thresholds (Vellum's, and back to what they were afterwards), and Vellum's values can be
 * inspected in-process where Vellum has no command for it yet (OBJECT ENCODING, DEBUG
 * DIGEST-VALUE, the number of blocked clients).
 */
abstract class CollectionDiffTest extends DifferentialTest {
    private static final String[] THRESHOLDS = {"hash-max-listpack-entries", "hash-max-listpack-value", "list-max-listpack-size"};

    private final List<Runnable> restore = new ArrayList<>();

    @BeforeEach
    void alignThresholds() {
        for (String name : THRESHOLDS) {
            configure(name, ((ConfigParam.Int) config().find(name)).get());
        }
    }

    @AfterEach
    void restoreThresholds() {
        for (int i = restore.size() - 1; i >= 0; i--) {
            restore.get(i).run();
        }
        restore.clear();
    }

    private static StoreConfig config() {
        return VellumTarget.get().store().config();
    }

    /** Sets an integer directive on both servers for this test. */
    protected void configure(String name, long value) {
        ConfigParam.Int p = (ConfigParam.Int) config().find(name);
        long vellumBefore = p.get();
        String redisBefore = redis.call("CONFIG", "GET", name).node().children().get(1).scalarText();
        p.set(value);
        redis.call("CONFIG", "SET", name, Long.toString(value));
        restore.add(() -> {
            p.set(vellumBefore);
            redis.call("CONFIG", "SET", name, redisBefore);
        });
    }

    /** Vellum's value at {@code key} in database 0, read on the engine thread. */
    protected static Value vellumValue(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        try {
            return VellumTarget.get().store().engine().call(() -> VellumTarget.get().store().engine().keyspace().db(0).peek(k))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** DEBUG DIGEST-VALUE of {@code key}: Redis's against Vellum's {@link RedisDigest}. */
    protected void sameDigest(String key) {
        String theirs = redis.call("DEBUG", "DIGEST-VALUE", key).node().children().get(0).scalarText();
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        String ours;
        try {
            ours = VellumTarget.get().store().engine().call(() -> {
                Database db = VellumTarget.get().store().engine().keyspace().db(0);
                Value v = db.peek(k);
                byte[] d = new byte[20];
                if (v != null) {
                    RedisDigest.objectDigest(d, v, db.expireAt(k) != -1);
                }
                return RedisDigest.hex(d);
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(theirs, ours, "DEBUG DIGEST-VALUE " + key);
    }

    /** OBJECT ENCODING of {@code key}: Redis's against Vellum's (hashes: 7.0 and 7.2 agree). */
    protected void sameEncoding(String key) {
        String theirs = redis.call("OBJECT", "ENCODING", key).node().scalarText();
        Value v = vellumValue(key);
        assertEquals(theirs, v == null ? null : v.encoding(), "OBJECT ENCODING " + key);
    }

    /** Waits until both servers have {@code n} blocked clients. */
    protected void awaitBlocked(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String info = redis.call("INFO", "clients").node().scalarText();
            int theirs = -1;
            for (String line : info.split("\r\n")) {
                if (line.startsWith("blocked_clients:")) {
                    theirs = Integer.parseInt(line.substring("blocked_clients:".length()));
                }
            }
            int ours = VellumTarget.get().store().engine().blockedClients();
            if (theirs == n && ours == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("blocked clients: redis " + theirs + ", vellum " + ours + ", expected " + n);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A documented 7.0/7.2 difference: the oracle must still answer {@code redis70} and Vellum
     * {@code vellum72} (replies as {@link RespReader.Raw#text()}).
     */
    protected void differs(KnownDifferences.Rule rule, String redis70, String vellum72, String... cmd) {
        String theirs = redis.call(cmd).text();
        String ours = vellum.call(cmd).text();
        assertEquals(redis70, theirs, rule + ": the oracle's 7.0 answer to " + String.join(" ", cmd));
        assertEquals(vellum72, ours, rule + ": Vellum's 7.2 answer to " + String.join(" ", cmd));
    }

    /** A new connection to each server in the test's protocol: {redis, vellum}. */
    protected RawClient[] connectBoth() {
        RawClient r = new RawClient("127.0.0.1", RedisOracle.get().port());
        RawClient v = new RawClient("127.0.0.1", VellumTarget.get().port());
        if (protocol == 3) {
            r.call("HELLO", "3");
            v.call("HELLO", "3");
        }
        return new RawClient[] {r, v};
    }

    /** Both replies read from a pair of connections must be the same bytes. */
    protected static void sameRead(RawClient[] pair, String what) {
        RespReader.Raw r = pair[0].read();
        RespReader.Raw v = pair[1].read();
        assertEquals(r.text(), v.text(), what);
    }

    /** Sends a command on both connections of a pair without reading. */
    protected static void sendBoth(RawClient[] pair, String... cmd) {
        byte[] bytes = RawClient.encode(RawClient.argv(cmd));
        pair[0].send(bytes);
        pair[1].send(bytes);
    }
}
