package io.vellum.server.crashtest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client: one command at a time, or a pipeline of them. Replies come back as String (simple
 * and bulk, one char per byte), Long, null, List, or {@link Err}. An IOException means the
 * connection died: the reply to the command in flight is unknown.
 */
public final class RespClient implements AutoCloseable {
    /** An error reply. */
    public record Err(String text) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public Object call(String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        encode(b, args);
        out.write(b.toByteArray());
        out.flush();
        return read();
    }

    /**
     * Sends the commands in one write and returns their replies in order (a pipeline): the
     * server reads them in one go, and the round trips of one command at a time are saved.
     */
    public List<Object> pipeline(List<String[]> commands) throws IOException {
        send(commands);
        return replies(commands.size());
    }

    /** Sends the commands in one write, not waiting for their replies ({@link #replies} reads them). */
    public void send(List<String[]> commands) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] args : commands) {
            encode(b, args);
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /** The next {@code n} replies, in order. */
    public List<Object> replies(int n) throws IOException {
        List<Object> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replies.add(read());
        }
        return replies;
    }

    private static void encode(ByteArrayOutputStream b, String[] args) {
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] x = a.getBytes(StandardCharsets.ISO_8859_1);
            b.writeBytes(("$" + x.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(x);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed");
        }
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Err(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(n);
                if (data.length < n || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("connection closed inside a bulk string");
                }
                return new String(data, StandardCharsets.ISO_8859_1);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type " + (char) type);
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("protocol error: CR without LF");
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
