package io.vellum.snapshot;

import io.vellum.core.spi.CommandLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Writes one snapshot file from chunks the engine thread encodes: appends them to
 * {@code <name>.tmp} while computing the CRC-32C, then the trailer, then makes it durable the
 * only safe way (STYLE.md 6): sync the file, sync the log up to the snapshot's position, rename
 * atomically, sync the directory.
 *
 * <p><b>Threads.</b> The engine thread calls {@link #offer}, {@link #put} and {@link #finish};
 * the file I/O runs on this writer's own thread, so the engine never waits for the disk during
 * BGSAVE. The queue between them is bounded ({@value #QUEUE_CHUNKS} chunks): when it is full the
 * producer pauses and {@code resume} is called once there is room again.
 */
final class SnapshotFileWriter implements Runnable {
    static final int QUEUE_CHUNKS = 32;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final Path dir;
    private final Path tmp;
    private final Path target;
    private final CommandLog log;
    private final Runnable resume;
    private final ArrayBlockingQueue<ByteBuffer> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final CRC32C crc = new CRC32C();
    /** Chunk arrays written out, for the encoder to fill again (ChunkEncoder's chunk supplier). */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long records = -1;
    private volatile boolean failed;

    /** Writes {@code dir/snapshot-<nameNumber>.vsnap} (SnapshotFormat.nameNumber). */
    SnapshotFileWriter(Path dir, long nameNumber, CommandLog log, Runnable resume) {
        this.dir = dir;
        this.target = dir.resolve(SnapshotFormat.fileName(nameNumber));
        this.tmp = dir.resolve(SnapshotFormat.fileName(nameNumber).replace(SnapshotFormat.SUFFIX, SnapshotFormat.TMP_SUFFIX));
        this.log = log;
        this.resume = resume;
    }

    /** A chunk array already written out, or null (engine thread). */
    byte[] reusableChunk() {
        return free.poll();
    }

    Path target() {
        return target;
    }

    /** Completes with the file's size once it is durable, or exceptionally. */
    CompletableFuture<Long> done() {
        return done;
    }

    boolean failed() {
        return failed;
    }

    void start() {
        Thread t = new Thread(this, "vellum-snapshot-writer");
        t.setDaemon(true);
        t.start();
    }

    /** Hands a chunk over without waiting; false (and paused) when the queue is full. */
    boolean offer(ByteBuffer chunk) {
        if (failed) {
            return true; // dropped: the snapshot has failed, production just runs out
        }
        if (queue.offer(chunk)) {
            return true;
        }
        paused.set(true);
        // The writer may have drained the queue between the failed offer and the flag.
        if (queue.offer(chunk)) {
            paused.set(false);
            return true;
        }
        return false;
    }

    /** Hands a chunk over, waiting for room (SAVE, which blocks the engine anyway). */
    void put(ByteBuffer chunk) {
        if (failed) {
            return;
        }
        try {
            while (!failed && !queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // the writer is behind: wait (or stop once it failed)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a snapshot", e);
        }
    }

    /**
     * Every chunk was handed over: write the trailer ({@code records} key records) and finish.
     * The end marker always fits: the producer hands over nothing after it and the writer takes
     * one item at a time, so this waits at most for one chunk's write.
     */
    void finish(long recordCount) {
        this.records = recordCount;
        put(END);
    }

    /** {@link #finish} without waiting: false (and paused) when the queue is full. */
    boolean offerFinish(long recordCount) {
        this.records = recordCount;
        return offer(END);
    }

    /** Gives up (the engine is closing): the temporary file is deleted. */
    void abort() {
        failed = true;
        queue.clear();
        queue.offer(END);
    }

    @Override
    public void run() {
        long size = 0;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (true) {
                ByteBuffer b = queue.take();
                if (paused.compareAndSet(true, false)) {
                    resume.run();
                }
                if (b == END) {
                    break;
                }
                crc.update(b.duplicate());
                size += writeFully(ch, b);
                if (b.hasArray() && b.array().length == ChunkEncoder.CHUNK && free.size() < QUEUE_CHUNKS) {
                    free.add(b.array());
                }
            }
            if (failed) {
                throw new IOException("the snapshot was aborted");
            }
            size += writeFully(ch, ByteBuffer.wrap(ChunkEncoder.trailer(records, (int) crc.getValue())));
            ch.force(true);
        } catch (IOException | RuntimeException | InterruptedException e) {
            fail(e);
            return;
        }
        try {
            // The log must hold every record the snapshot covers before the snapshot exists:
            // after a crash its positions would otherwise be handed out again.
            log.sync();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SnapshotStoreFiles.syncDirectory(dir);
            done.complete(size);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private static long writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        long n = b.remaining();
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return n;
    }

    private void fail(Throwable e) {
        failed = true;
        queue.clear();
        if (paused.compareAndSet(true, false)) {
            resume.run();
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover temporary file is deleted on the next open
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        done.completeExceptionally(e);
    }
}
