package io.vellum.server.crashtest;

import io.vellum.aof.AofOptions;
import io.vellum.server.cli.Main;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server under test, as a child JVM started the way the {@code vellum} launcher starts it:
 * this JVM's java, its JVM flags (the launcher's {@code server/target/jvm.flags} plus
 * {@code VELLUM_JAVA_OPTS}, as this JVM got them) and its classpath, running
 * {@code vellum server}; plus flags that make the JVM start faster, since restarts are what a
 * crash test repeats: C1 only, serial GC, a small heap, the crash test's class data archive
 * (AppCDS, {@link #classArchive}) when there is one, and the native libraries from the crash test's directory ({@link NativeLibraries}). None changes what
 * the server does. Its output goes to its log through {@link ServerOutput}.
 *
 * <p>Each server starts as a {@link Standby}: it loads its classes, then waits for
 * {@link #go()} before it opens the store. The crash test starts the next server while the load
 * runs against the current one, so a restart costs the recovery, not the JVM's start.
 */
final class ServerProcess {
    private final Process process;
    private final ServerOutput output;
    private final Path readyMarker;
    final int port;
    final long startedNanos;
    private long standbyNanos;
    private long goNanos;

    private ServerProcess(Process process, ServerOutput output, int port, Path readyMarker) {
        this.process = process;
        this.output = output;
        this.port = port;
        this.readyMarker = readyMarker;
        this.startedNanos = System.nanoTime();
    }

    /**
     * Starts a standby server for {@code storeDir}; {@code scratch} is its warm-up directory,
     * {@code archive} the class data archive to use (null: none), {@code rollClock} the fast log
     * clock ({@link AofOptions#TEST_CLOCK}; null: real hours).
     */
    static ServerProcess start(Path storeDir, String fsync, File output, Path scratch, Path archive, String rollClock,
                               boolean scripts, List<String> flags) throws IOException {
        int port = freePort();
        List<String> cmd = javaCommand();
        cmd.addAll(flags);
        cmd.add("-D" + Standby.SCRIPTS_PROPERTY + "=" + scripts);
        cmd.addAll(archiveFlags(archive));
        if (rollClock != null) {
            cmd.add("-D" + AofOptions.TEST_CLOCK + "=" + rollClock);
        }
        cmd.add("-D" + AofOptions.TEST_KEEP_LOG + "=true"); // LogCheck reads every record (AofOptions says why)
        return launch(cmd, storeDir, fsync, port, scratch, output);
    }

    /** The flags that map the class data archive (none without one). */
    static List<String> archiveFlags(Path archive) {
        if (archive == null) {
            return List.of();
        }
        // (Debian's JDK 17 maps archives at a random address and relocates them. Mapping at the
        // address they were made for, -XX:ArchiveRelocationMode=0, saves 3900 page faults per
        // start but cost more CPU, measured: +80 ms +-27 per standby over 20 interleaved pairs.)
        return List.of("-D" + io.vellum.core.command.CommandTable.CACHE_PROPERTY + "=" + archive.getParent(),
                "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:class+path=off");
    }

    private static ServerProcess launch(List<String> cmd, Path storeDir, String fsync, int port, Path scratch, File output)
            throws IOException {
        Files.deleteIfExists(marker(scratch));
        cmd.add("-D" + Standby.PROPERTY + "=" + scratch);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Main.class.getName());
        // A snapshot every second (once 50 units changed something) keeps each restart's replay
        // short, and puts kills in the middle of background saves at random as well.
        cmd.addAll(List.of("server", "--port", Integer.toString(port), "--dir", storeDir.toString(),
                "--appendfsync", fsync, "--save", "1 50"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new ServerProcess(p, ServerOutput.start(p, output), port, marker(scratch));
    }

    private static Path marker(Path scratch) {
        return Path.of(scratch + ".ready");
    }

    private static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return cmd;
    }

    /**
     * A server's JVM flags: this JVM's (the launcher's, without agents, recordings, heap sizes
     * and the crash test's own properties), then the ones that make a short-lived JVM cheap.
     */
    static List<String> jvmFlags(List<String> parentFlags) {
        List<String> cmd = new ArrayList<>();
        for (String arg : parentFlags) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Dvellum.")
                    && !arg.startsWith("-XX:SharedArchiveFile") && !arg.startsWith("-XX:ArchiveClassesAtExit")
                    && !arg.startsWith("-Xm") && !arg.startsWith("-XX:StartFlightRecording")
                    && !arg.startsWith("-XX:FlightRecorderOptions")) {
                cmd.add(arg);
            }
        }
        // Restarts are what this measures and repeats: start the JVM fast (no C2, a small heap and GC).
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xms32m");
        cmd.add("-Xmx256m");
        cmd.add("-XX:-UsePerfData");
        String rounds = System.getProperty(Standby.ROUNDS_PROPERTY);
        if (rounds != null) {
            cmd.add("-D" + Standby.ROUNDS_PROPERTY + "=" + rounds);
        }
        // C1 compiles ten times less eagerly: a server lives a second or two, mostly starting
        // (measured: a standby's CPU time 1.5 s -> 1.2 s)
        cmd.add("-XX:Tier3InvocationThreshold=2000");
        cmd.add("-XX:Tier3MinInvocationThreshold=1000");
        cmd.add("-XX:Tier3CompileThreshold=20000");
        cmd.add("-XX:Tier3BackEdgeThreshold=600000");
        // Chronicle and the log's disk space reservation use posix calls through jnr-ffi, which
        // generates its bindings with ASM in every JVM (classes made at run time are not in the
        // class data archive); reflective bindings are made without (measured: PosixAPI's first
        // use 400 -> 270 ms CPU). The log calls them a few times per file, not per record.
        cmd.add("-Djnr.ffi.asm.enabled=false");
        return cmd;
    }

    private static String classPath() {
        // (under Surefire the classpath is in a manifest-only jar: its property has the real one)
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * The crash test's class data archive (AppCDS) in {@code dir}, made once: a standby started
     * with {@code -XX:ArchiveClassesAtExit} warms up (loading what a server loads) and exits,
     * and the JVM writes the classes it loaded. Later servers map them instead of loading and
     * verifying them again. Null when the JVM could not make one (a classpath with directories,
     * as under Surefire): servers then start without. The JVM checks the archive against the
     * classpath's jars and ignores a stale one.
     */
    static Path classArchive(Path dir, File output) throws IOException, InterruptedException {
        String key = archiveKey(classPath());
        Path archive = dir.resolve("vellum-" + key + ".jsa");
        if (Files.isRegularFile(archive)) {
            return archive;
        }
        if (classPath().split(File.pathSeparator).length > 0
                && java.util.Arrays.stream(classPath().split(File.pathSeparator)).anyMatch(e -> Files.isDirectory(Path.of(e)))) {
            return null; // AppCDS archives classes from jars only
        }
        Files.createDirectories(dir);
        Path scratch = dir.resolve("train");
        List<String> cmd = javaCommand();
        cmd.add("-XX:ArchiveClassesAtExit=" + archive);
        // two warm-up rounds, whatever the servers do: the second recovers what the first wrote
        // (snapshot load, replay), so recovery's classes are archived too; and an archive made
        // with none would hold almost nothing
        cmd.add("-D" + Standby.ROUNDS_PROPERTY + "=2");
        cmd.add("-D" + io.vellum.core.command.CommandTable.CACHE_PROPERTY + "=" + dir);
        ServerProcess p = launch(cmd, dir.resolve("train-store"), "always", freePort(), scratch, output);
        try {
            if (p.awaitStandby(120_000)) {
                p.process.getOutputStream().close(); // end of input: the standby exits, the JVM dumps
                p.process.waitFor(120, TimeUnit.SECONDS);
            }
        } finally {
            p.kill();
            Standby.deleteTree(dir.resolve("train-store"));
            Files.deleteIfExists(p.readyMarker);
        }
        return Files.isRegularFile(archive) ? archive : null;
    }

    /**
     * The archive's name for this java and classpath, which changes with any jar's size or time:
     * the JVM ignores an archive made from other jars (silently, each server then loading every
     * class from its jar), so a rebuild must not find the old one.
     */
    /** {@link #archiveKey(String)} of this JVM's classpath. */
    static String archiveKey() {
        return archiveKey(classPath());
    }

    static String archiveKey(String classPath) {
        StringBuilder k = new StringBuilder(System.getProperty("java.version")).append('|').append(classPath);
        for (String e : classPath.split(File.pathSeparator)) {
            File f = new File(e);
            k.append('|').append(f.length()).append(':').append(f.lastModified());
        }
        return Integer.toHexString(k.toString().hashCode());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** CPU time the process used so far, in ms (-1: unknown). */
    long cpuMillis() {
        return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /** CPU ms at the standby's ready marker (its JVM start and warm-up), and at its first reply. */
    long cpuAtStandby = -1;
    long cpuAtReply = -1;

    /** Waits until the standby has warmed up; false if it died first. */
    boolean awaitStandby(long timeoutMillis) throws InterruptedException {
        if (!output.awaitReady(System.nanoTime() + timeoutMillis * 1_000_000L)) {
            return false;
        }
        return standbyReady();
    }

    /** Whether the standby is ready now (notes when it was seen first). */
    boolean standbyReady() {
        if (standbyNanos == 0 && output.ready()) {
            standbyNanos = System.nanoTime();
            cpuAtStandby = cpuMillis();
        }
        return standbyNanos != 0;
    }

    /** Milliseconds from the process's start to its standby being ready. */
    long bootMillis() {
        return (standbyNanos - startedNanos) / 1_000_000;
    }

    /** Tells the standby to open the store. */
    void go() throws IOException {
        goNanos = System.nanoTime();
        OutputStream in = process.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    /** Waits until the server answers PING; returns the milliseconds since {@link #go()}. */
    long awaitReady(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        // it says when it listens (the first PING then answers); then the PING, as before
        output.awaitListening(deadline);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with status " + process.exitValue());
            }
            try (RespClient c = new RespClient(port, 2000)) {
                if ("PONG".equals(c.call("PING"))) {
                    return (System.nanoTime() - goNanos) / 1_000_000;
                }
            } catch (IOException notYet) {
                Thread.sleep(2);
            }
        }
        throw new IOException("the server did not answer within " + timeoutMillis + " ms");
    }

    /** CPU ms the process had used when it was killed or stopped (-1: still running, or unknown). */
    long finalCpu = -1;

    /** SIGKILL, then waits for the process to be gone. */
    void kill() throws InterruptedException {
        long cpu = cpuMillis(); // gone with the process once it is reaped
        process.destroyForcibly();
        process.waitFor();
        if (finalCpu < 0) {
            finalCpu = cpu;
        }
    }

    /** SIGTERM (a clean shutdown), SIGKILL if it takes too long. */
    void stop() throws InterruptedException {
        long cpu = cpuMillis();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
        finalCpu = cpu;
    }
}
