package io.vellum.replication;

import io.vellum.aof.DamagedRecordException;
import io.vellum.aof.RecordCodec;
import io.vellum.core.spi.UnitRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network replica's link to its primary ({@link ReplicationProtocol}): connects,
 * authenticates with {@code masterauth}, asks to continue after the last record it applied,
 * then reads records and hands them to the {@link RecordApplier} in batches (what has arrived
 * together). A dropped link reconnects with backoff (100 ms doubling to 5 s) and continues
 * from what was applied. When the primary cannot continue from there (the replica's log
 * diverged, or the records it needs are gone) it sends a full resync, which {@link FullResync}
 * verifies and installs before the stream goes on; a refused or failed transfer is retried
 * with backoff and shown in INFO. A divergence found while applying stops the link.
 *
 * <p>Threads: a reader (connects, reads, submits) and an acker (sends {@code REPLCONF ACK}
 * after each batch applied and every second). Blocking sockets: one connection, no selector
 * needed.
 */
final class ReplicaLink extends Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLink.class);
    /**
     * Records read but not applied yet, at most. They wait decoded on the heap, where every young
     * collection copies them (a replica behind by 100,000 spent 200-400 ms a pause copying them,
     * and fell further behind); beyond this they wait in the primary's log instead.
     */
    private static final long MAX_BACKLOG = 10_000;

    private final Replication repl;
    private final String host;
    private final int port;
    private final Thread reader;
    private final Thread acker;
    private final Object writeLock = new Object();
    private volatile Socket socket;
    private volatile OutputStream out;
    /** The acker waits for a batch to be applied (not spacing its acks): a batch may wake it. */
    private volatile boolean ackerIdle;
    private volatile long acks;

    ReplicaLink(Replication repl, String host, int port, RecordApplier applier) {
        super(applier);
        this.repl = repl;
        this.host = host;
        this.port = port;
        this.reader = new Thread(this::readLoop, "vellum-repl-link-" + host + ":" + port);
        this.acker = new Thread(this::ackLoop, "vellum-repl-ack-" + host + ":" + port);
        reader.setDaemon(true);
        acker.setDaemon(true);
    }

    @Override
    void start() {
        reader.start();
        acker.start();
    }


    @Override
    String host() {
        return host;
    }

    @Override
    int port() {
        return port;
    }





    @Override
    public void close() {
        running = false;
        applier.stop();
        closeSocket();
        LockSupport.unpark(reader);
        LockSupport.unpark(acker);
    }

    @Override
    void join() throws InterruptedException {
        reader.join(5000);
        acker.join(5000);
    }

    // ------------------------------------------------------------------ reading

    private void readLoop() {
        long backoff = 100;
        while (running && applier.error() == null) {
            boolean streamed = false;
            try {
                streamed = connectAndStream();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    if (!why.equals(lastError)) {
                        LOG.warn("Link to primary {}:{} down: {}", host, port, why);
                    }
                    lastError = why;
                }
            } finally {
                up = false;
                state = "connect";
                closeSocket();
            }
            if (!running || applier.error() != null) {
                break;
            }
            backoff = streamed ? 100 : Math.min(backoff * 2, 5000);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
        }
        up = false;
    }

    /** One connection: handshake, then records until it drops. True when records were streamed. */
    private boolean connectAndStream() throws IOException {
        state = "connecting";
        Socket s = new Socket();
        socket = s;
        if (!running) {
            throw new IOException("link closed");
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(60_000); // Redis's repl-timeout: heartbeats come every second
        Buffered buffered = new Buffered(s.getInputStream());
        DataInputStream in = new DataInputStream(buffered);
        out = new BufferedOutputStream(s.getOutputStream(), 4096);
        state = "handshake";
        String auth = repl.masterauth();
        if (!auth.isEmpty()) {
            send("AUTH", auth);
            expectOk(in, "AUTH");
        }
        send("REPLCONF", "listening-port", Integer.toString(repl.listeningPort()));
        expectOk(in, "REPLCONF listening-port");
        long applied = applier.applied();
        String myId = applied == 0 ? ReplicationProtocol.NO_LOG : repl.identity().id();
        send(ReplicationProtocol.PSYNC, myId, Long.toString(applied));
        String line = readLine(in);
        long[] serial = new long[1];
        RecordCodec codec = new RecordCodec();
        String logId;
        if (line.startsWith(ReplicationProtocol.FULLRESYNC + " ")) {
            logId = fullResync(in, line, codec);
        } else {
            if (!line.startsWith(ReplicationProtocol.CONTINUE + " ")) {
                throw new IOException("the primary refused to continue after record " + applied + " of log " + myId + ": " + line);
            }
            String[] w = line.split(" ");
            if (w.length != 3 || w[1].length() != 40 || Long.parseLong(w[2]) != applied) {
                throw new IOException("malformed reply to " + ReplicationProtocol.PSYNC + ": " + line);
            }
            logId = w[1];
            repl.adoptPrimaryLog(logId, applier);
        }
        state = "connected";
        up = true;
        lastError = null;
        lastIoMillis = System.currentTimeMillis();
        LOG.info("Link to primary {}:{} up: continuing log {} after record {}", host, port, logId, applier.applied());
        LockSupport.unpark(acker);
        Runnable batchApplied = this::batchApplied;
        RecordBatch batch = applier.newBatch();
        while (running) {
            // A batch is what has arrived together: the frames already in the buffer.
            do {
                readFrame(in, codec, batch, serial);
            } while (!batch.full() && buffered.buffered() >= 4);
            if (batch.isEmpty()) {
                continue;
            }
            applier.submit(batch, batchApplied);
            batch = applier.newBatch();
            while (running && applier.backlog() > MAX_BACKLOG) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (applier.error() != null) {
                break;
            }
        }
        return true;
    }

    /**
     * The socket's input, buffered. A batch is what has already arrived: the frames already in
     * the buffer ({@link #buffered()}, no system call; {@code available()} would ask the socket,
     * an ioctl for every record).
     */
    private static final class Buffered extends BufferedInputStream {
        Buffered(java.io.InputStream in) {
            super(in, 1 << 16);
        }

        synchronized int buffered() {
            return count - pos;
        }
    }

    /**
     * One frame: a record, read into {@code batch} (its stored bytes and the record decoded from
     * them), or a heartbeat (false).
     */
    private boolean readFrame(DataInputStream in, RecordCodec codec, RecordBatch batch, long[] serial) throws IOException {
        int len = in.readInt();
        lastIoMillis = System.currentTimeMillis();
        if (len == 0) {
            return false; // heartbeat
        }
        if (len < 0 || len > ReplicationProtocol.MAX_FRAME) {
            throw new IOException("the primary sent a frame of " + len + " bytes: not a record");
        }
        int off = batch.reserve(len);
        in.readFully(batch.bytes(), off, len);
        UnitRecord r;
        try {
            r = codec.read(batch.bytes(), off, len, serial);
        } catch (DamagedRecordException e) {
            throw new IOException("the primary sent a record that is not well-formed: " + e.getMessage());
        }
        batch.add(serial[0], r, len);
        return true;
    }

    /**
     * The primary answered +FULLRESYNC: receive the snapshot, verify it, read the record it ends
     * with, install both ({@link FullResync}). Returns the primary's log id.
     */
    private String fullResync(DataInputStream in, String line, RecordCodec codec) throws IOException {
        String[] w = line.split(" ", 3);
        if (w.length < 2 || w[1].length() != 40) {
            throw new IOException("malformed reply to " + ReplicationProtocol.PSYNC + ": " + line);
        }
        String logId = w[1];
        LOG.warn("Full resync from primary {}:{}: {}", host, port, w.length > 2 ? w[2] : "");
        FullResync.Progress progress = new FullResync.Progress();
        sync = progress;
        state = "sync";
        try {
            String snap;
            do {
                snap = readLine(in); // keepalives while the primary prepares its snapshot
                progress.lastIoMillis = lastIoMillis = System.currentTimeMillis();
            } while (snap.isEmpty());
            String[] s = snap.split(" ");
            if (s.length != 3 || !s[0].equals(ReplicationProtocol.SNAPSHOT)) {
                throw new IOException("the primary sent " + snap + " where " + ReplicationProtocol.SNAPSHOT + " was expected");
            }
            long serial;
            long length;
            try {
                serial = Long.parseLong(s[1]);
                length = Long.parseLong(s[2]);
            } catch (NumberFormatException e) {
                throw new IOException("malformed " + ReplicationProtocol.SNAPSHOT + " line: " + snap);
            }
            if (serial < 0 || length <= 0 || length > ReplicationProtocol.MAX_SNAPSHOT) {
                throw new IOException("malformed " + ReplicationProtocol.SNAPSHOT + " line: " + snap);
            }
            progress.total = length;
            Path file = FullResync.receive(in, length, FullResync.stagingDir(repl), progress);
            UnitRecord last = null;
            if (serial > 0) {
                long[] got = new long[1];
                RecordBatch one = new RecordBatch();
                while (!readFrame(in, codec, one, got)) {
                    // heartbeats
                }
                last = one.record(0);
                if (got[0] != serial) {
                    throw new IOException("the primary's snapshot covers record " + serial + " but the stream after it starts"
                            + " with record " + got[0]);
                }
            }
            FullResync.install(repl, applier, file, serial, last, logId);
            return logId;
        } finally {
            sync = null;
        }
    }

    private void expectOk(DataInputStream in, String what) throws IOException {
        String line = readLine(in);
        if (!line.startsWith("+")) {
            throw new IOException("the primary answered " + what + " with " + line
                    + (line.startsWith("-NOAUTH") || line.startsWith("-WRONGPASS") ? " (check masterauth)" : ""));
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the primary closed the connection" + (sb.length() > 0 ? " after: " + sb : ""));
            }
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 64 * 1024) {
                throw new IOException("the primary sent an overlong line");
            }
            sb.append((char) c);
        }
    }

    private void send(String... args) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(new String(b, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        synchronized (writeLock) {
            OutputStream o = out;
            o.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    // ------------------------------------------------------------------ acks

    /** Engine thread, after each batch: the acker sends the new position unless it sent one within the millisecond. */
    private void batchApplied() {
        if (ackerIdle) {
            LockSupport.unpark(acker);
        }
    }

    private void ackLoop() {
        long sentApplied = -1;
        long sentSynced = -1;
        long lastSent = 0;
        while (running) {
            ackerIdle = true;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1000));
            ackerIdle = false;
            if (!running) {
                break;
            }
            if (!up) {
                sentApplied = -1;
                continue;
            }
            long a = applier.applied();
            long f = applier.synced();
            long now = System.nanoTime();
            if (a == sentApplied && f == sentSynced && now - lastSent < TimeUnit.MILLISECONDS.toNanos(900)) {
                continue;
            }
            try {
                send("REPLCONF", "ACK", Long.toString(a), "FACK", Long.toString(f));
                sentApplied = a;
                sentSynced = f;
                lastSent = now;
                acks++;
                // At most one ack a millisecond: under a steady stream an ack per batch would double
                // the primary's command load for nothing (WAIT waits at most a millisecond more).
                // Batches applied meanwhile do not wake this thread (ackerIdle is false), so the
                // millisecond is not cut short.
                long until = now + TimeUnit.MILLISECONDS.toNanos(1);
                long left;
                while (running && (left = until - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                }
            } catch (IOException | RuntimeException e) {
                closeSocket(); // the reader notices and reconnects
            }
        }
    }

    /** REPLCONF ACKs sent so far (tests). */
    long acksSent() {
        return acks;
    }
}
