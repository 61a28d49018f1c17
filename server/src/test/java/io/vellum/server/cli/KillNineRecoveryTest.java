package io.vellum.server.cli;

import io.vellum.server.crashtest.RespClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.aof.LogFiles;
import io.vellum.aof.Replay;
import io.vellum.aof.ReplayProgress;
import io.vellum.core.engine.Engine;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under load with {@code appendfsync always}: the real launcher runs as a child JVM,
 * client threads write to it (plain SETs, SETs with a TTL, DELs, MULTI/EXEC groups, in two
 * databases) and record every acknowledged write; the server is SIGKILLed at random moments,
 * restarted, and checked:
 *
 * <ul>
 *   <li>every acknowledged write is there: each client's keys hold exactly what its acknowledged
 *       writes made them, or that plus its one write in flight when the server died (all of a
 *       MULTI/EXEC or none of it);</li>
 *   <li>the recovered state is the replay of the log the dead server left (replayed in this JVM,
 *       read-only, before the restart), key by key.</li>
 * </ul>
 *
 * The seed is printed; {@code -Dvellum.seed=N} replays the same choices (not the same timing).
 * {@code -Dvellum.kills=N} sets the number of kills (default 20).
 */
class KillNineRecoveryTest {
    static final int CLIENTS = 4;
    static final int KEYS_PER_CLIENT = 40;

    @TempDir
    Path tmp;

    /** One client's keys and what its writes made of them. */
    static final class ClientModel {
        final int id;
        final int db;
        final Map<String, String> acked = new LinkedHashMap<>();
        /** The effects of the write in flight when the server died (null: none). */
        Map<String, String> inFlight;
        long ackedWrites;

        ClientModel(int id) {
            this.id = id;
            this.db = id % 2;
            for (int k = 0; k < KEYS_PER_CLIENT; k++) {
                acked.put(key(k), null);
            }
        }

        String key(int k) {
            return "c" + id + ":k" + k;
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAndTheStateIsTheLogsReplay() throws Exception {
        long seed = Long.getLong("vellum.seed", System.nanoTime());
        long t0 = System.nanoTime();
        int kills = Integer.getInteger("vellum.kills", 20);
        System.out.println("KillNineRecoveryTest seed " + seed + " (-Dvellum.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = tmp.resolve("store");
        Files.createDirectories(dir);
        List<ClientModel> models = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            models.add(new ClientModel(c));
        }
        int losses = 0;
        for (int round = 0; round < kills; round++) {
            int port = freePort();
            long ts = System.nanoTime();
            Process server = start(dir, port, round);
            try {
                awaitReady(server, port);
                System.out.println("round " + round + " ready after " + (System.nanoTime() - ts) / 1_000_000 + " ms");
                if (round > 0) {
                    losses += checkRecovered(port, models, lastReplay);
                }
                runLoadAndKill(server, port, models, new Random(random.nextLong()), 150 + random.nextInt(900));
            } finally {
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            lastReplay = replayLog(dir);
        }
        int port = freePort();
        Process server = start(dir, port, kills);
        try {
            awaitReady(server, port);
            losses += checkRecovered(port, models, lastReplay);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        long acked = models.stream().mapToLong(m -> m.ackedWrites).sum();
        System.out.println("KillNineRecoveryTest: " + kills + " kills in " + (System.nanoTime() - t0) / 1_000_000_000
                + " s, " + acked + " acknowledged writes (each checked at the restart after it), " + keysChecked
                + " key values compared, " + losses + " lost");
        assertEquals(0, losses);
    }

    private Map<String, String> lastReplay;
    private static long keysChecked;

    // ------------------------------------------------------------------ the server process

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process start(Path dir, int port, int round) throws IOException {
        return LauncherProcess.start(tmp.resolve("server-" + round + ".log").toFile(), "server", "--port",
                Integer.toString(port), "--dir", dir.toString(), "--appendfsync", "always");
    }

    void awaitReady(Process server, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the server exited with " + server.exitValue() + ": " + serverLogs());
            }
            try (RespClient c = new RespClient(port, 20_000)) {
                if ("PONG".equals(c.call("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("the server did not start within 60 s: " + serverLogs());
    }

    String serverLogs() throws IOException {
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

    // ------------------------------------------------------------------ load

    /** Runs the clients for {@code millis}, then SIGKILLs the server while they still write. */
    void runLoadAndKill(Process server, int port, List<ClientModel> models, Random random, long millis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (ClientModel m : models) {
            long s = random.nextLong();
            Thread t = new Thread(() -> {
                try {
                    clientLoop(port, m, new Random(s), stop);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "load-" + m.id);
            threads.add(t);
            t.start();
        }
        Thread.sleep(millis);
        server.destroyForcibly(); // SIGKILL
        server.waitFor(30, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("a client failed: " + failures.get(0), failures.get(0));
            throw e;
        }
    }

    static void clientLoop(int port, ClientModel m, Random r, AtomicBoolean stop) throws Exception {
        m.inFlight = null;
        try (RespClient c = new RespClient(port, 20_000)) {
            assertEquals("OK", c.call("SELECT", Integer.toString(m.db)));
            long n = 0;
            while (!stop.get()) {
                Map<String, String> effects = new LinkedHashMap<>();
                String[][] commands;
                int kind = r.nextInt(10);
                String k = m.key(r.nextInt(KEYS_PER_CLIENT));
                String v = m.id + "-" + (n++) + "-" + r.nextInt(1000);
                if (kind < 5) {
                    commands = new String[][] {{"SET", k, v}};
                    effects.put(k, v);
                } else if (kind < 7) {
                    commands = new String[][] {{"SET", k, v, "PX", "3600000"}};
                    effects.put(k, v);
                } else if (kind < 8) {
                    commands = new String[][] {{"DEL", k}};
                    effects.put(k, null);
                } else {
                    String k2 = m.key(r.nextInt(KEYS_PER_CLIENT));
                    String k3 = m.key(r.nextInt(KEYS_PER_CLIENT));
                    commands = new String[][] {{"MULTI"}, {"SET", k, v}, {"SET", k2, v + "b"}, {"DEL", k3}, {"EXEC"}};
                    effects.put(k, v);
                    effects.put(k2, v + "b");
                    effects.put(k3, null);
                }
                m.inFlight = effects;
                Object last;
                try {
                    last = null;
                    for (String[] cmd : commands) {
                        last = c.call(cmd);
                    }
                } catch (IOException died) {
                    return; // killed: this write stays in flight
                }
                if (commands.length == 1) {
                    assertTrue(last instanceof String || last instanceof Long, "reply " + last);
                } else {
                    assertTrue(last instanceof List<?> l && l.size() == 3, "EXEC reply " + last);
                }
                m.acked.putAll(effects);
                m.ackedWrites++;
                m.inFlight = null;
            }
        } catch (IOException refused) {
            // the server died before this client connected
        }
    }

    // ------------------------------------------------------------------ checks

    /** The state the dead server's log replays to: "db key" to value. */
    static Map<String, String> replayLog(Path dir) throws Exception {
        Map<String, String> out = new HashMap<>();
        Engine engine = Engine.builder().build();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir))) {
            Replay.Result r = Replay.run(q, engine, -1, new ReplayProgress());
            assertTrue(r.damage() == null || r.damage().position() > r.lastPosition(),
                    "the log replays to its end (" + r.damage() + ")");
            for (int db = 0; db < 2; db++) {
                var dict = engine.keyspace().db(db).dict();
                for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                    Value v = dict.valueAt(e);
                    out.put(db + " " + new String(dict.keyAt(e), StandardCharsets.UTF_8),
                            new String(((StringValue) v).bytes(), StandardCharsets.UTF_8));
                }
            }
        } finally {
            engine.close();
        }
        return out;
    }

    /**
     * Checks the restarted server against every client's acknowledged writes and against the
     * replay of the log; adopts the outcome of the writes that were in flight. Returns how many
     * acknowledged writes were lost (keys whose value no acknowledged history explains).
     */
    static int checkRecovered(int port, List<ClientModel> models, Map<String, String> replay) throws Exception {
        int lost = 0;
        Map<String, String> server = new HashMap<>();
        try (RespClient c = new RespClient(port, 20_000)) {
            for (int db = 0; db < 2; db++) {
                assertEquals("OK", c.call("SELECT", Integer.toString(db)));
                long size = 0;
                for (ClientModel m : models) {
                    if (m.db != db) {
                        continue;
                    }
                    for (String k : m.acked.keySet()) {
                        Object v = c.call("GET", k);
                        if (v != null) {
                            server.put(db + " " + k, (String) v);
                            size++;
                        }
                    }
                }
                assertEquals(size, c.call("DBSIZE"), "db " + db + " holds only the clients' keys");
            }
        }
        assertEquals(replay, server, "the restarted server holds exactly the replay of its log");
        for (ClientModel m : models) {
            Map<String, String> now = new LinkedHashMap<>();
            for (String k : m.acked.keySet()) {
                now.put(k, server.get(m.db + " " + k));
                keysChecked++;
            }
            Map<String, String> withInFlight = new LinkedHashMap<>(m.acked);
            if (m.inFlight != null) {
                withInFlight.putAll(m.inFlight);
            }
            if (now.equals(m.acked) || now.equals(withInFlight)) {
                m.acked.clear();
                m.acked.putAll(now);
            } else {
                for (String k : m.acked.keySet()) {
                    if (!java.util.Objects.equals(now.get(k), m.acked.get(k))
                            && !java.util.Objects.equals(now.get(k), withInFlight.get(k))) {
                        System.out.println("LOST: client " + m.id + " " + k + " acked " + m.acked.get(k) + " found " + now.get(k));
                        lost++;
                    }
                }
                if (lost == 0) {
                    fail("client " + m.id + ": its in-flight write was applied in part: " + m.inFlight + " found " + now);
                }
                m.acked.clear();
                m.acked.putAll(now);
            }
            m.inFlight = null;
        }
        return lost;
    }
}
