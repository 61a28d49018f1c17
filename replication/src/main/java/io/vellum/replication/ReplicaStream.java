package io.vellum.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of one network replica, after its {@code VELLUM.PSYNC}: reads the
 * primary's log from disk ({@link LogTail}, read-only) after the serial the replica asked for
 * and writes every record to the replica's connection, in the wire format of
 * {@link ReplicationProtocol}. When the replica's position cannot be continued (diverged, or
 * gone from the log) it first sends a full resync: a snapshot ({@link SnapshotSource}), then
 * the records from the snapshot's position.
 *
 * <p>Streaming runs on the connection's event loop, woken by the primary's commits
 * ({@link #kick}, called when a batch's records are in the log): each wake reads what the log
 * has after what was sent, checks it and writes it in one flush. Nothing polls: a thread that
 * parked and woke to look for records woke about 3,600 times a second at 50,000 writes a
 * second, and each wake also woke the event loop to hand it the bytes (on a 2-core VM the
 * parks, wakes and hand-offs were most of the stream's CPU). A wake from the loop's own
 * thread (a batch run there) costs no system call, and wakes that come while one is pending
 * are one. A tick every 100 ms sends a heartbeat after a second of silence and picks up
 * anything a wake missed; a replica that reads slower than the primary writes is waited for
 * (the channel's writability, checked each millisecond). The handshake and a full resync's
 * snapshot run on a thread of their own (they block), which then hands over to the loop.
 *
 * <p>The replica's acks ({@code REPLCONF ACK}) arrive as commands on the same connection and
 * are recorded here by the engine thread; {@code WAIT}, {@code INFO} and {@code ROLE} read them.
 * A replica acks once a second, and at once when asked: {@link #requestAck} (a client blocked in
 * {@code WAIT} or {@code WAITAOF}) makes the loop write an ack request frame
 * ({@link ReplicationProtocol#ACK_REQUEST}) after the records the log holds at the request, once
 * they are sent; requests while one is pending are one frame.
 *
 * <p>Threads: the handshake thread, then the event loop (the live tail is confined to it);
 * {@link #kick} and {@link #requestAck} from any thread; ack fields are volatile.
 */
final class ReplicaStream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStream.class);
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final int SNAPSHOT_CHUNK = 256 * 1024;
    /** How often the loop looks without being woken (heartbeats, a missed wake). Tests lengthen it. */
    static volatile long tickMillis = 100;

    final long sessionId;
    final Channel channel;
    final String ip;
    final int listeningPort;
    private final Replication repl;
    private final Path storeDir;
    private final String logId;
    private final long from;
    /** Why the replica needs a full resync before streaming, or null (it continues from {@code from}). */
    private String fullResyncWhy;
    private final Thread thread;
    private volatile boolean running = true;
    volatile long ackApplied;
    volatile long ackSynced;
    volatile long lastAckMillis = System.currentTimeMillis();
    volatile long sent;
    volatile boolean online;
    /** INFO's slaveN state: wait_bgsave (a snapshot is prepared), send_bulk (sent), online (streaming). */
    volatile String state;
    /** The tail being streamed from; event loop only. */
    private LogTail live;
    private ScheduledFuture<?> tick;
    private long lastWrite;
    private boolean retryScheduled;
    /** The live tail is open: {@link #kick} schedules drains. */
    private volatile boolean streaming;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** The serial after which an ack request is to be written ({@link #requestAck}), or -1: none pending. */
    private final AtomicLong ackAfter = new AtomicLong(-1);
    private final Runnable drainTask = this::drain;
    private final Runnable retryTask = this::retry;
    /** Snapshot bytes sent to this replica in its full resync, and how many there are. */
    volatile long bulkSent;
    volatile long bulkTotal;

    /**
     * @param fullResyncWhy null to continue after {@code from}; else why the replica's position
     *                      cannot be continued (a full resync is sent first)
     */
    ReplicaStream(Replication repl, long sessionId, Channel channel, String ip, int listeningPort, String logId, long from,
                  String fullResyncWhy) {
        this.repl = repl;
        this.fullResyncWhy = fullResyncWhy;
        this.state = fullResyncWhy == null ? "online" : "wait_bgsave"; // a continued replica is online at once, as in Redis
        this.sessionId = sessionId;
        this.channel = channel;
        this.ip = ip;
        this.listeningPort = listeningPort;
        this.storeDir = repl.dir();
        this.logId = logId;
        this.from = from;
        // A replica being resynced has applied nothing of this log yet: WAIT must not count it.
        this.ackApplied = fullResyncWhy == null ? from : 0;
        this.sent = from;
        this.thread = new Thread(this, "vellum-repl-stream-" + ip + ":" + listeningPort);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        streaming = false;
        LockSupport.unpark(thread);
        channel.close(); // the close listener ends streaming on the event loop
    }

    /** A replica's REPLCONF ACK. Engine thread. */
    void ack(long applied, long synced) {
        ackApplied = applied;
        if (synced >= 0) {
            ackSynced = synced;
        }
        lastAckMillis = System.currentTimeMillis();
    }

    /** Records were appended to the log (the primary's commit): stream them. Any thread. */
    void kick() {
        if (streaming && !drainScheduled.getAndSet(true)) {
            channel.eventLoop().execute(drainTask);
        }
    }

    /**
     * Asks the replica to ack as soon as it has applied what the log holds now (a client blocked
     * in WAIT or WAITAOF waits for those records: they are in the log before the command runs).
     * The loop writes the ack request after it has sent them, which may be at a later drain (the
     * records of the batch being committed reach the tail after its commit wakes the stream).
     * Requests while one is pending are one frame, after the furthest of them. Dropped while a
     * full resync's snapshot is sent (not streaming yet): the replica's once-a-second ack still
     * comes. Any thread.
     */
    void requestAck() {
        if (!streaming) {
            return;
        }
        ackAfter.accumulateAndGet(repl.offset(), Math::max);
        kick();
    }

    @Override
    public void run() {
        // The replica decodes what it receives: this side only checks and sends the stored bytes.
        long after;
        boolean snapshotRecord = false;
        try (LogTail tail = new LogTail(storeDir, false)) {
            after = from;
            if (fullResyncWhy == null) {
                LogTail.Seek seek = tail.seekAfter(from);
                if (seek != LogTail.Seek.OK) {
                    fullResyncWhy = seek == LogTail.Seek.GONE
                            ? "the records after " + from + " are no longer in this primary's log"
                            : "this primary's log ends before record " + from;
                }
            }
            if (fullResyncWhy != null) {
                LOG.info("Replica {}:{} cannot continue from record {}: {}. Starting a full resync", ip, listeningPort,
                        from, fullResyncWhy);
                after = sendSnapshot(fullResyncWhy);
                if (after < 0) {
                    channel.close();
                    return;
                }
                snapshotRecord = true;
            } else {
                writeLine(ReplicationProtocol.CONTINUE + " " + logId + " " + from);
                LOG.info("Replica {}:{} continues log {} after record {}", ip, listeningPort, logId, from);
            }
        } catch (LogDamageException e) {
            LOG.error("Streaming the log to replica {}:{} stopped: the log cannot be read at {}: {}", ip, listeningPort,
                    LogFiles.describe(e.position()), e.getMessage());
            channel.close();
            return;
        } catch (IOException | RuntimeException | Error e) {
            if (running) {
                LOG.warn("Streaming the log to replica {}:{} failed", ip, listeningPort, e);
            }
            channel.close();
            return;
        }
        long start = after;
        boolean resynced = snapshotRecord;
        channel.eventLoop().execute(() -> startStreaming(start, resynced));
    }

    /** On the event loop: opens the live tail after {@code after} and streams from there. */
    private void startStreaming(long after, boolean snapshotRecord) {
        if (!running || !channel.isActive()) {
            channel.close();
            return;
        }
        try {
            live = new LogTail(storeDir, false);
            LogTail.Seek seek = snapshotRecord ? live.seekToSnapshotRecord(after) : live.seekAfter(after);
            if (seek != LogTail.Seek.OK) {
                LOG.warn("Replica {}:{}: the records after {} left the log before streaming began; it will reconnect{}",
                        ip, listeningPort, after, snapshotRecord ? " and resync again" : "");
                stopStreaming();
                return;
            }
        } catch (LogDamageException | RuntimeException e) {
            LOG.error("Streaming the log to replica {}:{} stopped: the log cannot be read: {}", ip, listeningPort,
                    e.getMessage());
            stopStreaming();
            return;
        }
        online = true;
        state = "online";
        sent = after;
        lastWrite = System.nanoTime();
        channel.closeFuture().addListener(f -> stopStreaming());
        tick = channel.eventLoop().scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        streaming = true;
        drain();
    }

    /** Event loop: writes what the log holds after what was sent, up to a batch. */
    private void drain() {
        drainScheduled.set(false);
        if (live == null) {
            return;
        }
        if (!running || !channel.isActive()) {
            stopStreaming();
            return;
        }
        if (!channel.isWritable()) {
            // The replica reads slower than we write: look again when its socket may have room.
            if (!retryScheduled) {
                retryScheduled = true;
                channel.eventLoop().schedule(retryTask, 1, TimeUnit.MILLISECONDS);
            }
            return;
        }
        ByteBuf buf = null;
        try {
            while (buf == null || buf.readableBytes() < MAX_BATCH_BYTES) {
                if (!live.next()) {
                    break;
                }
                if (buf == null) {
                    buf = channel.alloc().buffer(Math.max(1024, live.rawLength() + 4));
                }
                buf.writeInt(live.rawLength());
                buf.writeBytes(live.raw(), 0, live.rawLength());
            }
        } catch (LogDamageException e) {
            if (buf != null) {
                buf.release();
            }
            LOG.error("Streaming the log to replica {}:{} stopped: the log cannot be read at {}: {}", ip, listeningPort,
                    LogFiles.describe(e.position()), e.getMessage());
            stopStreaming();
            return;
        } catch (RuntimeException e) {
            if (buf != null) {
                buf.release();
            }
            LOG.warn("Streaming the log to replica {}:{} failed; it will reconnect", ip, listeningPort, e);
            stopStreaming();
            return;
        }
        boolean more = false;
        if (buf != null) {
            sent = live.serial();
            more = buf.readableBytes() >= MAX_BATCH_BYTES;
        }
        // An ack request once the records it follows are sent (a request coming meanwhile fails the
        // compareAndSet and has kicked another drain).
        long w = ackAfter.get();
        if (w >= 0 && sent >= w && ackAfter.compareAndSet(w, -1)) {
            if (buf == null) {
                buf = channel.alloc().buffer(4);
            }
            buf.writeInt(ReplicationProtocol.ACK_REQUEST);
        }
        if (buf != null) {
            lastWrite = System.nanoTime();
            channel.writeAndFlush(buf, channel.voidPromise());
            if (more) {
                kick(); // the rest after whatever else the loop has to do (clients)
            }
        }
    }

    private void retry() {
        retryScheduled = false;
        drain();
    }

    /** Event loop, every {@link #tickMillis}: what a wake missed, and a heartbeat after a second of silence. */
    private void tick() {
        drain();
        if (live != null && System.nanoTime() - lastWrite > ReplicationProtocol.HEARTBEAT_NANOS && channel.isActive()) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[4]), channel.voidPromise());
            lastWrite = System.nanoTime();
        }
    }

    /** Event loop: ends streaming (the connection closes; the replica reconnects if it still wants to). */
    private void stopStreaming() {
        streaming = false;
        online = false;
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        if (live != null) {
            live.close();
            live = null;
        }
        channel.close();
    }

    /**
     * The full resync's snapshot ({@link ReplicationProtocol}): +FULLRESYNC, keepalives while it
     * is prepared, +SNAPSHOT, the file, its CRC-32C. Returns the serial to stream after (the
     * snapshot's last record is sent again: the replica logs it), or -1 when stopped.
     */
    private long sendSnapshot(String why) throws IOException {
        state = "wait_bgsave";
        writeLine(ReplicationProtocol.FULLRESYNC + " " + logId + " " + why);
        long started = System.nanoTime();
        try (SnapshotSource.Prepared p = SnapshotSource.prepare(repl, () -> running && channel.isActive(),
                () -> channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'}), channel.voidPromise()))) {
            if (p == null) {
                return -1;
            }
            state = "send_bulk";
            bulkTotal = p.size();
            bulkSent = 0;
            writeLine(ReplicationProtocol.SNAPSHOT + " " + p.serial() + " " + p.size());
            CRC32C crc = new CRC32C();
            long off = 0;
            while (off < p.size()) {
                if (!running || !channel.isActive()) {
                    return -1;
                }
                int n = (int) Math.min(SNAPSHOT_CHUNK, p.size() - off);
                ByteBuf buf = channel.alloc().buffer(n);
                int read = 0;
                while (read < n) {
                    int r = buf.writeBytes(p.channel(), off + read, n - read);
                    if (r < 0) {
                        buf.release();
                        throw new IOException("snapshot " + p.file() + " ended at byte " + (off + read) + " of " + p.size());
                    }
                    read += r;
                }
                crc.update(buf.nioBuffer());
                channel.writeAndFlush(buf, channel.voidPromise());
                off += n;
                bulkSent = off;
                while (running && channel.isActive() && !channel.isWritable()) {
                    LockSupport.parkNanos(100_000);
                }
            }
            ByteBuf tail = channel.alloc().buffer(4);
            tail.writeInt((int) crc.getValue());
            channel.writeAndFlush(tail, channel.voidPromise());
            LOG.info("Full resync of replica {}:{}: sent snapshot {} ({} bytes, covering record {}) in {} ms", ip,
                    listeningPort, p.file().getFileName(), p.size(), p.serial(),
                    (System.nanoTime() - started) / 1_000_000);
            return p.serial() > 0 ? p.serial() - 1 : 0;
        }
    }

    private void writeLine(String line) {
        channel.writeAndFlush(Unpooled.wrappedBuffer((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
    }
}
