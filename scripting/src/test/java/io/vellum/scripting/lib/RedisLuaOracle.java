package io.vellum.scripting.lib;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real redis-server (Debian's 7.0) on a free loopback port, started once per test JVM and
 * killed at exit, answering {@code EVAL script 0} over a minimal RESP connection. (Module
 * scripting cannot depend on property-tests, whose RedisOracle this follows.) A missing
 * redis-server fails the tests: they are never skipped.
 */
final class RedisLuaOracle {
    private static RedisLuaOracle instance;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RedisLuaOracle(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    static synchronized RedisLuaOracle get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /** The script's reply: a bulk or status string's bytes, an integer's digits, or "-ERR..." for an error. */
    synchronized byte[] eval(byte[] script) {
        try {
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.write("*3\r\n$4\r\nEVAL\r\n".getBytes(StandardCharsets.ISO_8859_1));
            cmd.write(("$" + script.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            cmd.write(script);
            cmd.write("\r\n$1\r\n0\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(cmd.toByteArray());
            out.flush();
            return readReply();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] readReply() throws IOException {
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return "(nil)".getBytes(StandardCharsets.ISO_8859_1);
                }
                byte[] b = in.readNBytes(len);
                in.readNBytes(2);
                return b;
            }
            case '-':
                return ("-" + line).getBytes(StandardCharsets.ISO_8859_1);
            case '+':
            case ':':
                return line.getBytes(StandardCharsets.ISO_8859_1);
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type + line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("redis-server closed the connection");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        throw new AssertionError("redis-server is not installed; these tests use it as their oracle "
                + "(Debian: apt-get install redis-server).");
    }

    private static RedisLuaOracle start() {
        String bin = binary();
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try {
                Path dir = Files.createTempDirectory("redis-lua-oracle");
                Process p = new ProcessBuilder(List.of(bin, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
                        "--dir", dir.toString(), "--loglevel", "warning"))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile())
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
                long deadline = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadline && p.isAlive()) {
                    try {
                        Socket socket = new Socket("127.0.0.1", port);
                        socket.setSoTimeout(30_000);
                        return new RedisLuaOracle(socket);
                    } catch (IOException notYet) {
                        Thread.sleep(20);
                    }
                }
                p.destroyForcibly();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("could not start redis-server");
    }
}
