package io.vellum.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of one network replica, after its {@code VELLUM.PSYNC}: a thread that
 * reads the primary's log from disk ({@link LogTail}, read-only) after the serial the replica
 * asked for and writes every record to the replica's connection as it appears, in the wire
 * format of {@link ReplicationProtocol}. Streaming from the log files keeps the engine thread
 * out of it: a record is on its way as soon as it is appended. When the replica's position
 * cannot be continued (diverged, or gone from the log) it first sends a full resync: a
 * snapshot ({@link SnapshotSource}), then the records from the snapshot's position.
 *
 * <p>The replica's acks ({@code REPLCONF ACK}) arrive as commands on the same connection and
 * are recorded here by the engine thread; {@code WAIT}, {@code INFO} and {@code ROLE} read them.
 *
 * <p>Threads: its own thread writes; ack fields are volatile.
 */
final class ReplicaStream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStream.class);
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final int SNAPSHOT_CHUNK = 256 * 1024;

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
        LockSupport.unpark(thread);
        channel.close();
    }

    /** A replica's REPLCONF ACK. Engine thread. */
    void ack(long applied, long synced) {
        ackApplied = applied;
        if (synced >= 0) {
            ackSynced = synced;
        }
        lastAckMillis = System.currentTimeMillis();
    }

    @Override
    public void run() {
        // The replica decodes what it receives: this side only checks and sends the stored bytes.
        try (LogTail tail = new LogTail(storeDir, false)) {
            long after = from;
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
                    return;
                }
                LogTail.Seek seek = tail.seekToSnapshotRecord(after);
                if (seek != LogTail.Seek.OK) {
                    LOG.warn("Full resync of replica {}:{}: the records after {} left the log while the snapshot was sent;"
                            + " it will reconnect and resync again", ip, listeningPort, after);
                    return;
                }
            } else {
                writeLine(ReplicationProtocol.CONTINUE + " " + logId + " " + from);
                LOG.info("Replica {}:{} continues log {} after record {}", ip, listeningPort, logId, from);
            }
            online = true;
            state = "online";
            stream(tail);
        } catch (LogDamageException e) {
            LOG.error("Streaming the log to replica {}:{} stopped: the log cannot be read at {}: {}", ip, listeningPort,
                    LogFiles.describe(e.position()), e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            if (running) {
                LOG.warn("Streaming the log to replica {}:{} failed", ip, listeningPort, e);
            }
        } finally {
            online = false;
            channel.close();
        }
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

    private void stream(LogTail tail) throws LogDamageException {
        IdleWait pauser = new IdleWait();
        long lastWrite = System.nanoTime();
        while (running && channel.isActive()) {
            ByteBuf buf = null;
            while (buf == null || buf.readableBytes() < MAX_BATCH_BYTES) {
                if (!tail.next()) {
                    break;
                }
                if (buf == null) {
                    buf = channel.alloc().buffer(16 * 1024);
                }
                buf.writeInt(tail.rawLength());
                buf.writeBytes(tail.raw(), 0, tail.rawLength());
            }
            if (buf != null) {
                sent = tail.serial();
                channel.writeAndFlush(buf, channel.voidPromise());
                lastWrite = System.nanoTime();
                pauser.reset();
                while (running && channel.isActive() && !channel.isWritable()) {
                    LockSupport.parkNanos(100_000); // the replica reads slower than we write: wait for it
                }
                continue;
            }
            if (System.nanoTime() - lastWrite > ReplicationProtocol.HEARTBEAT_NANOS) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[4]), channel.voidPromise());
                lastWrite = System.nanoTime();
            }
            pauser.pause();
        }
    }

    private void writeLine(String line) {
        channel.writeAndFlush(Unpooled.wrappedBuffer((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
    }
}
