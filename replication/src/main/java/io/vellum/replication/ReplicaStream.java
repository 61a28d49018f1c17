package io.vellum.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.threads.LongPauser;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of one network replica, after its {@code VELLUM.PSYNC}: a thread that
 * reads the primary's log from disk ({@link LogTail}, read-only) after the serial the replica
 * asked for and writes every record to the replica's connection as it appears, in the wire
 * format of {@link ReplicationProtocol}. Streaming from the log files keeps the engine thread
 * out of it: a record is on its way as soon as it is appended.
 *
 * <p>The replica's acks ({@code REPLCONF ACK}) arrive as commands on the same connection and
 * are recorded here by the engine thread; {@code WAIT}, {@code INFO} and {@code ROLE} read them.
 *
 * <p>Threads: its own thread writes; ack fields are volatile.
 */
final class ReplicaStream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStream.class);
    private static final int MAX_BATCH_BYTES = 256 * 1024;

    final long sessionId;
    final Channel channel;
    final String ip;
    final int listeningPort;
    private final Path storeDir;
    private final String logId;
    private final long from;
    private final Thread thread;
    private volatile boolean running = true;
    volatile long ackApplied;
    volatile long ackSynced;
    volatile long lastAckMillis = System.currentTimeMillis();
    volatile long sent;
    volatile boolean online;

    ReplicaStream(long sessionId, Channel channel, String ip, int listeningPort, Path storeDir, String logId, long from) {
        this.sessionId = sessionId;
        this.channel = channel;
        this.ip = ip;
        this.listeningPort = listeningPort;
        this.storeDir = storeDir;
        this.logId = logId;
        this.from = from;
        this.ackApplied = from;
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
        try (LogTail tail = new LogTail(storeDir)) {
            LogTail.Seek seek = tail.seekAfter(from);
            if (seek != LogTail.Seek.OK) {
                String why = seek == LogTail.Seek.GONE
                        ? "the records after " + from + " are no longer in this primary's log"
                        : "this primary's log ends before record " + from;
                writeLine("-ERR " + ReplicationProtocol.FULL_RESYNC_NEEDED + " " + why);
                LOG.warn("Replica {}:{} cannot continue from record {}: {}", ip, listeningPort, from, why);
                channel.close();
                return;
            }
            writeLine("+CONTINUE " + logId + " " + from);
            online = true;
            LOG.info("Replica {}:{} continues log {} after record {}", ip, listeningPort, logId, from);
            stream(tail);
        } catch (LogDamageException e) {
            LOG.error("Streaming the log to replica {}:{} stopped: the log cannot be read at {}: {}", ip, listeningPort,
                    LogFiles.describe(e.position()), e.getMessage());
        } catch (RuntimeException | Error e) {
            if (running) {
                LOG.warn("Streaming the log to replica {}:{} failed", ip, listeningPort, e);
            }
        } finally {
            online = false;
            channel.close();
        }
    }

    private void stream(LogTail tail) throws LogDamageException {
        Pauser pauser = new LongPauser(200, 50, 20, 500, TimeUnit.MICROSECONDS);
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
