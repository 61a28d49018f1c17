package io.vellum.server.crashtest;

import io.vellum.Vellum;
import io.vellum.aof.FsyncPolicy;
import io.vellum.server.RespServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A crash test's next server, started before the current one is killed (system property
 * {@value #PROPERTY} = a scratch directory of its own). Most of a restart is the JVM loading and
 * initializing some 5000 classes (the command table, Lua, Chronicle, Netty), not recovery; a
 * standby does that while the load runs: it opens a throwaway store in the scratch directory,
 * writes, snapshots, (with two rounds) reopens it (a replay) and serves a few commands, closes
 * it, says it is ready ({@value #READY} on stdout, and {@code <scratch>.ready}), then waits for
 * a line on stdin before it opens the real
 * store. It never touches the real store before that line: the restart after it is a real
 * recovery of what the killed process left, by a process that held nothing of it. End of stdin
 * (the crash test is gone) exits.
 */
public final class Standby {
    public static final String PROPERTY = "vellum.crashtest.standby";
    /** Warm-up rounds: one is cheaper to start; two also run recovery's code (snapshot load, replay) before the kill. */
    static final String ROUNDS_PROPERTY = "vellum.crashtest.warmup-rounds";
    private static final int ROUNDS = Integer.getInteger(ROUNDS_PROPERTY, 1);

    private Standby() {
    }

    /** With {@value #PROPERTY} set: warms up, then waits for the go line (exits at end of input). */
    public static void awaitGoIfStandby() throws IOException {
        String scratch = System.getProperty(PROPERTY);
        if (scratch == null) {
            return;
        }
        Path dir = Path.of(scratch);
        long t0 = System.nanoTime();
        try {
            warmUp(dir);
        } catch (Exception e) {
            // a failed warm-up only costs time after the go line
            System.err.println("standby: the warm-up failed: " + e);
        }
        deleteTree(dir);
        long jvmUp = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.printf(READY + " %d ms after the JVM started (warm-up %d ms)%n", jvmUp,
                (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        Files.writeString(Path.of(scratch + ".ready"), "ready\n");
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.ISO_8859_1)).readLine();
        if (line == null) {
            System.exit(0);
        }
        goNanos = System.nanoTime();
    }

    /** When the go line came (0: not a standby). */
    private static long goNanos;
    private static long openedNanos;

    /** The store is open (recovered): the restart's timeline, for the crash test's report. */
    public static void opened() {
        if (goNanos != 0) {
            openedNanos = System.nanoTime();
        }
    }

    /**
     * The server listens: prints the restart's timeline from the go line (the crash test reads
     * it from the server's output: {@value #TIMELINE} go->open ms, open->listening ms).
     */
    public static void listening() {
        if (goNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        System.out.printf("%s %d %d%n", TIMELINE, (openedNanos - goNanos) / 1_000_000, (now - openedNanos) / 1_000_000);
        System.out.flush();
    }

    /** The start of the line the standby prints once warmed up. */
    static final String READY = "standby: ready";

    /** The line {@link #listening} prints. */
    static final String TIMELINE = "crashtest-timeline";

    /**
     * Whether the warm-up runs scripts: only for a workload that has them. Without, the server
     * never makes its Lua state (LuaScripting makes it on first use), whose LuaJ classes cannot
     * be archived (class files too old for CDS) and cost some 0.25 CPU-s per JVM to load.
     */
    static final String SCRIPTS_PROPERTY = "vellum.crashtest.warmup-scripts";
    private static final boolean SCRIPTS = Boolean.parseBoolean(System.getProperty(SCRIPTS_PROPERTY, "true"));

    /**
     * Units per workload in the first warm-up round: the i-th of the kind i (mod the kinds), so
     * that 8 run every command and transaction shape of the mixed workload once; running more
     * costs interpreted time and loads nothing more.
     */
    private static final int UNITS = Integer.getInteger("vellum.crashtest.warmup-units", 8);

    /** Draws that are all {@code k} (modulo the bound): a workload's k-th kind of unit. */
    private static final class Draws extends java.util.Random {
        private final int k;

        Draws(int k) {
            this.k = k;
        }

        @Override
        public int nextInt(int bound) {
            return k % bound;
        }
    }

    private static void warmUp(Path dir) throws Exception {
        deleteTree(dir);
        for (int round = 0; round < ROUNDS; round++) { // a second round recovers what the first wrote
            try (Vellum v = Vellum.builder().dir(dir).fsync(round == 0 ? FsyncPolicy.NO : FsyncPolicy.ALWAYS).open()) {
                try (RespServer s = v.serve(0); RespClient c = new RespClient(s.port(), 10_000)) {
                    for (int i = 0; i < (round == 0 ? UNITS : 4); i++) {
                        for (Workload w : SCRIPTS ? List.of(new Workload.Mixed(), new Workload.Scripts()) : List.of(new Workload.Mixed())) {
                            for (String[] cmd : w.next(new Draws(i), "w:", "t:0:" + i).commands()) {
                                c.call(cmd);
                            }
                        }
                    }
                    c.call("GET", "w:k1");
                    c.call("DEBUG", "DIGEST");
                    if (round == 0) {
                        c.call("SAVE");
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
