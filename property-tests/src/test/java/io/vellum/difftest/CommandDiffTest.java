package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.command.CommandSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * COMMAND, COMMAND COUNT/INFO/DOCS/GETKEYS/GETKEYSANDFLAGS/LIST/HELP against a real Redis.
 *
 * <p>Vellum lists only the commands it binds, so whole-table replies are compared entry by
 * entry: every entry Vellum gives must be byte-identical to Redis's entry for that name
 * (Redis orders the table by hash; the order is not compared). Subcommands of a container
 * are compared the same way. Entries edited for Redis 7.2 (KnownDifferences.TABLE_72) are
 * checked to exist, not compared with the 7.0 oracle.
 */
class CommandDiffTest extends DifferentialTest {

    private static List<CommandSpec> bound() {
        return VellumTarget.get().store().engine().table().commands();
    }

    @Test
    void commandInfoOfEveryBoundCommandIsRedis() {
        for (CommandSpec spec : bound()) {
            String name = spec.fullName();
            if (!spec.hasSubcommands()) {
                if (!KnownDifferences.table72().contains(name)) {
                    same("COMMAND", "INFO", name);
                }
                continue;
            }
            RespReader.Node r = redis.call("COMMAND", "INFO", name).node().children().get(0);
            RespReader.Node v = vellum.call("COMMAND", "INFO", name).node().children().get(0);
            sameInfoEntry(r, v);
            for (CommandSpec sub : spec.subcommands()) {
                if (!KnownDifferences.table72().contains(sub.fullName())) {
                    same("COMMAND", "INFO", sub.fullName());
                }
            }
        }
    }

    /** A COMMAND INFO entry: all but the subcommands byte-equal, each Vellum subcommand equal to Redis's. */
    private static void sameInfoEntry(RespReader.Node r, RespReader.Node v) {
        assertEquals(10, v.children().size(), "entry size");
        String name = v.children().get(0).scalarText();
        for (int i = 0; i < 9; i++) {
            assertEquals(r.children().get(i).toString(), v.children().get(i).toString(), name + " field " + i);
        }
        RespReader.Node rs = r.children().get(9);
        RespReader.Node vs = v.children().get(9);
        assertEquals(rs.type(), vs.type(), name + " subcommands type");
        Map<String, String> bySub = new HashMap<>();
        for (RespReader.Node e : rs.children()) {
            bySub.put(e.children().get(0).scalarText(), e.toString());
        }
        for (RespReader.Node e : vs.children()) {
            String sub = e.children().get(0).scalarText();
            if (KnownDifferences.table72().contains(sub)) {
                continue;
            }
            assertEquals(bySub.get(sub), e.toString(), name + " subcommand " + sub);
        }
    }

    @Test
    void commandDocsOfEveryBoundCommandIsRedis() {
        for (CommandSpec spec : bound()) {
            String name = spec.fullName();
            if (!spec.hasSubcommands()) {
                if (!KnownDifferences.table72().contains(name)) {
                    same("COMMAND", "DOCS", name);
                }
                continue;
            }
            Map<String, RespReader.Node> r = pairs(redis.call("COMMAND", "DOCS", name).node().children().get(1));
            Map<String, RespReader.Node> v = pairs(vellum.call("COMMAND", "DOCS", name).node().children().get(1));
            assertEquals(r.keySet(), v.keySet(), name + " docs fields");
            for (String field : v.keySet()) {
                if (!field.equals("subcommands")) {
                    assertEquals(r.get(field).toString(), v.get(field).toString(), name + " docs " + field);
                }
            }
            Map<String, RespReader.Node> rsubs = pairs(r.get("subcommands"));
            Map<String, RespReader.Node> vsubs = pairs(v.get("subcommands"));
            for (Map.Entry<String, RespReader.Node> e : vsubs.entrySet()) {
                if (KnownDifferences.table72().contains(e.getKey())) {
                    continue;
                }
                assertNotNull(rsubs.get(e.getKey()), "redis has " + e.getKey());
                assertEquals(rsubs.get(e.getKey()).toString(), e.getValue().toString(), "docs of " + e.getKey());
                same("COMMAND", "DOCS", e.getKey());
            }
        }
    }

    /** The entries of a map reply (RESP3 map or RESP2 flat array), by key text. */
    private static Map<String, RespReader.Node> pairs(RespReader.Node n) {
        Map<String, RespReader.Node> m = new HashMap<>();
        for (int i = 0; i + 1 < n.children().size(); i += 2) {
            m.put(n.children().get(i).scalarText(), n.children().get(i + 1));
        }
        return m;
    }

    @Test
    void wholeTableRepliesListExactlyTheBoundCommands() {
        Set<String> names = new HashSet<>();
        for (CommandSpec s : bound()) {
            names.add(s.fullName());
        }
        RespReader.Node all = vellum.call("COMMAND").node();
        assertEquals(names.size(), all.children().size());
        Set<String> listed = new HashSet<>();
        for (RespReader.Node e : all.children()) {
            String name = e.children().get(0).scalarText();
            listed.add(name);
            if (!KnownDifferences.table72().contains(name)) {
                RespReader.Node r = redis.call("COMMAND", "INFO", name).node().children().get(0);
                sameInfoEntry(r, e);
            }
        }
        assertEquals(names, listed);
        assertEquals(all.toString(), vellum.call("COMMAND", "INFO").node().toString());
        RespReader.Node count = vellum.call("COMMAND", "COUNT").node();
        assertEquals(Integer.toString(names.size()), count.scalarText());
        RespReader.Node docs = vellum.call("COMMAND", "DOCS").node();
        assertEquals(names, pairs(docs).keySet());
    }

    @Test
    void commandInfoAndDocsOfUnknownNames() {
        same("COMMAND", "INFO", "nope");
        same("COMMAND", "INFO", "get", "nope", "GET", "Get");
        same("COMMAND", "DOCS", "nope");
        same("COMMAND", "DOCS", "nope", "get", "nope");
        same("COMMAND", "INFO", "config|get", "CONFIG|GET", "config|nope", "get|x");
        same("COMMAND", "DOCS", "config|get");
    }

    @Test
    void getKeys() {
        keys("GETKEYS", "get", "a");
        keys("GETKEYS", "GET", "a");
        keys("GETKEYS", "mset", "a", "1", "b", "2");
        keys("GETKEYS", "mget", "a", "b", "c");
        keys("GETKEYS", "set", "a", "b", "get");
        keys("GETKEYS", "set", "a", "b", "ex", "10");
        keys("GETKEYS", "del", "a", "b");
        keys("GETKEYS", "bitop", "and", "d", "a", "b");
        keys("GETKEYS", "lcs", "a", "b");
        keys("GETKEYS", "bitfield", "k", "get", "u8", "0");
        keys("GETKEYS", "exists", "a");
        // errors
        same("COMMAND", "GETKEYS");
        keys("GETKEYS", "nope", "a");
        keys("GETKEYS", "get");
        keys("GETKEYS", "get", "a", "b");
        keys("GETKEYS", "ping", "x");
        keys("GETKEYS", "config", "get", "x");
        keys("GETKEYS", "config", "nope", "x");
        keys("GETKEYS", "config");
        keys("GETKEYS", "mset", "a");
    }

    /**
     * COMMAND GETKEYS/GETKEYSANDFLAGS of a command: compared with Redis when Vellum binds the
     * command, else Vellum must call it an invalid command (it is not one of its commands).
     */
    private void keys(String sub, String... rest) {
        String[] cmd = new String[rest.length + 2];
        cmd[0] = "COMMAND";
        cmd[1] = sub;
        System.arraycopy(rest, 0, cmd, 2, rest.length);
        if (rest.length < 2 || VellumTarget.get().store().engine().table().lookup(rest[0]) != null) {
            same(cmd);
        } else {
            RespReader.Node v = vellum.call(cmd).node();
            assertEquals("-ERR Invalid command specified", v.type() + v.scalarText());
        }
    }

    @Test
    void getKeysAndFlags() {
        keys("GETKEYSANDFLAGS", "get", "a");
        keys("GETKEYSANDFLAGS", "set", "a", "b");
        keys("GETKEYSANDFLAGS", "set", "a", "b", "GET");
        keys("GETKEYSANDFLAGS", "set", "a", "b", "nx", "get", "px", "5");
        keys("GETKEYSANDFLAGS", "mset", "a", "1", "b", "2");
        keys("GETKEYSANDFLAGS", "bitfield", "k", "get", "u8", "0");
        keys("GETKEYSANDFLAGS", "bitfield", "k", "get", "u8", "0", "overflow", "wrap");
        keys("GETKEYSANDFLAGS", "bitfield", "k", "set", "u8", "0", "1");
        keys("GETKEYSANDFLAGS", "bitfield", "k", "get", "u8");
        keys("GETKEYSANDFLAGS", "getdel", "a");
        keys("GETKEYSANDFLAGS", "copy", "a", "b");
        keys("GETKEYSANDFLAGS", "rename", "a", "b");
        keys("GETKEYSANDFLAGS", "del", "a", "b");
        keys("GETKEYSANDFLAGS", "nope");
    }

    @Test
    void list() {
        Set<String> names = new HashSet<>();
        for (CommandSpec s : bound()) {
            names.add(s.fullName());
            for (CommandSpec sub : s.subcommands()) {
                names.add(sub.fullName());
            }
        }
        assertEquals(names, scalars(vellum.call("COMMAND", "LIST").node()));
        for (String[] filter : new String[][] {{"pattern", "g*"}, {"PATTERN", "*|*"}, {"aclcat", "string"},
                {"ACLCAT", "Fast"}, {"aclcat", "connection"}, {"aclcat", "nope"}, {"module", "x"}, {"pattern", "nothing"}}) {
            Set<String> r = scalars(redis.call("COMMAND", "LIST", "FILTERBY", filter[0], filter[1]).node());
            Set<String> v = scalars(vellum.call("COMMAND", "LIST", "FILTERBY", filter[0], filter[1]).node());
            r.retainAll(names);
            v.removeAll(KnownDifferences.table72());
            r.removeAll(KnownDifferences.table72());
            assertEquals(r, v, String.join(" ", filter));
        }
        same("COMMAND", "LIST", "FILTERBY", "foo", "x");
        same("COMMAND", "LIST", "FILTERBY", "pattern");
        same("COMMAND", "LIST", "x");
        same("COMMAND", "LIST", "FILTERBY", "pattern", "a", "b");
    }

    private static Set<String> scalars(RespReader.Node n) {
        Set<String> out = new HashSet<>();
        for (RespReader.Node c : n.children()) {
            out.add(c.scalarText());
        }
        return out;
    }

    @Test
    void helpAndArity() {
        same("COMMAND", "HELP");
        same("command", "help");
        same("COMMAND", "HELP", "x");
        same("COMMAND", "COUNT", "x");
        same("COMMAND", "NOPE");
        same("COMMAND", "INFO", "get", "set", "del");
    }

    @Test
    void table72EditsArePresent() {
        List<String> missing = new ArrayList<>();
        for (String name : KnownDifferences.table72()) {
            RespReader.Node n = vellum.call("COMMAND", "INFO", name).node().children().get(0);
            if (n.children() == null && VellumTarget.get().store().engine().table().byFullName(name) != null) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "7.2 commands missing from COMMAND INFO: " + missing);
    }
}
