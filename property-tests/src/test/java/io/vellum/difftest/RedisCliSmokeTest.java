package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.reply.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real {@code redis-cli} (redis-tools) against the in-process server: one-shot commands,
 * and an interactive session on a pseudo-terminal ({@code script}, TERM=dumb), in which
 * redis-cli loads COMMAND DOCS for its help and hints. Outputs are compared with the same
 * redis-cli talking to the real redis-server.
 */
class RedisCliSmokeTest {
    @RegisterExtension
    static final InProcessServer server = new InProcessServer();

    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-cli"))) {
                return Path.of(dir, "redis-cli").toString();
            }
        }
        throw new AssertionError("redis-cli is not installed (Debian: apt-get install redis-tools; .ci/run does this)");
    }

    /** Runs redis-cli with {@code args} against {@code port}; stdout (stderr merged). */
    private static String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    /** An interactive session: {@code input} typed on a pseudo-terminal. */
    private static String interactive(int port, String input) {
        String line = binary() + " -h 127.0.0.1 -p " + port;
        return run(List.of("script", "-qec", line, "/dev/null"), input)
                .replace("127.0.0.1:" + port + ">", "prompt>");
    }

    private static String run(List<String> cmd, String input) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("TERM", "dumb");
            Process p = pb.start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("redis-cli did not finish: " + cmd);
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void oneShotCommands() {
        int port = server.port();
        assertEquals("PONG\n", cli(port, "PING"));
        assertEquals("OK\n", cli(port, "SET", "greeting", "hello world"));
        assertEquals("hello world\n", cli(port, "GET", "greeting"));
        assertEquals("(nil)\n", cli(port, "--no-raw", "GET", "missing"));
        assertEquals("\"hello world\"\n", cli(port, "--no-raw", "GET", "greeting"));
        assertTrue(cli(port, "INFO", "server").contains("redis_version:7.2.4\r\n"));
        assertTrue(cli(port, "CLIENT", "LIST").startsWith("id="));
        int oracle = RedisOracle.get().port();
        assertEquals(cli(oracle, "NOPE"), cli(port, "NOPE"));
        assertEquals(cli(oracle, "--no-raw", "NOPE"), cli(port, "--no-raw", "NOPE"));
    }

    @Test
    void commandRepliesPrintAsRedisOnes() {
        int oracle = RedisOracle.get().port();
        for (String[] args : new String[][] {{"COMMAND", "DOCS", "get"}, {"COMMAND", "DOCS", "set"}, {"COMMAND", "INFO", "set"},
                {"-3", "COMMAND", "DOCS", "set"}, {"-3", "COMMAND", "INFO", "get"}, {"--no-raw", "COMMAND", "DOCS", "get"},
                {"--no-raw", "COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v", "GET"}, {"-3", "--no-raw", "CONFIG", "GET", "hz"}}) {
            assertEquals(cli(oracle, args), cli(server.port(), args), String.join(" ", args));
        }
    }

    @Test
    void interactiveSessionUsesCommandDocs() {
        server.store.execute("CONFIG", "RESETSTAT");
        String input = "PING\nSET k v\nGET k\nHELP SET\nHELP CONFIG GET\nHELP GET\nQUIT\n";
        String vellum = interactive(server.port(), input);
        String redis = interactive(RedisOracle.get().port(), input);
        assertEquals(redis, vellum);
        assertTrue(vellum.contains("prompt> PONG"), vellum);
        assertTrue(vellum.contains("Set the string value of a key"), vellum); // HELP SET, from COMMAND DOCS
        // CLIENT SETINFO (7.2) is not in redis-cli 7.0's built-in help: its help comes from Vellum's COMMAND DOCS
        String setinfo = interactive(server.port(), "HELP CLIENT SETINFO\nQUIT\n");
        assertTrue(setinfo.contains("Sets information specific to the client or connection."), setinfo);
        Reply stats = server.store.execute("INFO", "commandstats");
        String text = new String(((Reply.Verbatim) stats).value(), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("cmdstat_command|docs:calls=2,"), "redis-cli asked COMMAND DOCS: " + text);
    }
}
