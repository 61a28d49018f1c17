package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * INFO, DEBUG, TIME, DBSIZE, FLUSHDB, FLUSHALL and SHUTDOWN's refusals against a real Redis.
 * INFO's values differ (pids, memory, uptime), so its structure is compared: the sections,
 * in order, and every field Redis 7.0 has (Vellum may have more: 7.2's and its own), plus
 * the values that are deterministic (command and error statistics after CONFIG RESETSTAT).
 * Latencystats is the one section Vellum does not render.
 */
class ServerDiffTest extends DifferentialTest {

    /** INFO text as section title -> (field -> value), in order. */
    static Map<String, Map<String, String>> sections(RespReader.Node n) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> cur = null;
        for (String line : ClientDiffTest.text(n).split("\r\n")) {
            if (line.startsWith("# ")) {
                cur = new LinkedHashMap<>();
                out.put(line.substring(2), cur);
            } else if (!line.isEmpty()) {
                int colon = line.indexOf(':');
                cur.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    private Map<String, Map<String, String>> redisInfo(String... args) {
        return sections(redis.call(cmd("INFO", args)).node());
    }

    private Map<String, Map<String, String>> vellumInfo(String... args) {
        return sections(vellum.call(cmd("INFO", args)).node());
    }

    private static String[] cmd(String first, String... rest) {
        String[] c = new String[rest.length + 1];
        c[0] = first;
        System.arraycopy(rest, 0, c, 1, rest.length);
        return c;
    }

    @Test
    void infoSectionsAreRedis() {
        both("SET", "k", "v");
        for (String[] args : new String[][] {{}, {"default"}, {"all"}, {"everything"}, {"server"}, {"SERVER"},
                {"clients", "server"}, {"Keyspace"}, {"commandstats"}, {"errorstats"}, {"nope"}, {"server", "nope"},
                {"cpu"}, {"modules"}, {"module_list"}, {"persistence", "stats", "replication", "memory"}, {"cluster"}}) {
            List<String> r = new ArrayList<>(redisInfo(args).keySet());
            r.remove("Latencystats");
            assertEquals(r, new ArrayList<>(vellumInfo(args).keySet()), "INFO " + String.join(" ", args));
        }
        assertEquals("", ClientDiffTest.text(vellum.call("INFO", "nope").node()));
        assertEquals(redis.call("INFO", "nope").node().type(), vellum.call("INFO", "nope").node().type());
    }

    @Test
    void infoFieldsAreRedisFields() {
        both("SET", "k", "v");
        Map<String, Map<String, String>> r = redisInfo("everything");
        Map<String, Map<String, String>> v = vellumInfo("everything");
        for (String section : List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Cluster", "Keyspace")) {
            List<String> missing = new ArrayList<>(r.get(section).keySet());
            missing.removeAll(v.get(section).keySet());
            assertTrue(missing.isEmpty(), section + " lacks " + missing);
        }
        Map<String, String> vs = v.get("Server");
        assertEquals("7.2.4", vs.get("redis_version")); // KnownDifferences VERSION
        assertTrue(vs.containsKey("vellum_version"));
        assertEquals(Integer.toString(VellumTarget.get().port()), vs.get("tcp_port"));
        for (String f : List.of("redis_mode", "arch_bits", "process_supervised", "hz", "configured_hz", "io_threads_active")) {
            assertEquals(r.get("Server").get(f), vs.get(f), f);
        }
        assertEquals(r.get("Clients").get("maxclients"), v.get("Clients").get("maxclients"));
        assertEquals(r.get("Replication").get("role"), v.get("Replication").get("role"));
        assertEquals(r.get("Cluster"), v.get("Cluster"));
        assertEquals(r.get("Keyspace").keySet(), v.get("Keyspace").keySet());
        assertEquals("keys=1,expires=0,avg_ttl=0", v.get("Keyspace").get("db0"));
        assertEquals(40, vs.get("run_id").length());
    }

    /** INFO memory counts the cached scripts and the loaded functions and libraries, as Redis does. */
    @Test
    void memorySectionCountsScriptsAndFunctions() {
        both("SCRIPT", "FLUSH");
        both("FUNCTION", "FLUSH");
        for (int i = 0; i < 3; i++) {
            both("SCRIPT", "LOAD", "return " + i);
        }
        both("EVAL", "return 'x'", "0");
        both("FUNCTION", "LOAD", "#!lua name=infolib\nredis.register_function('a', function() return 1 end)\n"
                + "redis.register_function('b', function() return 2 end)");
        for (String f : List.of("number_of_cached_scripts", "number_of_functions", "number_of_libraries")) {
            assertEquals(redisInfo("memory").get("Memory").get(f), vellumInfo("memory").get("Memory").get(f), f);
        }
        assertEquals("4", vellumInfo("memory").get("Memory").get("number_of_cached_scripts"));
        assertTrue(Long.parseLong(vellumInfo("memory").get("Memory").get("used_memory_scripts_eval")) > 0);
        both("SCRIPT", "FLUSH");
        both("FUNCTION", "FLUSH");
        assertEquals("0", vellumInfo("memory").get("Memory").get("number_of_cached_scripts"));
        assertEquals("0", vellumInfo("memory").get("Memory").get("number_of_libraries"));
    }

    @Test
    void keyspaceSection() {
        both("SET", "a", "1");
        both("SET", "b", "1", "EX", "1000");
        both("SELECT", "5");
        both("SET", "c", "1");
        same("INFO", "nope");
        Map<String, String> r = redisInfo("keyspace").get("Keyspace");
        Map<String, String> v = vellumInfo("keyspace").get("Keyspace");
        assertEquals(r.keySet(), v.keySet());
        assertEquals(r.get("db5"), v.get("db5"));
        assertTrue(v.get("db0").startsWith("keys=2,expires=1,avg_ttl="), v.get("db0"));
        long ttl = Long.parseLong(v.get("db0").substring(v.get("db0").lastIndexOf('=') + 1));
        assertTrue(ttl > 990_000 && ttl <= 1_000_000, v.get("db0"));
    }

    @Test
    void commandAndErrorStatistics() {
        both("CONFIG", "RESETSTAT");
        both("SET", "a", "1");
        both("GET", "a");
        both("GET", "a");
        both("GET");
        both("SET", "a", "b", "NX", "XX");
        both("NOPE");
        both("CONFIG", "GET", "hz");
        both("CONFIG", "NOPE");
        both("MULTI");
        both("SET", "x", "1");
        both("NOPE");
        both("EXEC");
        both("MULTI");
        both("SET", "x", "1", "EX", "-5");
        both("EXEC");
        both("EXEC", "x");
        both("DEBUG", "NOPE");
        Map<String, Map<String, String>> r = redisInfo("commandstats", "errorstats", "stats");
        Map<String, Map<String, String>> v = vellumInfo("commandstats", "errorstats", "stats");
        assertEquals(withoutUsec(r.get("Commandstats")), withoutUsec(v.get("Commandstats")));
        assertEquals(r.get("Errorstats"), v.get("Errorstats"));
        assertEquals(r.get("Stats").get("total_error_replies"), v.get("Stats").get("total_error_replies"));
    }

    /** cmdstat_x: calls, rejected_calls, failed_calls (usec values differ). */
    private static Map<String, String> withoutUsec(Map<String, String> stats) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : stats.entrySet()) {
            StringBuilder sb = new StringBuilder();
            for (String kv : e.getValue().split(",")) {
                if (!kv.startsWith("usec")) {
                    sb.append(kv).append(',');
                }
            }
            out.put(e.getKey(), sb.toString());
        }
        return out;
    }

    @Test
    void debugDigests() {
        same("DEBUG", "DIGEST");
        both("SET", "a", "hello");
        same("DEBUG", "DIGEST");
        both("SET", "b", "12345");
        both("SET", "c", "x", "EX", "1000");
        both("SELECT", "3");
        both("SET", "a", "other db");
        same("DEBUG", "DIGEST");
        same("DEBUG", "DIGEST-VALUE", "a", "missing");
        both("SELECT", "0");
        same("DEBUG", "DIGEST-VALUE", "a", "b", "c", "a");
        same("DEBUG", "DIGEST-VALUE");
        both("DEL", "a", "b", "c");
        both("SELECT", "3");
        both("DEL", "a");
        same("DEBUG", "DIGEST");
    }

    @Test
    void debugOthers() {
        same("DEBUG", "SLEEP", "0");
        same("DEBUG", "SLEEP", "abc");
        same("DEBUG", "SLEEP", "0.01");
        same("DEBUG", "SLEEP");
        same("DEBUG", "DIGEST", "x");
        same("DEBUG", "NOPE");
        same("DEBUG");
        same("debug", "sleep", "0", "1");
        List<String> r = ClientDiffTest.lines(redis.call("DEBUG", "HELP").node());
        List<String> v = ClientDiffTest.lines(vellum.call("DEBUG", "HELP").node());
        ClientDiffTest.assertInOrder(v, r, "DEBUG HELP");
    }

    /** A standalone server's answers to the cluster commands, which clients use to tell the modes apart. */
    @Test
    void clusterCommandsSayClusterSupportIsDisabled() {
        same("CLUSTER", "INFO");
        same("CLUSTER", "SLOTS");
        same("CLUSTER", "SHARDS");
        same("CLUSTER", "NODES");
        same("CLUSTER", "MYID");
        same("CLUSTER", "KEYSLOT", "foo");
        same("CLUSTER", "HELP");
        same("CLUSTER", "RESET", "HARD");
        same("CLUSTER");
        same("CLUSTER", "INFO", "extra");
        same("CLUSTER", "nosuch");
        same("READONLY");
        same("READWRITE");
        same("ASKING");
        same("EVAL", "return redis.pcall('cluster', 'info')", "0");
        same("EVAL", "return redis.pcall('cluster', 'reset')", "0");
    }

    /** MEMORY USAGE: nil, errors and key extraction as Redis; the estimate itself is Vellum's (KnownDifferences MEMORY_USAGE). */
    @Test
    void memoryUsage() {
        same("MEMORY", "USAGE", "nosuch");
        both("SET", "mu:s", "x".repeat(100));
        both("RPUSH", "mu:l", "a", "b", "c");
        both("HSET", "mu:h", "f", "v", "g", "w");
        both("SADD", "mu:set", "a", "b");
        both("ZADD", "mu:z", "1", "a", "2", "b");
        both("XADD", "mu:x", "1-1", "f", "v");
        same("MEMORY", "USAGE", "mu:s", "SAMPLES", "-1");
        same("MEMORY", "USAGE", "mu:s", "SAMPLES", "x");
        same("MEMORY", "USAGE", "mu:s", "SAMPLES");
        same("MEMORY", "USAGE", "mu:s", "BOGUS", "1");
        same("MEMORY", "USAGE");
        same("MEMORY");
        same("MEMORY", "nosuch");
        same("COMMAND", "GETKEYS", "MEMORY", "USAGE", "mu:s");
        for (String k : List.of("mu:s", "mu:l", "mu:h", "mu:set", "mu:z", "mu:x")) {
            for (String[] args : List.of(new String[] {"MEMORY", "USAGE", k}, new String[] {"MEMORY", "USAGE", k, "SAMPLES", "0"})) {
                RespReader.Node r = redis.call(args).node();
                RespReader.Node v = vellum.call(args).node();
                assertEquals(r.type(), v.type(), k);
                assertTrue(Long.parseLong(v.scalarText()) > 0, k);
            }
        }
        long small = Long.parseLong(vellum.call("MEMORY", "USAGE", "mu:s").node().scalarText());
        both("SET", "mu:s", "x".repeat(10_000));
        long big = Long.parseLong(vellum.call("MEMORY", "USAGE", "mu:s").node().scalarText());
        assertTrue(big > small + 9_000, small + " then " + big);
        long fewFields = Long.parseLong(vellum.call("MEMORY", "USAGE", "mu:h", "SAMPLES", "0").node().scalarText());
        for (int i = 0; i < 200; i++) {
            both("HSET", "mu:h", "field" + i, "value" + i);
        }
        long manyFields = Long.parseLong(vellum.call("MEMORY", "USAGE", "mu:h", "SAMPLES", "0").node().scalarText());
        assertTrue(manyFields > fewFields * 50, fewFields + " then " + manyFields);
    }

    @Test
    void dbsizeFlushAndTime() {
        same("DBSIZE");
        both("SET", "a", "1");
        both("SET", "b", "1");
        same("DBSIZE");
        same("DBSIZE", "x");
        same("FLUSHDB", "nope");
        same("FLUSHDB", "ASYNC", "SYNC");
        same("FLUSHDB", "sync");
        same("DBSIZE");
        both("SET", "a", "1");
        both("SELECT", "1");
        both("SET", "a", "1");
        same("FLUSHALL", "nope");
        same("FLUSHALL", "ASYNC");
        same("DBSIZE");
        both("SELECT", "0");
        same("DBSIZE");
        sameShape("TIME");
        same("TIME", "x");
        long now = System.currentTimeMillis() / 1000;
        long vt = Long.parseLong(vellum.call("TIME").node().children().get(0).scalarText());
        assertTrue(Math.abs(vt - now) <= 2, "TIME seconds");
    }

    @Test
    void randomServerAndConnectionCommands() {
        List<String> names = new ArrayList<>();
        for (io.vellum.core.command.CommandSpec c : VellumTarget.get().store().engine().table().commands()) {
            // containers list only the subcommands Vellum has: CommandDiffTest compares them entry by entry
            if (!c.hasSubcommands() && !KnownDifferences.table72().contains(c.fullName())) {
                names.add(c.fullName());
            }
        }
        names.add("nope");
        String[] values = {"0", "1", "-1", "10", "99999999999", "abc", "", "5mb", "yes"};
        try {
            RandomCommands.run(this, "server", RandomCommands.seed(), RandomCommands.commands(400), r -> {
                String v = values[r.nextInt(values.length)];
                String k = "k" + r.nextInt(4);
                return switch (r.nextInt(16)) {
                    case 0 -> RandomCommands.Step.exact("PING");
                    case 1 -> RandomCommands.Step.exact("ECHO", v);
                    case 2 -> RandomCommands.Step.exact("SELECT", r.nextBoolean() ? Integer.toString(r.nextInt(18)) : v);
                    case 3 -> RandomCommands.Step.exact("DBSIZE");
                    case 4 -> RandomCommands.Step.exact("SET", k, v);
                    case 5 -> RandomCommands.Step.exact("DEL", k);
                    case 6 -> RandomCommands.Step.exact("CLIENT", "SETNAME", r.nextBoolean() ? "n" + v : v + " x");
                    case 7 -> RandomCommands.Step.exact("CLIENT", "GETNAME");
                    case 8 -> RandomCommands.Step.exact("CONFIG", "SET", r.nextBoolean() ? "hz" : "timeout", v);
                    case 9 -> RandomCommands.Step.exact("CONFIG", "GET", r.nextBoolean() ? "hz" : "timeout");
                    case 10 -> RandomCommands.Step.exact("COMMAND", "INFO", names.get(r.nextInt(names.size())));
                    case 11 -> RandomCommands.Step.exact("COMMAND", "DOCS", names.get(r.nextInt(names.size())));
                    case 12 -> RandomCommands.Step.exact("COMMAND", "GETKEYS", "SET", k, v, r.nextBoolean() ? "GET" : "NX");
                    case 13 -> RandomCommands.Step.exact("DEBUG", "DIGEST");
                    case 14 -> RandomCommands.Step.exact("DEBUG", "DIGEST-VALUE", k, "k" + r.nextInt(4));
                    default -> RandomCommands.Step.exact(r.nextInt(20) == 0 ? "FLUSHDB" : "EXISTS", k);
                };
            });
        } finally {
            both("CONFIG", "SET", "hz", "10", "timeout", "0");
        }
    }

    @Test
    void shutdownRefusals() {
        same("SHUTDOWN", "nope");
        same("SHUTDOWN", "SAVE", "NOSAVE");
        same("SHUTDOWN", "ABORT");
        same("SHUTDOWN", "ABORT", "NOW");
        same("SHUTDOWN", "NOSAVE", "NOW", "FORCE", "x");
        same("MULTI");
        same("SHUTDOWN");
        same("EXEC");
    }
}
