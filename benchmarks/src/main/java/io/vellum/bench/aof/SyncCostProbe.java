package io.vellum.bench.aof;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;

/**
 * What one {@code appendfsync always} commit costs the committing thread when the log is
 * written through a shared mapping (as Chronicle Queue writes it) against {@code write()} plus
 * {@code fdatasync} (as Redis writes its AOF), and records written through the mapping but
 * synced with {@code fdatasync} on the file: CPU and wall time per commit, with the process's
 * other thread idle or running on the other core (busy, as a server's
 * event loop, engine, GC or JIT threads may while one of them syncs).
 *
 * <p>Why: under {@code always} Vellum's commits cost more kernel time than Redis's. Writeback of
 * a page that is mapped writable must write-protect it in every mapping first
 * ({@code page_mkclean}, a TLB flush on each CPU where the process runs) and the next record
 * written to it takes a write fault; a page written with {@code write()} has neither. This
 * program measures that difference on its own, without a server or a network. Measured on this
 * machine (Linux 6.18, ext4 without a journal, quiet, 3,000 commits of 2,200 bytes, medians of
 * 3): 482 us of wall time per msync commit, 498 us per fdatasync of the same mapped pages, 102 us
 * per write()+fdatasync; 85, 85 and 35 us of CPU. So syncing the log's pages through the file
 * instead of the mapping gains nothing: the cost is the writeback of pages that are mapped.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.vellum.bench.aof.SyncCostProbe [dir] [commits] [bytes-per-commit] [rounds]</pre>
 */
public final class SyncCostProbe {
    private static volatile boolean stopBusy;

    private SyncCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 2200; // ~28 SET records of ~78 bytes
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.printf("%d commits of %d bytes per run, %d rounds; medians of CPU and wall time per commit%n",
                commits, bytes, rounds);
        for (boolean busy : new boolean[] {false, true}) {
            for (String mode : new String[] {"mmap+msync", "mmap+fdatasync", "write+fdatasync"}) {
                List<double[]> runs = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    runs.add(run(dir, mode, commits, bytes, busy));
                }
                System.out.printf("%-16s other thread %-5s cpu %7.1f us/commit  wall %7.1f us/commit%n", mode,
                        busy ? "busy" : "idle", median(runs, 0), median(runs, 1));
            }
        }
    }

    private static double median(List<double[]> runs, int i) {
        List<Double> v = new ArrayList<>();
        for (double[] r : runs) {
            v.add(r[i]);
        }
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    /** {CPU microseconds, wall microseconds} per commit. */
    private static double[] run(Path dir, String mode, int commits, int bytes, boolean busy) throws IOException,
            InterruptedException {
        Path file = Files.createTempFile(dir, "sync-cost", ".dat");
        long size = (long) commits * bytes + 4096;
        Thread other = null;
        if (busy) {
            stopBusy = false;
            other = new Thread(() -> {
                long x = 0;
                while (!stopBusy) {
                    x++;
                }
            }, "busy");
            other.setDaemon(true);
            other.start();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        byte[] record = new byte[bytes];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // allocated and synced first, so neither mode pays for block allocation
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long p = 0; p < size; p += zeros.capacity()) {
                zeros.clear();
                ch.write(zeros, p);
            }
            ch.force(true);
            MappedByteBuffer map = null;
            if (mode.startsWith("mmap")) {
                map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
                adviseRandom(map, size);
            }
            long pos = 0;
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (int i = 0; i < commits; i++) {
                if (map != null) {
                    map.put((int) pos, record);
                    if (mode.endsWith("msync")) {
                        int from = (int) (pos & -4096L);
                        map.force(from, (int) (pos + bytes - from));
                    } else {
                        ch.force(false); // the same dirty mapped pages, synced through the file
                    }
                } else {
                    ByteBuffer b = ByteBuffer.wrap(record);
                    while (b.hasRemaining()) {
                        ch.write(b, pos + b.position());
                    }
                    ch.force(false);
                }
                pos += bytes;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            return new double[] {cpu / 1e3 / commits, wall / 1e3 / commits};
        } finally {
            stopBusy = true;
            if (other != null) {
                other.join();
            }
            Files.deleteIfExists(file);
        }
    }

    /** As the server's MappingAdvice does for the log: faults map single pages. */
    private static void adviseRandom(MappedByteBuffer map, long size) {
        try {
            // needs --add-opens java.base/java.nio (the server's jvm.flags has it)
            java.lang.reflect.Field f = java.nio.Buffer.class.getDeclaredField("address");
            f.setAccessible(true);
            long address = f.getLong(map);
            PosixAPI.posix().madvise(address, size, MAdviseFlag.MADV_RANDOM);
        } catch (Throwable e) {
            System.out.println("no madvise: " + e);
        }
    }
}
