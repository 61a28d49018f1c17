package io.vellum.bench.snapshot;

import io.vellum.core.engine.Engine;
import io.vellum.snapshot.ProtoSnapshotStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * One snapshot load in a fresh JVM, as a restart does it (cold JIT, a heap that has not grown
 * yet): the honest recovery figure, where {@link SnapshotBenchmark}'s repeated loads run warm.
 * Give it a store directory whose {@code snapshots/} holds a snapshot (SnapshotBenchmark prints
 * its directory with {@code -Dvellum.bench.keep=true}):
 * <pre>java -Xmx4g -cp benchmarks/target/benchmarks.jar io.vellum.bench.snapshot.SnapshotColdLoad &lt;storeDir&gt;</pre>
 */
public final class SnapshotColdLoad {
    private SnapshotColdLoad() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (Engine engine = Engine.builder().build()) {
            long gc = gcMillis();
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long t = System.nanoTime();
            ProtoSnapshotStore store = new ProtoSnapshotStore(dir);
            store.load(engine);
            long ns = System.nanoTime() - t;
            long keys = engine.keyspace().db(0).dict().size();
            System.out.printf("cold load: %d keys in %d ms, %.2f M keys/s (loading thread CPU %d ms, GC %d ms)%n", keys,
                    ns / 1_000_000, keys / (ns / 1e9) / 1e6,
                    (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu) / 1_000_000, gcMillis() - gc);
        }
    }

    private static long gcMillis() {
        long t = 0;
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }
}
