package io.vellum.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on a store directory ({@code <dir>/vellum.lock}, an OS file lock): one
 * process at a time may write a store, so a second one gets a clear error instead of
 * interleaving its records into the log. The file holds the owner's pid, for the message;
 * the OS releases the lock when the owner dies (kill -9 included), so a stale file never
 * blocks a restart. Read-only tools (check-aof without --fix, log dump) do not take it.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE = "vellum.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code storeDir} (created if missing).
     *
     * @throws StoreLockedException when another process, or another store in this process,
     *                              has it open
     */
    public static DirectoryLock acquire(Path storeDir) throws IOException {
        Files.createDirectories(storeDir);
        Path file = storeDir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw new StoreLockedException("the store directory " + storeDir.toAbsolutePath()
                    + " is already open in this process: close the other store first");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String owner = readOwner(ch);
            ch.close();
            throw new StoreLockedException("the store directory " + storeDir.toAbsolutePath()
                    + " is in use by another process" + (owner.isEmpty() ? "" : " (pid " + owner + ")")
                    + ": it holds " + file.toAbsolutePath() + ". Stop that process, or open the log read-only"
                    + " (vellum log dump, vellum check-aof without --fix).");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new DirectoryLock(file, ch, lock);
    }

    private static String readOwner(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            int n = ch.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the OS drops the lock with the descriptor
        }
    }

    /** The store directory is locked by someone else. */
    public static final class StoreLockedException extends IOException {
        public StoreLockedException(String message) {
            super(message);
        }
    }
}
