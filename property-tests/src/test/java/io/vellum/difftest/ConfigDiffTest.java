package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.config.ConfigParam;
import io.vellum.core.config.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CONFIG GET/SET/RESETSTAT/HELP against a real Redis. Vellum has only the directives it
 * implements, so pattern replies are compared on those names. Every directive a test changes
 * is put back on both servers afterwards (they are shared by all tests of the JVM).
 */
class ConfigDiffTest extends DifferentialTest {
    /** Directives whose default (or the oracle's start-up value) is the same on both. */
    private static final Set<String> SAME_VALUE = Set.of("hz", "maxclients", "timeout", "proto-max-bulk-len",
            "client-query-buffer-limit", "busy-reply-threshold", "lua-time-limit", "appendfsync", "aof-load-truncated",
            "hash-max-listpack-entries", "hash-max-ziplist-entries", "hash-max-listpack-value", "hash-max-ziplist-value",
            "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-ziplist-entries", "zset-max-listpack-value",
            "zset-max-ziplist-value", "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth",
            "stream-node-max-bytes", "stream-node-max-entries", "hll-sparse-max-bytes", "databases", "requirepass");
    /** Directives new in Redis 7.2 (KnownDifferences CONFIG_72): the 7.0 oracle does not have them. */
    private static final Set<String> NEW_IN_72 = Set.of("set-max-listpack-entries", "set-max-listpack-value");
    /** Vellum's own directives (no Redis has them): script-max-memory, the per-script memory bound. */
    private static final Set<String> VELLUM_ONLY = Set.of("script-max-memory");

    private final Map<String, String[]> changed = new HashMap<>();

    private static StoreConfig config() {
        return VellumTarget.get().store().config();
    }

    /** Remembers both servers' values of a directive before a test changes it. */
    private void willChange(String name) {
        if (!changed.containsKey(name)) {
            changed.put(name, new String[] {value(redis, name), value(vellum, name)});
        }
    }

    private static String value(RawClient c, String name) {
        RespReader.Node n = c.call("CONFIG", "GET", name).node();
        return n.children().isEmpty() ? null : n.children().get(1).scalarText();
    }

    @AfterEach
    void restore() {
        for (Map.Entry<String, String[]> e : changed.entrySet()) {
            if (e.getValue()[0] != null) {
                redis.call("CONFIG", "SET", e.getKey(), e.getValue()[0]);
            }
            vellum.call("CONFIG", "SET", e.getKey(), e.getValue()[1]);
        }
    }

    @Test
    void getEveryDirective() {
        for (String name : config().names().keySet()) {
            if (NEW_IN_72.contains(name) || VELLUM_ONLY.contains(name)) {
                assertEquals(2, vellum.call("CONFIG", "GET", name).node().children().size(), name);
            } else if (SAME_VALUE.contains(name)) {
                samePairs("CONFIG", "GET", name);
            } else {
                assertEquals(name, redis.call("CONFIG", "GET", name).node().children().get(0).scalarText());
                assertEquals(name, vellum.call("CONFIG", "GET", name).node().children().get(0).scalarText());
            }
        }
        same("CONFIG", "GET", "HZ");
        same("CONFIG", "GET", "nope");
        same("CONFIG", "GET", "hz", "hz");
        samePairs("CONFIG", "GET", "hz", "timeout", "HZ");
        same("CONFIG", "GET");
    }

    @Test
    void getPatterns() {
        for (String pattern : new String[] {"hash-max-*", "*max-*-entries", "h?", "[hz]z", "*ZIPLIST*", "list-*",
                "*", "stream-node-max-[be]*", "lua*", "*time*"}) {
            Map<String, String> r = pairs(redis.call("CONFIG", "GET", pattern).node());
            Map<String, String> v = pairs(vellum.call("CONFIG", "GET", pattern).node());
            Map<String, String> expected = new TreeMap<>();
            for (Map.Entry<String, String> e : r.entrySet()) {
                if (config().names().containsKey(e.getKey())) {
                    expected.put(e.getKey(), SAME_VALUE.contains(e.getKey()) ? e.getValue() : v.get(e.getKey()));
                }
            }
            for (String n : union(NEW_IN_72, VELLUM_ONLY)) {
                if (v.containsKey(n)) {
                    expected.put(n, v.get(n));
                }
            }
            assertEquals(expected, new TreeMap<>(v), pattern);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static Map<String, String> pairs(RespReader.Node n) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i + 1 < n.children().size(); i += 2) {
            m.put(n.children().get(i).scalarText(), n.children().get(i + 1).scalarText());
        }
        return m;
    }

    @Test
    void setErrors() {
        willChange("hz");
        willChange("timeout");
        willChange("appendfsync");
        same("CONFIG", "SET", "hz");
        same("CONFIG", "SET", "hz", "10", "timeout");
        same("CONFIG", "SET", "nope", "1");
        same("CONFIG", "SET", "hz", "11", "nope", "1");
        same("CONFIG", "SET", "databases", "3");
        same("CONFIG", "SET", "DATABASES", "3", "nope", "1");
        same("CONFIG", "SET", "hz", "5", "HZ", "6");
        same("CONFIG", "SET", "hz", "abc");
        same("CONFIG", "SET", "hz", "+5");
        same("CONFIG", "SET", "hz", "05");
        same("CONFIG", "SET", "hz", "");
        same("CONFIG", "SET", "timeout", "-1");
        same("CONFIG", "SET", "timeout", "99999999999");
        same("CONFIG", "SET", "aof-load-truncated", "maybe");
        same("CONFIG", "SET", "appendfsync", "sometimes");
        same("CONFIG", "SET", "proto-max-bulk-len", "1");
        same("CONFIG", "SET", "proto-max-bulk-len", "abc");
        same("CONFIG", "SET", "proto-max-bulk-len", "");
        same("CONFIG", "SET", "proto-max-bulk-len", "-5");
        same("CONFIG", "SET", "proto-max-bulk-len", "5 mb");
        same("CONFIG", "SET", "proto-max-bulk-len", "1tb");
        same("CONFIG", "SET", "busy-reply-threshold", "-1");
        same("CONFIG", "SET", "lua-time-limit", "x");
    }

    @Test
    void setValues() {
        for (String n : List.of("hz", "timeout", "appendfsync", "proto-max-bulk-len", "hash-max-listpack-entries",
                "list-max-listpack-size", "aof-load-truncated", "zset-max-listpack-value", "busy-reply-threshold")) {
            willChange(n);
        }
        same("CONFIG", "SET", "hz", "20");
        same("CONFIG", "GET", "hz");
        same("CONFIG", "SET", "hz", "0");
        same("CONFIG", "GET", "hz");
        same("CONFIG", "SET", "hz", "1000");
        same("CONFIG", "GET", "hz");
        same("CONFIG", "SET", "HZ", "12", "Timeout", "30", "appendfsync", "ALWAYS");
        samePairs("CONFIG", "GET", "hz", "timeout", "appendfsync");
        same("CONFIG", "SET", "proto-max-bulk-len", "2mb");
        same("CONFIG", "GET", "proto-max-bulk-len");
        same("CONFIG", "SET", "proto-max-bulk-len", "1048576b");
        same("CONFIG", "GET", "proto-max-bulk-len");
        same("CONFIG", "SET", "proto-max-bulk-len", "3G");
        same("CONFIG", "GET", "proto-max-bulk-len");
        same("CONFIG", "SET", "hash-max-ziplist-entries", "100");
        same("CONFIG", "GET", "hash-max-listpack-entries");
        same("CONFIG", "SET", "list-max-listpack-size", "-5");
        same("CONFIG", "GET", "list-max-ziplist-size");
        same("CONFIG", "SET", "aof-load-truncated", "NO");
        same("CONFIG", "GET", "aof-load-truncated");
        same("CONFIG", "SET", "lua-time-limit", "100");
        same("CONFIG", "GET", "busy-reply-threshold");
    }

    @Test
    void setIsAllOrNothing() {
        willChange("hz");
        willChange("timeout");
        same("CONFIG", "SET", "hz", "33", "timeout", "-1");
        same("CONFIG", "GET", "hz");
        same("CONFIG", "SET", "timeout", "7", "hz", "44", "appendfsync", "nope");
        samePairs("CONFIG", "GET", "hz", "timeout");
        same("CONFIG", "SET", "timeout", "8", "databases", "2");
        same("CONFIG", "GET", "timeout");
    }

    @Test
    void loglevelNothingIs72() {
        willChange("loglevel");
        // KnownDifferences CONFIG_72: 7.2 adds the "nothing" log level
        assertEquals("+OK", vellum.call("CONFIG", "SET", "loglevel", "nothing").text().replace("\\r\\n", ""));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of "
                + "the following: debug, verbose, notice, warning, nothing",
                vellum.call("CONFIG", "SET", "loglevel", "loud").text().replace("\\r\\n", ""));
    }

    @Test
    void resetstatAndHelp() {
        same("CONFIG", "RESETSTAT");
        same("CONFIG", "RESETSTAT", "x");
        same("CONFIG", "NOPE");
        same("CONFIG");
        List<String> r = ClientDiffTest.lines(redis.call("CONFIG", "HELP").node());
        List<String> v = ClientDiffTest.lines(vellum.call("CONFIG", "HELP").node());
        List<String> withoutRewrite = new ArrayList<>(r);
        int i = withoutRewrite.indexOf("REWRITE");
        assertTrue(i > 0);
        withoutRewrite.remove(i);
        withoutRewrite.remove(i); // its description: Vellum has no CONFIG REWRITE
        assertEquals(withoutRewrite, v);
    }

    @Test
    void everyDirectiveRoundTrips() {
        for (ConfigParam<?> p : config().params()) {
            if (p.mutable()) {
                willChange(p.name());
                String v = value(vellum, p.name());
                assertEquals("+OK\\r\\n", vellum.call("CONFIG", "SET", p.name(), v).text(), p.name() + " " + v);
                assertEquals(v, value(vellum, p.name()));
            } else {
                assertTrue(vellum.call("CONFIG", "SET", p.name(), "1").text().contains("can't set immutable config"), p.name());
            }
        }
    }
}
