package io.vellum.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between a replica and its primary that damages a full resync's snapshot on its
 * way to the replica: {@link Fault#FLIP} inverts one byte of the snapshot, {@link Fault#CUT}
 * closes the connection in the middle of it. The fault applies to connections opened while it
 * is set; {@link Fault#NONE} passes everything through.
 */
final class FaultyProxy implements AutoCloseable {
    enum Fault { NONE, FLIP, CUT }

    /** How far into the snapshot the fault strikes. */
    private static final int OFFSET = 1000;
    private static final byte[] MARK = "+SNAPSHOT ".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile Fault fault = Fault.NONE;
    private volatile boolean closed;

    FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "faulty-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket down = server.accept();
                Socket up = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(down);
                sockets.add(up);
                Fault f = fault;
                pump(down.getInputStream(), up.getOutputStream(), Fault.NONE, down, up);
                pump(up.getInputStream(), down.getOutputStream(), f, down, up);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private static void pump(InputStream in, OutputStream out, Fault f, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            int matched = 0;
            boolean inLine = false;
            long payload = -1; // bytes of the snapshot seen so far, -1 before it starts
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (f != Fault.NONE) {
                        for (int i = 0; i < n; i++) {
                            byte c = buf[i];
                            if (payload >= 0) {
                                if (payload == OFFSET) {
                                    if (f == Fault.CUT) {
                                        out.write(buf, 0, i);
                                        out.flush();
                                        throw new IOException("cut");
                                    }
                                    buf[i] = (byte) ~c;
                                }
                                payload++;
                            } else if (inLine) {
                                if (c == '\n') {
                                    payload = 0;
                                }
                            } else {
                                matched = c == MARK[matched] ? matched + 1 : (c == MARK[0] ? 1 : 0);
                                inLine = matched == MARK.length;
                            }
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
