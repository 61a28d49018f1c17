package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code redis-cli --ldb --eval} against the in-process server: debugger commands
 * typed on its stdin, its whole output compared with the same session against the real
 * redis-server (whose SCRIPT DEBUG YES forks), plus assertions on what the session shows;
 * and {@code redis-cli --ldb-sync-mode}, whose session keeps the script's writes.
 */
class LdbCliTest {
    @RegisterExtension
    static final InProcessServer server = new InProcessServer();

    @TempDir
    static Path dir;

    private static final String SCRIPT = String.join("\n",
            "local a = redis.call('SET', KEYS[1], ARGV[1])",
            "local b = 10",
            "redis.debug('hello', b, {1, 2})",
            "for i = 1, 2 do",
            "  b = b + i",
            "end",
            "redis.breakpoint()",
            "local t = {x = 1}",
            "return redis.call('GET', KEYS[1])",
            "");

    private static String cli(int port, String input, String... args) {
        List<String> cmd = new ArrayList<>(List.of(RedisCliSmokeTest.binary(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
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
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One debugging session of {@code script} on both servers; Vellum's output, checked equal to Redis's. */
    private static String session(String name, String script, String input, String... keysAndArgs) throws IOException {
        return modeSession("--ldb", name, script, input, keysAndArgs);
    }

    /** {@code mode}: --ldb (SCRIPT DEBUG YES) or --ldb-sync-mode (SCRIPT DEBUG SYNC). */
    private static String modeSession(String mode, String name, String script, String input, String... keysAndArgs) throws IOException {
        Path file = dir.resolve(name + ".lua");
        Files.writeString(file, script, StandardCharsets.ISO_8859_1);
        List<String> args = new ArrayList<>(List.of(mode, "--eval", file.toString()));
        args.addAll(List.of(keysAndArgs));
        String[] a = args.toArray(new String[0]);
        String redis = cli(RedisOracle.get().port(), input, a);
        String vellum = cli(server.port(), input, a);
        assertEquals(redis, vellum, "redis-cli --ldb output differs from redis-server's");
        return strip(vellum);
    }

    /** Without redis-cli's colour escapes. */
    private static String strip(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Test
    void stepsPrintsAndReturnsTheReply() throws IOException {
        String out = session("steps", SCRIPT, "s\np b\nn\nn\np\np KEYS\np ARGV\np nosuch\nb 9\nb\nc\nc\nc\n", "ldb:k1", ",", "v1");
        assertTrue(out.contains("* Stopped at 1, stop reason = step over\n-> 1   local a = redis.call('SET', KEYS[1], ARGV[1])\n"), out);
        assertTrue(out.contains("<redis> SET ldb:k1 v1\n<reply> \"+OK\"\n* Stopped at 2, stop reason = step over\n"), out);
        assertTrue(out.contains("No such variable.\n"), out);
        assertTrue(out.contains("<debug> line 3: \"hello\", 10, {1; 2}\n"), out);
        assertTrue(out.contains("<value> a = {[\"ok\"]=\"OK\"}\n<value> b = 10\n"), out);
        assertTrue(out.contains("<value> {\"ldb:k1\"}\n<value> {\"v1\"}\n"), out);
        assertTrue(out.contains("* Stopped at 8, stop reason = redis.breakpoint() called\n"), out);
        assertTrue(out.endsWith("\n\"v1\"\n\n(Lua debugging session ended -- dataset changes rolled back)\n\n"), out);
        // rolled back: the key the script set does not exist outside the session
        assertEquals("\n", cli(server.port(), null, "GET", "ldb:k1"));
    }

    @Test
    void listWholeBreakEvalRedisMaxlenHelp() throws IOException {
        cli(RedisOracle.get().port(), null, "SET", "ldb:big", "x".repeat(300));
        cli(server.port(), null, "SET", "ldb:big", "x".repeat(300));
        String out = session("list", SCRIPT,
                "l\nl 5 1\nw\nb 5\nb -5\nb -5\nb 0\nb 99\nb x\ne b\ne 1 + 2\ne redis.call('GET', KEYS[1])\ne error('boom')\n"
                        + "r get ldb:big\nm 70\nr get ldb:big\nm 0\nm\nr incr ldb:big\nh\nzz\nt\nc\nc\n",
                "ldb:k2", ",", "v2");
        assertTrue(out.contains("-> 1   local a = redis.call('SET', KEYS[1], ARGV[1])\n   2   local b = 10\n"), out);
        assertTrue(out.contains("   4   for i = 1, 2 do\n  #5     b = b + i\n   6   end\n"), out);
        assertTrue(out.contains("Breakpoint removed.\nNo breakpoint in the specified line.\nAll breakpoints removed.\nWrong line number.\n"), out);
        assertTrue(out.contains("<retval> 3\n"), out);
        assertTrue(out.contains("<error> ldb_eval:1: boom\n"), out);
        assertTrue(out.contains("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.\n"), out);
        assertTrue(out.contains("<reply> \"-ERR value is not an integer or out of range\"\n"), out);
        assertTrue(out.contains("<error> Unknown Redis Lua debugger command or wrong number of arguments.\n"), out);
        assertTrue(out.contains("Redis Lua debugger help:\n"), out);
        assertTrue(out.contains("In top level:\n-> 1   "), out);
    }

    @Test
    void syncModeStepsThroughTheScriptAndKeepsItsWrites() throws IOException {
        for (int port : new int[] {RedisOracle.get().port(), server.port()}) {
            cli(port, null, "DEL", "ldbsync:k1");
        }
        String out = modeSession("--ldb-sync-mode", "sync", SCRIPT, "s\nn\np a\nb 9\nc\nc\np\nc\n", "ldbsync:k1", ",", "v1");
        assertTrue(out.contains("* Stopped at 1, stop reason = step over\n-> 1   local a = redis.call('SET', KEYS[1], ARGV[1])\n"), out);
        assertTrue(out.contains("<redis> SET ldbsync:k1 v1\n<reply> \"+OK\"\n* Stopped at 2, stop reason = step over\n"), out);
        assertTrue(out.contains("<value> {[\"ok\"]=\"OK\"}\n"), out);
        assertTrue(out.contains("* Stopped at 8, stop reason = redis.breakpoint() called\n"), out);
        assertTrue(out.contains("* Stopped at 9, stop reason = break point\n"), out);
        assertTrue(out.endsWith("\n\"v1\"\n\n(Lua debugging session ended)\n\n"), out);
        // kept: the key the script set exists after the session, on both servers
        assertEquals("v1\n", cli(server.port(), null, "GET", "ldbsync:k1"));
        assertEquals("v1\n", cli(RedisOracle.get().port(), null, "GET", "ldbsync:k1"));
    }

    @Test
    void abortEndsTheScript() throws IOException {
        String out = session("abort", SCRIPT, "n\na\n", "ldb:k3", ",", "v3");
        assertTrue(out.contains("* Stopped at 2, stop reason = step over\n"), out);
        assertTrue(out.contains("script aborted for user request"), out);
    }

    @Test
    void breakpointsAcrossLoopsAndFunctions() throws IOException {
        String script = String.join("\n",
                "local function add(x, y)",
                "  local s = x + y",
                "  return s",
                "end",
                "local total = 0",
                "for i = 1, 3 do",
                "  total = add(total, i)",
                "end",
                "return total",
                "");
        String out = session("loops", script, "b 2\nc\np\np total\nc\nb 0\nb 9\nc\np total\nc\n");
        // Lua 5.1 puts the closure of a local function on its "end" line: the first stop
        assertTrue(out.contains("* Stopped at 4, stop reason = step over\n-> 4   end\n"), out);
        assertTrue(out.contains("* Stopped at 2, stop reason = break point\n->#2     local s = x + y\n<value> x = 0\n<value> y = 1\n<value> 0\n"), out);
        assertTrue(out.contains("->#9   return total\n<value> 6\n"), out);
        assertTrue(out.endsWith("\n(integer) 6\n\n(Lua debugging session ended -- dataset changes rolled back)\n\n"), out);
    }
}
