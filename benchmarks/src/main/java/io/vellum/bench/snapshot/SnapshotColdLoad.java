package io.vellum.bench.snapshot;

import io.vellum.core.engine.Engine;
import io.vellum.snapshot.ProtoSnapshotStore;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * One snapshot load in a fresh JVM, as a restart does it (cold JIT, a heap that has not grown
 * yet): the honest recovery figure, where {@link SnapshotBenchmark}'s repeated loads run warm.
 * Give it a store directory whose {@code snapshots/} holds a snapshot (SnapshotBenchmark prints
 * its directory with {@code -Dvellum.bench.keep=true}):
 * <pre>java -Xmx4g -cp benchmarks/target/benchmarks.jar io.vellum.bench.snapshot.SnapshotColdLoad &lt;storeDir&gt;</pre>
 * Beside the wall clock it prints what a shared machine disturbs less: the loading thread's CPU
 * time and allocated bytes, the young collections and their pause time, the JIT's compile
 * time, the process's minor page faults (first touches of new heap), and, after a full GC,
 * the retained heap per key and the largest classes by instances ({@code -Dvellum.bench.histogram=false}
 * skips that). Add {@code -Xlog:gc} for each collection's pause and heap before and after.
 *
 * <p>What costs what in a fresh JVM on two processors: the loading thread's CPU (decoding, with
 * code that is interpreted or C1-compiled until C2's compiles arrive), the young collections
 * (every loaded object is live, so each collection copies what was loaded since the last, and
 * the collector's two threads share the processors with the C2 compiler thread), and first
 * touches of new heap pages ({@code -XX:+UseTransparentHugePages} took the faults from ~90k to
 * ~15k and the loading thread's CPU down a fifth in our runs; a JVM flag, so the launcher's call).
 */
public final class SnapshotColdLoad {
    private SnapshotColdLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        try (Engine engine = Engine.builder().build()) {
            long[] gc = gcCounts();
            long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long faults = minorFaults();
            long cpu = threads.getCurrentThreadCpuTime();
            long alloc = threads.getThreadAllocatedBytes(self);
            long t = System.nanoTime();
            ProtoSnapshotStore store = new ProtoSnapshotStore(dir);
            store.load(engine);
            long ns = System.nanoTime() - t;
            long cpuNs = threads.getCurrentThreadCpuTime() - cpu;
            long allocated = threads.getThreadAllocatedBytes(self) - alloc;
            long[] gcAfter = gcCounts();
            long keys = 0;
            for (int i = 0; i < engine.keyspace().count(); i++) {
                keys += engine.keyspace().db(i).dict().size();
            }
            System.out.printf("cold load: %d keys in %d ms, %.2f M keys/s%n", keys, ns / 1_000_000, keys / (ns / 1e9) / 1e6);
            System.out.printf("  loading thread: CPU %d ms, allocated %.1f MB (%d bytes/key)%n", cpuNs / 1_000_000,
                    allocated / 1e6, keys > 0 ? allocated / keys : 0);
            System.out.printf("  GC: %d collections, %d ms (the collector's own count and time)%n", gcAfter[0] - gc[0],
                    gcAfter[1] - gc[1]);
            System.out.printf("  JIT compile time %d ms (all compiler threads); minor page faults %d%n",
                    ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit, minorFaults() - faults);
            if (!"false".equals(System.getProperty("vellum.bench.histogram"))) {
                Runtime rt = Runtime.getRuntime();
                System.gc();
                long used = rt.totalMemory() - rt.freeMemory();
                System.out.printf("  retained heap after a full GC: %.1f MB (%d bytes/key)%n", used / 1e6,
                        keys > 0 ? used / keys : 0);
                histogram(keys, 16);
            }
        }
    }

    /** The top of GC.class_histogram and its total, with objects and bytes per key. */
    private static void histogram(long keys, int top) throws Exception {
        String h = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = h.split("\n");
        for (int i = 0; i < Math.min(top + 2, lines.length); i++) {
            System.out.println("  " + lines[i]);
        }
        String total = lines[lines.length - 1].trim();
        System.out.println("  " + total);
        String[] f = total.split("\\s+");
        if (keys > 0 && f.length >= 3) {
            System.out.printf("  per key: %.2f objects, %.0f bytes (everything on the heap, the engine's tables included)%n",
                    Long.parseLong(f[1]) / (double) keys, Long.parseLong(f[2]) / (double) keys);
        }
    }

    /** Collections and their total time (ms), over every collector. */
    private static long[] gcCounts() {
        long n = 0;
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /** This process's minor page faults (Linux; 0 elsewhere). */
    private static long minorFaults() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (Exception e) {
            return 0;
        }
    }
}
