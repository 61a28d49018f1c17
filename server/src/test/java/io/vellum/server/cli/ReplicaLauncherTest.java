package io.vellum.server.cli;

import io.vellum.server.crashtest.RespClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's replicas as child processes: {@code vellum replica --follow-dir} (same host) and
 * {@code vellum server --replicaof} (TCP) follow a primary process; the follower is killed with
 * SIGKILL and restarted, and resumes from its own log; all three end with the same DEBUG DIGEST.
 * Three JVMs (about 70 s on a loaded 2-core machine): runs with {@code -Dvellum.soak=true}; the
 * in-process replication tests in property-tests cover the same behaviour by default.
 */
@EnabledIfSystemProperty(named = "vellum.soak", matches = "true")
class ReplicaLauncherTest {
    @TempDir
    Path tmp;

    @Test
    void sameHostAndTcpReplicaProcessesFollowThePrimaryAndSurviveKillNine() throws Exception {
        int pp = KillNineRecoveryTest.freePort();
        int fp = KillNineRecoveryTest.freePort();
        int tp = KillNineRecoveryTest.freePort();
        Path pdir = tmp.resolve("primary");
        Files.createDirectories(pdir);
        Process primary = LauncherProcess.start(tmp.resolve("server-primary.log").toFile(), "server", "--port",
                Integer.toString(pp), "--dir", pdir.toString());
        Process follower = startFollower(pdir, fp, 0);
        Process tcp = LauncherProcess.start(tmp.resolve("server-tcp.log").toFile(), "server", "--port", Integer.toString(tp),
                "--dir", tmp.resolve("tcp").toString(), "--replicaof", "127.0.0.1", Integer.toString(pp));
        try {
            awaitReady(primary, pp);
            awaitReady(follower, fp);
            awaitReady(tcp, tp);
            try (RespClient c = new RespClient(pp, 20_000)) {
                for (int i = 0; i < 300; i++) {
                    c.call("SADD", "s", "m" + i);
                    c.call("HSET", "h", "f" + (i % 50), "v" + i);
                    if (i == 150) {
                        follower.destroyForcibly();
                        follower.waitFor(30, TimeUnit.SECONDS);
                    }
                }
                assertEquals(1L, c.call("WAIT", "1", "20000"));
                follower = startFollower(pdir, fp, 1);
                awaitReady(follower, fp);
                String digest = (String) c.call("DEBUG", "DIGEST");
                awaitDigest(fp, digest);
                awaitDigest(tp, digest);
                try (RespClient r = new RespClient(tp, 20_000)) {
                    List<?> role = (List<?>) r.call("ROLE");
                    assertEquals("slave", role.get(0));
                    assertEquals((long) pp, role.get(2));
                    assertEquals(c.call("SMEMBERS", "s"), r.call("SMEMBERS", "s"));
                    assertEquals(new RespClient.Err("READONLY You can't write against a read only replica."),
                            r.call("SET", "x", "1"));
                }
                try (RespClient f = new RespClient(fp, 20_000)) {
                    assertEquals(c.call("HGETALL", "h"), f.call("HGETALL", "h"));
                }
            }
        } finally {
            for (Process p : List.of(tcp, follower, primary)) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Process startFollower(Path pdir, int port, int round) throws IOException {
        return LauncherProcess.start(tmp.resolve("server-follower-" + round + ".log").toFile(), "replica", "--follow-dir",
                pdir.toString(), "--port", Integer.toString(port), "--dir", tmp.resolve("follower").toString());
    }

    private void awaitDigest(int port, String digest) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object last = null;
        while (System.nanoTime() < deadline) {
            try (RespClient c = new RespClient(port, 20_000)) {
                last = c.call("DEBUG", "DIGEST");
                if (digest.equals(last)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("the replica on port " + port + " did not reach digest " + digest + " (has " + last + ")" + logs());
    }

    private void awaitReady(Process p, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("the process for port " + port + " exited with " + p.exitValue() + logs());
            }
            try (RespClient c = new RespClient(port, 20_000)) {
                if ("PONG".equals(c.call("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("the process for port " + port + " did not start" + logs());
    }

    private String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(tmp)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("server-")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p);
                sb.append("\n--- ").append(p.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        }
        return sb.toString();
    }
}
