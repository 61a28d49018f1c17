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
 * <p>Threads: a reader (connects, reads, submits) and an acker, which sends
 * {@code REPLCONF ACK <applied> FACK <synced>} once a second (when a position changed, or as a
 * keepalive after 900 ms without one), when the link comes up, and when the primary asks: an
 * ack request frame ({@link ReplicationProtocol#ACK_REQUEST}) ends the batch being read, and once
 * every record before it is applied ({@link #wakeAckerIfAnswerable} after each batch, or at once when nothing was pending)
 * the acker answers. When it answers with {@code synced < applied} (appendfsync everysec) it
 * looks every millisecond, for at most {@link #FACK_POLL_NANOS}, and acks again when the sync
 * reaches that applied position, so that WAITAOF is answered within about a second. At most one
 * ack a millisecond. Blocking sockets: one connection, no selector needed.
 */
final class ReplicaLink extends Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLink.class);
    /**
     * Records read but not applied yet, at most. They wait decoded on the heap, where every young
     * collection copies them (a replica behind by 100,000 spent 200-400 ms a pause copying them,
     * and fell further behind); beyond this they wait in the primary's log instead.
     */
    private static final long MAX_BACKLOG = 10_000;
    private static final long ACK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long the acker looks for the sync to reach a position it was asked about (everysec syncs once a second). */
    private static final long FACK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    private final Replication repl;
    private final String host;
    private final int port;
    private final Thread reader;
    private final Thread acker;
    private final Object writeLock = new Object();
    private volatile Socket socket;
    private volatile OutputStream out;
    /**
     * Ack requests: {@link #asked} counts those received (the reader writes it, after
     * {@link #askedAt}, the serial of the last record before the latest one); {@link #answered}
     * is the count the acker has answered. A request is answerable once that serial is applied.
     */
    private volatile long asked;
    private volatile long askedAt;
    private volatile long answered;
    /** The reader read an ack request frame; reader thread only. */
    private boolean ackRequested;
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
        ackRequested = false;
        serial[0] = applier.applied();
        ask(serial[0]); // the primary learns where the replica is at once (a resynced one counts from 0 until then)
        Runnable batchApplied = this::wakeAckerIfAnswerable; // engine thread, after each batch
        RecordBatch batch = applier.newBatch();
        while (running) {
            // A batch is what has arrived together: the frames already in the buffer, up to an ack
            // request (the ack follows the records before it).
            do {
                readFrame(in, codec, batch, serial);
            } while (!batch.full() && !ackRequested && buffered.buffered() >= 4);
            if (ackRequested) {
                ackRequested = false;
                // serial[0] is the last record read: this batch's last, or an earlier batch's
                askedAt = serial[0];
                asked++;
            }
            if (batch.isEmpty()) {
                wakeAckerIfAnswerable(); // nothing left to apply: answered at once
                continue;
            }
            applier.submit(batch, batchApplied);
            batch = applier.newBatch();
            wakeAckerIfAnswerable(); // the batch may have been applied here, before asked was visible to it
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
     * them, its serial into {@code serial[0]}), or a heartbeat or an ack request (false; an ack
     * request sets {@link #ackRequested}).
     */
    private boolean readFrame(DataInputStream in, RecordCodec codec, RecordBatch batch, long[] serial) throws IOException {
        int len = in.readInt();
        lastIoMillis = System.currentTimeMillis();
        if (len == ReplicationProtocol.HEARTBEAT) {
            return false;
        }
        if (len == ReplicationProtocol.ACK_REQUEST) {
            ackRequested = true;
            return false;
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

    /** Reader thread: an ack is wanted once record {@code serial} is applied (a request, or the link came up). */
    private void ask(long serial) {
        askedAt = serial;
        asked++;
        LockSupport.unpark(acker);
    }

    /**
     * Wakes the acker when a request is unanswered and what came before it is applied. The
     * reader calls it after recording a request and the engine after each batch: whichever runs
     * second sees both the request and the applied position (volatile fields), so none is missed.
     */
    private void wakeAckerIfAnswerable() {
        if (asked != answered && applier.applied() >= askedAt) {
            LockSupport.unpark(acker);
        }
    }

    private void ackLoop() {
        long sentApplied = -1;
        long sentSynced = -1;
        long lastSent = 0;
        long nextPeriodic = System.nanoTime() + ACK_PERIOD_NANOS;
        // An answer sent with synced < applied: the applied position the sync is watched for, until when.
        long fackAt = -1;
        long fackUntil = 0;
        long fackLastPolled = -1;
        while (running) {
            long now = System.nanoTime();
            if (!up) {
                sentApplied = -1;
                fackAt = -1;
                fackLastPolled = -1; // a resync may start over at a lower serial
                LockSupport.parkNanos(ACK_PERIOD_NANOS); // the reader wakes this thread when the link is up
                continue;
            }
            long n = asked; // before askedAt: the reader writes askedAt first
            long a = applier.applied();
            long f = applier.synced();
            boolean answer = n != answered && a >= askedAt;
            boolean synced = fackAt >= 0 && f >= fackAt;
            boolean periodic = now - nextPeriodic >= 0;
            if (periodic) {
                nextPeriodic = now + ACK_PERIOD_NANOS;
                periodic = a != sentApplied || f != sentSynced || now - lastSent >= TimeUnit.MILLISECONDS.toNanos(900);
            }
            if (answer || synced || periodic) {
                try {
                    send("REPLCONF", "ACK", Long.toString(a), "FACK", Long.toString(f));
                    sentApplied = a;
                    sentSynced = f;
                    lastSent = now;
                    acks++;
                } catch (IOException | RuntimeException e) {
                    closeSocket(); // the reader notices and reconnects
                }
                if (answer) {
                    answered = n;
                    if (f < a && a > fackLastPolled) {
                        // WAITAOF waits for the sync: ack again when it reaches a (once a second under everysec)
                        fackAt = a;
                        fackLastPolled = a;
                        fackUntil = now + FACK_POLL_NANOS;
                    }
                }
                if (fackAt >= 0 && f >= fackAt) {
                    fackAt = -1;
                }
                // At most one ack a millisecond: wakes meanwhile are seen on the next round, which
                // looks at the request count rather than at how it was woken.
                long until = now + TimeUnit.MILLISECONDS.toNanos(1);
                long left;
                while (running && (left = until - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                }
                continue;
            }
            if (fackAt >= 0 && now - fackUntil >= 0) {
                fackAt = -1; // the sync did not come: the periodic ack reports it when it does
            }
            long wait = nextPeriodic - now;
            if (fackAt >= 0) {
                wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1));
            }
            LockSupport.parkNanos(wait);
        }
    }

    /** REPLCONF ACKs sent so far (tests). */
    long acksSent() {
        return acks;
    }
}
