package io.vellum.difftest;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real redis-server (Debian's package) on a free loopback port, started once per test JVM
 * and killed at exit. Missing redis-server is a test failure with instructions, never a
 * skip: the differential tests are how Vellum proves it behaves as Redis.
 */
public final class RedisOracle {
    private static RedisOracle instance;

    private final Process process;
    private final int port;
    private final String version;

    private RedisOracle(Process process, int port, String version) {
        this.process = process;
        this.port = port;
        this.version = version;
    }

    public static synchronized RedisOracle get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public int port() {
        return port;
    }

    public String version() {
        return version;
    }

    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        throw new AssertionError("redis-server is not installed; the differential tests need it as their oracle. "
                + "Install it (Debian: apt-get install redis-server redis-tools; .ci/run does this).");
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RedisOracle start() {
        String bin = binary();
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                Path dir = Files.createTempDirectory("redis-oracle");
                Process p = new ProcessBuilder(List.of(bin, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
                        "--enable-debug-command", "yes", "--dir", dir.toString(), "--loglevel", "warning"))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile())
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
                long deadline = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadline && p.isAlive()) {
                    try (RawClient c = new RawClient("127.0.0.1", port)) {
                        RespReader.Raw r = c.call("INFO", "server");
                        String info = new String(r.node().scalar(), java.nio.charset.StandardCharsets.ISO_8859_1);
                        String v = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                                .map(l -> l.substring("redis_version:".length())).orElse("?");
                        return new RedisOracle(p, port, v);
                    } catch (RuntimeException e) {
                        Thread.sleep(50);
                    }
                }
                p.destroyForcibly();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("could not start redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server did not start");
    }
}
