package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ACL for the one user both servers have here ("default", all permissions, requirepass as its
 * password), against a real Redis: WHOAMI, USERS, LIST and GETUSER with and without a password,
 * CAT, GENPASS, DRYRUN and their errors. The rule-editing subcommands are not built
 * (KnownDifferences ACL_DEFAULT_USER).
 */
class AclDiffTest extends DifferentialTest {

    @AfterEach
    void noPassword() {
        both("CONFIG", "SET", "requirepass", "");
    }

    @Test
    void theDefaultUser() {
        same("ACL", "WHOAMI");
        same("ACL", "USERS");
        same("ACL", "LIST");
        same("ACL", "GETUSER", "default");
        same("ACL", "GETUSER", "nobody");
        same("ACL", "GETUSER", "Default");
        both("CONFIG", "SET", "requirepass", "s3cret");
        same("ACL", "LIST");
        same("ACL", "GETUSER", "default");
        same("ACL", "WHOAMI", "extra");
        same("ACL", "USERS", "extra");
        same("ACL", "GETUSER");
        same("ACL", "nosuch");
        same("ACL");
    }

    @Test
    void categories() {
        same("ACL", "CAT");
        same("ACL", "CAT", "nosuch");
        same("ACL", "CAT", "read", "extra");
        for (String cat : List.of("hyperloglog", "scripting", "transaction", "STRING", "pubsub", "admin")) {
            Set<String> r = names(redis.call("ACL", "CAT", cat).node());
            Set<String> v = names(vellum.call("ACL", "CAT", cat).node());
            // Vellum lists what it has (its own vellum.* commands aside); each of those Redis
            // lists under the same category, and every command of Redis's list that Vellum has
            // is in Vellum's
            v.removeIf(c -> c.startsWith("vellum."));
            assertTrue(r.containsAll(v), cat + ": " + v + " not all in " + r);
            Set<String> bound = names(vellum.call("COMMAND", "LIST").node());
            for (String c : r) {
                if (bound.contains(c)) {
                    assertTrue(v.contains(c), cat + ": " + c + " missing");
                }
            }
            assertTrue(!v.isEmpty(), cat);
        }
    }

    private static Set<String> names(RespReader.Node n) {
        Set<String> out = new HashSet<>();
        for (RespReader.Node c : n.children()) {
            out.add(c.scalarText());
        }
        return out;
    }

    @Test
    void genpassAndDryrun() {
        for (String[] args : List.of(new String[] {"ACL", "GENPASS"}, new String[] {"ACL", "GENPASS", "32"},
                new String[] {"ACL", "GENPASS", "1"}, new String[] {"ACL", "GENPASS", "4096"})) {
            String r = redis.call(args).node().scalarText();
            String v = vellum.call(args).node().scalarText();
            assertEquals(r.length(), v.length(), String.join(" ", args));
            assertTrue(v.matches("[0-9a-f]+"), v);
        }
        same("ACL", "GENPASS", "0");
        same("ACL", "GENPASS", "4097");
        same("ACL", "GENPASS", "x");
        same("ACL", "GENPASS", "1", "2");
        same("ACL", "DRYRUN", "default", "get", "x");
        same("ACL", "DRYRUN", "default", "SET", "x", "y");
        same("ACL", "DRYRUN", "nobody", "get", "x");
        same("ACL", "DRYRUN", "default", "nosuchcmd");
        same("ACL", "DRYRUN", "default", "get");
        same("ACL", "DRYRUN", "default", "config", "get", "x");
        same("ACL", "DRYRUN", "default");
    }
}
