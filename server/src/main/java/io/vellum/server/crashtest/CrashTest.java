package io.vellum.server.crashtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Crash recovery under load (property 5; {@code vellum crashtest}): the server runs as a child
 * JVM ({@link ServerProcess}) on {@code <dir>/store}; load clients ({@link LoadClient}) send
 * tagged write units and record each acknowledged one; the server is SIGKILLed at random
 * moments, restarted, and checked before the load resumes:
 *
 * <ol>
 *   <li>the restarted server's DEBUG DIGEST equals the digest of a replay of its log, done in
 *       this process ({@link LogCheck});</li>
 *   <li>per client, the log holds its units in the order sent, every acknowledged one, and
 *       nothing else but possibly the one in flight at the kill: the log is a prefix of the
 *       attempted history that contains every acknowledged unit;</li>
 *   <li>per client, its keys hold exactly what its acknowledged units made of them, plus the
 *       unit in flight if and only if the log holds it.</li>
 * </ol>
 *
 * Anything acknowledged and missing is counted as lost, with how long before the kill it was
 * acknowledged (the loss window; with {@code everysec} a power loss could lose up to ~2 s, a
 * process kill nothing: the page cache survives it). Everything random comes from the seed;
 * the timing does not.
 */
public final class CrashTest {
    /** What to run; see {@code vellum crashtest --help}. */
    public record Options(Path dir, long durationMillis, long killMinMillis, long killMaxMillis, String fsync,
                          int clients, String workload, long seed, int maxKills, long rollEveryMillis) {
        /** Without fast log rolls (the log's files roll on the hour, as in production). */
        public Options(Path dir, long durationMillis, long killMinMillis, long killMaxMillis, String fsync,
                       int clients, String workload, long seed, int maxKills) {
            this(dir, durationMillis, killMinMillis, killMaxMillis, fsync, clients, workload, seed, maxKills, 0);
        }
    }

    /** Kills of each {@link KillPlan.Kind}, and what the ones at a snapshot or a roll hit. */
    public record KillCounts(int plain, int soon, int bgsave, int bgsaveUnfinished, int bgsaveFinished, int roll,
                             int rollAfterNewFile) {
    }

    /** What happened. */
    public record Report(long seed, int kills, int restarts, long ackedUnits, long checks, long lost,
                         long inFlightApplied, long inFlightDropped, long lossWindowMillis,
                         List<Long> recoveryMillis, List<Long> replayMillis, long logRecords, List<String> failures,
                         KillCounts killCounts, List<Long> killToReadyMillis, List<Long> bootMillis,
                         long elapsedMillis, long archiveMillis, RestartTimeline timeline, Cpu cpu) {
        public boolean passed() {
            return lost == 0 && failures.isEmpty() && kills > 0;
        }

        static long percentile(List<Long> values, int p) {
            if (values.isEmpty()) {
                return 0;
            }
            List<Long> s = new ArrayList<>(values);
            Collections.sort(s);
            int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
            return s.get(Math.max(0, Math.min(s.size() - 1, i)));
        }

        public void print(PrintStream out, Options o) {
            out.printf("crashtest: seed %d, appendfsync %s, %d clients, workload %s%n", seed, o.fsync(), o.clients(),
                    o.workload());
            out.printf("kills: %d in %.1f s (%.0f per minute), restarts: %d%n", kills, elapsedMillis / 1000.0,
                    elapsedMillis == 0 ? 0.0 : kills * 60_000.0 / elapsedMillis, restarts);
            KillCounts k = killCounts;
            out.printf("  %d at a random moment, %d soon after the restart, %d 0-20 ms after a BGSAVE (snapshot unfinished"
                    + " at the kill: %d, finished: %d), %d 0-10 ms after a log roll (the new file existed: %d)%n",
                    k.plain(), k.soon(), k.bgsave(), k.bgsaveUnfinished(), k.bgsaveFinished(), k.roll(), k.rollAfterNewFile());
            out.printf("acknowledged writes: %d units, checked at the restart after each (%d client checks)%n",
                    ackedUnits, checks);
            out.printf("lost acknowledged writes: %d%s%n", lost,
                    lost > 0 ? " (largest loss window " + lossWindowMillis + " ms before the kill)" : "");
            out.printf("in flight at a kill: %d applied, %d not applied (both allowed: never acknowledged)%n",
                    inFlightApplied, inFlightDropped);
            out.printf("restart time (kill to first reply): p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(killToReadyMillis, 50), percentile(killToReadyMillis, 99), percentile(killToReadyMillis, 100));
            out.printf("recovery time (the standby told to open the store, to first reply): p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(recoveryMillis, 50), percentile(recoveryMillis, 99), percentile(recoveryMillis, 100));
            out.printf("standby start (JVM start and warm-up, overlapped with the load): p50 %d ms, p99 %d ms;"
                    + " class data archive: %s%n", percentile(bootMillis, 50), percentile(bootMillis, 99),
                    archiveMillis < 0 ? "none" : "ready in " + archiveMillis + " ms (before the time above)");
            out.printf("  of which log recovery (the server's own count): p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(replayMillis, 50), percentile(replayMillis, 99), percentile(replayMillis, 100));
            if (timeline != null) {
                timeline.print(out);
            }
            if (cpu != null && kills > 0) {
                out.printf("CPU time per kill, everything included: %.2f s (%d servers, their JVM start, warm-up, recovery"
                        + " and serving: %.2f s; this process, the load clients and the checks: %.2f s)%n",
                        (cpu.serversMillis() + cpu.selfMillis()) / 1000.0 / kills, cpu.servers(),
                        cpu.serversMillis() / 1000.0 / kills, cpu.selfMillis() / 1000.0 / kills);
            }
            out.printf("log: %d records at the end; the replay digest matched the server at every restart%s%n",
                    logRecords, failures.isEmpty() ? "" : " (except as reported below)");
            if (kills == 0) {
                out.println("FAILED: no kill happened (the server took longer to start than --duration)");
            }
            for (String f : failures) {
                out.println("FAILED: " + f);
            }
            out.println(passed() ? "PASSED" : "FAILED");
        }
    }

    /**
     * CPU ms over the run (from the first server's start): every server process started
     * (including the standbys still unused at the end) and this process.
     */
    public record Cpu(long serversMillis, long selfMillis, int servers) {
    }

    /** Servers started ahead, warming up while the load runs: more when starting one takes longer than a round. */
    private static final int STANDBYS = 4;
    /**
     * Standbys starting at once, at most: a JVM's start is mostly one thread, and on 2 cores
     * four started together (the first round) all finish late, the first kill waiting for them.
     */
    private static final int WARMING = 2;

    private final Options o;
    private final PrintStream out;
    private final List<LoadClient> clients = new ArrayList<>();
    private final List<Long> recovery = new ArrayList<>();
    private final List<Long> killToReady = new ArrayList<>();
    private final List<Long> boot = new ArrayList<>();
    private final List<Long> replay = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Workload workload;
    private final Path store;
    private final Path logs;
    private final String rollClock;
    private final long rollOrigin = System.currentTimeMillis();
    private int kills;
    private int restarts;
    private long checks;
    private long lost;
    private long inFlightApplied;
    private long inFlightDropped;
    private long lossWindow;
    private long lastKillNanos;
    private final int[] kinds = new int[KillPlan.Kind.values().length];
    private int bgsaveUnfinished;
    private int bgsaveFinished;
    private int rollAfterNewFile;
    private int rollCycle;
    private long servingCpu = -1;
    private final RestartTimeline timeline = new RestartTimeline();

    private CrashTest(Options o, PrintStream out) throws IOException {
        this.o = o;
        this.out = out;
        this.workload = Workload.parse(o.workload());
        this.store = o.dir().resolve("store");
        this.logs = o.dir().resolve("logs");
        this.rollClock = o.rollEveryMillis() > 0 ? rollOrigin + ":" + o.rollEveryMillis() : null;
        // A fresh store each run: the load clients' expectations start empty, and the fast log
        // clock restarts from now (an earlier run's files would be hours of that clock ahead).
        Standby.deleteTree(store);
        Standby.deleteTree(logs);
        Files.createDirectories(store);
        Files.createDirectories(logs);
    }

    public static Report run(Options o, PrintStream out) throws Exception {
        return new CrashTest(o, out).run();
    }

    private final List<ServerProcess> processes = new ArrayList<>();

    /** JVM flags of every server beyond {@link ServerProcess}'s own (the native libraries' directory). */
    private List<String> serverFlags = List.of();

    private ServerProcess start(int round, Path archive) throws IOException {
        ServerProcess p = ServerProcess.start(store, o.fsync(), logs.resolve("server-" + round + ".log").toFile(),
                o.dir().resolve("standby-" + (round % (STANDBYS + 1))), archive, rollClock, !o.workload().equals("mixed"),
                serverFlags);
        processes.add(p);
        return p;
    }

    private Report run() throws Exception {
        Random random = new Random(o.seed());
        for (int i = 0; i < o.clients(); i++) {
            clients.add(new LoadClient(i, random.nextLong()));
        }
        out.printf("crashtest: seed %d (--seed %d repeats the choices, not the timing); server logs in %s%n", o.seed(),
                o.seed(), logs);
        long a0 = System.nanoTime();
        Path archive = ServerProcess.classArchive(o.dir().resolve("cds"), logs.resolve("class-archive.log").toFile());
        serverFlags = NativeLibraries.flags(o.dir().resolve("cds").resolve("native-" + ServerProcess.archiveKey()));
        long archiveMillis = archive == null ? -1 : (System.nanoTime() - a0) / 1_000_000;
        // --duration counts from here: the archive is made once per directory (and reused by a
        // later run on it), like building the program
        long t0 = System.nanoTime();
        long selfCpu0 = selfCpuMillis();
        long deadline = t0 + o.durationMillis() * 1_000_000L;
        ServerProcess server = start(0, archive);
        // the next servers load their classes while the load runs against this one
        java.util.ArrayDeque<ServerProcess> standbys = new java.util.ArrayDeque<>();
        int started = 1;
        if (archive != null && System.getProperty(io.vellum.core.command.CommandTable.CACHE_PROPERTY) == null) {
            // the log check's engine reads the command table the servers read (binary, not text)
            System.setProperty(io.vellum.core.command.CommandTable.CACHE_PROPERTY, archive.getParent().toString());
        }
        try (LogCheck log = new LogCheck()) {
            awaitStandby(server);
            server.go();
            server.awaitReady(180_000);
            for (int round = 1; ; round++) {
                if (!failures.isEmpty() || System.nanoTime() > deadline || o.maxKills() > 0 && kills >= o.maxKills()) {
                    server.stop();
                    break;
                }
                long warming = standbys.stream().filter(p -> !p.standbyReady()).count();
                while (standbys.size() < STANDBYS && warming < WARMING
                        && neededBeforeTheEnd(standbys.size() + 1, round, t0, deadline)) {
                    standbys.add(start(started++, archive));
                    warming++;
                }
                KillPlan plan = KillPlan.draw(random, o.killMinMillis(), o.killMaxMillis(), rollClock != null);
                long parentCpu0 = selfCpuMillis();
                long acked0 = acked();
                long clientCpu0 = clients.stream().mapToLong(c -> c.cpuNanos).sum();
                long load0 = System.nanoTime();
                runAndKill(server, plan);
                timeline.add("load before the kill (wall)", (lastKillNanos - load0) / 1_000_000);
                timeline.add("units acknowledged before the kill (count)", acked() - acked0);
                timeline.add("server serving the load (cpu)", servingCpu);
                timeline.add("load clients (cpu)", (clients.stream().mapToLong(c -> c.cpuNanos).sum() - clientCpu0) / 1_000_000);
                server = standbys.poll();
                if (server == null) { // the run went on longer than its rounds so far said
                    server = start(started++, archive);
                }
                long w0 = System.nanoTime();
                boolean wasReady = server.standbyReady();
                awaitStandby(server);
                timeline.add("kill to standby ready: waiting for it (wall)", wasReady ? 0 : (System.nanoTime() - w0) / 1_000_000);
                timeline.add("standby JVM start and warm-up (cpu)", server.cpuAtStandby);
                long cpuGo = server.cpuMillis();
                server.go();
                long ms = server.awaitReady(180_000);
                long cpuReply = server.cpuMillis();
                timeline.add("go to first reply (wall)", ms);
                timeline.add("go to first reply: recovery, listening (cpu)", cpuGo < 0 || cpuReply < 0 ? -1 : cpuReply - cpuGo);
                server.cpuAtReply = cpuReply;
                recovery.add(ms);
                if (ms > 5000) {
                    out.printf("  slow recovery after kill %d (%s): %d ms, see server-%d.log%n", kills, plan.kind(), ms, round);
                }
                killToReady.add((System.nanoTime() - lastKillNanos) / 1_000_000);
                restarts++;
                replayMillis(logs.resolve("server-" + round + ".log"));
                timeline.readServerOutput(logs.resolve("server-" + round + ".log"));
                long v0 = System.nanoTime();
                long checkCpu0 = THREADS.getCurrentThreadCpuTime();
                verify(server.port, log);
                timeline.add("checks after the restart (cpu)", (THREADS.getCurrentThreadCpuTime() - checkCpu0) / 1_000_000);
                timeline.add("checks after the restart (wall)", (System.nanoTime() - v0) / 1_000_000);
                timeline.add("kill to first reply (wall)", killToReady.get(killToReady.size() - 1));
                timeline.add("crash test process per round: load clients, checks (cpu)", selfCpuMillis() - parentCpu0);
                timeline.add("round (wall)", (System.nanoTime() - load0) / 1_000_000);
                timeline.round();
                if (kills % 10 == 0) {
                    out.printf("  %d kills, %d acknowledged units so far%n", kills, acked());
                }
            }
            long elapsed = (System.nanoTime() - t0) / 1_000_000;
            for (ServerProcess p : standbys) {
                p.kill();
            }
            KillCounts counts = new KillCounts(kinds[0], kinds[1], kinds[2], bgsaveUnfinished, bgsaveFinished, kinds[3],
                    rollAfterNewFile);
            return new Report(o.seed(), kills, restarts, acked(), checks, lost, inFlightApplied, inFlightDropped,
                    lossWindow, recovery, replay, log.records, failures, counts, killToReady, boot, elapsed, archiveMillis,
                    timeline, new Cpu(processes.stream().mapToLong(p -> Math.max(0, p.finalCpu)).sum(),
                    selfCpuMillis() - selfCpu0, processes.size()));
        } finally {
            server.kill();
            for (ServerProcess p : standbys) {
                p.kill();
            }
        }
    }

    private boolean neededBeforeTheEnd(int position, int round, long t0, long deadline) {
        long now = System.nanoTime();
        return standbyNeeded(position, kills, o.maxKills(), round - 1, now - t0, deadline - now);
    }

    /**
     * Whether the standby that would be {@code position}-th in line (replacing the server at
     * the {@code position}-th kill from now) is still needed: not after the last kill, by
     * {@code --kills} or by the time left at the pace of the rounds done so far. A standby
     * started for nothing costs a JVM start, some 1 CPU-s: a few kills' worth over a minute.
     */
    static boolean standbyNeeded(int position, int kills, int maxKills, int roundsDone, long elapsedNanos,
                                 long remainingNanos) {
        if (maxKills > 0 && kills + position > maxKills) {
            return false;
        }
        if (roundsDone < 3) {
            return true; // no pace yet
        }
        // at a pace a quarter faster than so far: a standby too few costs a whole JVM start of waiting
        return (position - 1) * 0.75 * ((double) elapsedNanos / roundsDone) < remainingNanos;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long selfCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    private void awaitStandby(ServerProcess p) throws Exception {
        if (!p.awaitStandby(180_000)) {
            throw new IOException("a server did not start (see " + logs + ")");
        }
        boot.add(p.bootMillis());
    }

    private static final java.util.regex.Pattern RECOVERED = java.util.regex.Pattern.compile("recovered in (\\d+) ms");

    /** The server's own log recovery time, from its log line. */
    private void replayMillis(Path serverLog) throws IOException {
        for (String line : Files.readAllLines(serverLog, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            java.util.regex.Matcher m = RECOVERED.matcher(line);
            if (m.find()) {
                replay.add(Long.parseLong(m.group(1)));
                return;
            }
        }
    }

    private long acked() {
        return clients.stream().mapToLong(c -> c.ackedUnits).sum();
    }

    private void runAndKill(ServerProcess server, KillPlan plan) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (LoadClient c : clients) {
            Thread t = new Thread(() -> c.run(server.port, workload, stop), "load-" + c.id);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep(plan.loadMillis());
        Path snapshots = store.resolve("snapshots");
        List<String> before = List.of();
        switch (plan.kind()) {
            case BGSAVE -> {
                before = snapshotNames(snapshots);
                try (RespClient c = new RespClient(server.port, 5000)) {
                    Object reply = c.call("BGSAVE");
                    if (!"Background saving started".equals(reply) && !(reply instanceof RespClient.Err)) {
                        failures.add("BGSAVE answered " + reply);
                    }
                }
                Thread.sleep(plan.afterMillis());
            }
            case ROLL -> {
                long roll = nextRollMillis();
                rollCycle = fastClockCycle(roll);
                sleepUntil(roll + plan.afterMillis());
            }
            default -> {
            }
        }
        long cpuKill = server.cpuMillis();
        servingCpu = cpuKill < 0 || server.cpuAtReply < 0 ? -1 : cpuKill - server.cpuAtReply;
        server.kill();
        lastKillNanos = System.nanoTime();
        kills++;
        kinds[plan.kind().ordinal()]++;
        if (plan.kind() == KillPlan.Kind.BGSAVE) {
            List<String> names = snapshotNames(snapshots);
            if (names.stream().anyMatch(n -> n.endsWith(".tmp"))) {
                bgsaveUnfinished++;
            } else if (!before.containsAll(names)) {
                bgsaveFinished++;
            }
        } else if (plan.kind() == KillPlan.Kind.ROLL && Files.exists(store.resolve("aof")
                .resolve(io.vellum.aof.LogFiles.cycleFileName(rollCycle)))) {
            rollAfterNewFile++;
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (LoadClient c : clients) {
            if (c.failure != null) {
                failures.add("client " + c.id + ": " + c.failure);
                c.failure = null;
            }
        }
    }

    private static List<String> snapshotNames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".vsnap")).toList();
        }
    }

    /** The real time (epoch ms) at which the fast log clock next crosses an hour: a roll. */
    private long nextRollMillis() {
        long per = o.rollEveryMillis();
        long now = System.currentTimeMillis();
        long clock = rollOrigin + (now - rollOrigin) * 3_600_000L / per;
        long boundary = (clock / 3_600_000L + 1) * 3_600_000L;
        return rollOrigin + (boundary - rollOrigin) * per / 3_600_000L + 1;
    }

    /** The hour the fast log clock is in at the real time {@code epochMillis}. */
    private int fastClockCycle(long epochMillis) {
        long clock = rollOrigin + (epochMillis - rollOrigin) * 3_600_000L / o.rollEveryMillis();
        return (int) (clock / 3_600_000L);
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long d = epochMillis - System.currentTimeMillis();
        if (d > 0) {
            Thread.sleep(d);
        }
    }

    /** The checks of the class comment, on a freshly restarted server. */
    private void verify(int port, LogCheck log) throws Exception {
        // every read in one pipeline: some 30 commands to a server that has just started (its
        // code still interpreted) cost far less CPU and time in one batch than one at a time
        List<String[]> reads = new ArrayList<>();
        reads.add(new String[] {"DEBUG", "DIGEST"});
        for (LoadClient lc : clients) {
            reads.add(new String[] {"SELECT", Integer.toString(lc.db)});
            reads.addAll(ClientState.readCommands(lc.prefix));
        }
        List<Object> replies;
        try (RespClient c = new RespClient(port, 30_000)) {
            c.send(reads);
            // the server answers them while this process replays what the log gained: nothing
            // writes to it until the load resumes, so the log read is the one the reads see
            try {
                log.update(store);
            } catch (Exception e) {
                failures.add("after kill " + kills + ": reading the log: " + e);
                return;
            }
            replies = c.replies(reads.size());
        }
        Object digest = replies.get(0);
        if (!log.digest.equals(digest)) {
            failures.add("after kill " + kills + ": the server's DEBUG DIGEST " + digest
                    + " is not the digest of a replay of its log " + log.digest);
        }
        int at = 1;
        for (LoadClient lc : clients) {
            if (!"OK".equals(replies.get(at))) {
                failures.add("after kill " + kills + ": SELECT " + lc.db + " answered " + replies.get(at));
            }
            int n = ClientState.readCommands(lc.prefix).size();
            verifyClient(lc, ClientState.fromReplies(lc.prefix, replies.subList(at + 1, at + 1 + n)),
                    log.unitsByClient.getOrDefault(lc.id, List.of()));
            at += 1 + n;
        }
    }

    private void verifyClient(LoadClient lc, ClientState actual, List<Long> inLog) {
        checks++;
        ClientCheck.Outcome r = lc.check.check(lc, actual, inLog, lastKillNanos);
        if (r.inFlight() > 0) {
            inFlightApplied++;
        } else if (r.inFlight() < 0) {
            inFlightDropped++;
        }
        lost += r.lost();
        lossWindow = Math.max(lossWindow, r.lossWindowMillis());
        for (String f : r.failures()) {
            failures.add("after kill " + kills + ", client " + lc.id + ": " + f);
        }
    }
}
