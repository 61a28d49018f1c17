package io.vellum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.core.command.CommandSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README.md's list of supported commands is generated from the command table of the store
 * the {@code Vellum} façade builds; this test fails when the list is out of date. Regenerate
 * it with:
 *
 * <pre>mvn -q -B test -pl server -am -Dtest=ReadmeCommandsTest -Dsurefire.failIfNoSpecifiedTests=false -Dvellum.updateReadme=true</pre>
 */
class ReadmeCommandsTest {
    static final String START = "<!-- commands:start (generated from the command table by ReadmeCommandsTest; do not edit) -->";
    static final String END = "<!-- commands:end -->";
    /** Redis's command groups, in its order (server.c COMMAND_GROUP_STR). */
    static final List<String> GROUPS = List.of("generic", "string", "list", "set", "sorted-set", "hash", "pubsub",
            "transactions", "connection", "server", "scripting", "hyperloglog", "cluster", "sentinel", "geo", "stream",
            "bitmap", "module");

    /** The generated section: one line per group, commands in alphabetical order. */
    static String commandList() {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (String g : GROUPS) {
            byGroup.put(g, new ArrayList<>());
        }
        // A store on a directory, as `vellum server` opens: it has the log's and snapshots' commands.
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("vellum-readme");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Vellum store = Vellum.builder().dir(dir).configure(c -> c.save.set(List.of())).open()) {
            for (CommandSpec spec : store.engine().table().commands()) {
                if (spec.handler() != null) {
                    add(byGroup, spec, spec.fullName());
                }
                for (CommandSpec sub : spec.subcommands()) {
                    add(byGroup, sub, sub.fullName().replace('|', ' '));
                }
            }
        } finally {
            deleteTree(dir);
        }
        StringBuilder out = new StringBuilder(START).append("\n\n");
        int total = 0;
        for (Map.Entry<String, List<String>> e : byGroup.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            e.getValue().sort(null);
            total += e.getValue().size();
            out.append("- **").append(e.getKey()).append("** (").append(e.getValue().size()).append("): ");
            for (int i = 0; i < e.getValue().size(); i++) {
                out.append(i == 0 ? "" : ", ").append('`').append(e.getValue().get(i)).append('`');
            }
            out.append('\n');
        }
        out.append("\n").append(total).append(" commands and subcommands.\n\n").append(END);
        return out.toString();
    }

    private static void add(Map<String, List<String>> byGroup, CommandSpec spec, String name) {
        String group = spec.def().getDocs().getGroup();
        byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(name.toUpperCase(Locale.ROOT));
    }

    @Test
    void readmeListsTheBoundCommands() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, "README.md has no generated command list between " + START + " and " + END);
        String current = text.substring(start, end + END.length());
        String expected = commandList();
        if (Boolean.getBoolean("vellum.updateReadme")) {
            Files.writeString(readme, text.substring(0, start) + expected + text.substring(end + END.length()), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, current, "README.md's command list is out of date; regenerate it with: mvn -q -B test -pl server -am "
                + "-Dtest=ReadmeCommandsTest -Dsurefire.failIfNoSpecifiedTests=false -Dvellum.updateReadme=true");
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
