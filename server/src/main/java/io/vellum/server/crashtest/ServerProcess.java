package io.vellum.server.crashtest;

import io.vellum.server.cli.Main;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server under test, as a child JVM started the way the {@code vellum} launcher starts it:
 * this JVM's java, its JVM flags (the launcher's {@code server/target/jvm.flags} plus
 * {@code VELLUM_JAVA_OPTS}, as this JVM got them) and its classpath, running
 * {@code vellum server}; plus flags that make the JVM start faster (C1 only, serial GC), since
 * restarts are what a crash test repeats.
 */
final class ServerProcess {
    private final Process process;
    final int port;
    final long startedNanos;

    private ServerProcess(Process process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    static ServerProcess start(Path storeDir, String fsync, File output) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Dvellum.")) {
                cmd.add(arg);
            }
        }
        // Restarts are what this measures and repeats: start the JVM fast (no C2, a small heap and GC).
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        // (under Surefire the classpath is in a manifest-only jar: its property has the real one)
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("server", "--port", Integer.toString(port), "--dir", storeDir.toString(),
                "--appendfsync", fsync));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output).start();
        return new ServerProcess(p, port, t0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the server answers PING; returns the milliseconds since it was started. */
    long awaitReady(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with status " + process.exitValue());
            }
            try (RespClient c = new RespClient(port, 2000)) {
                if ("PONG".equals(c.call("PING"))) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("the server did not answer within " + timeoutMillis + " ms");
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM (a clean shutdown), SIGKILL if it takes too long. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
