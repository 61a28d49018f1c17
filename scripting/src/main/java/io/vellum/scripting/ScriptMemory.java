package io.vellum.scripting;

/**
 * The memory bound of a running script: {@code script-max-memory} bytes (0: none), and, always,
 * the heap guard that fails a script before the JVM runs out of heap. Past either, the script
 * ends with Lua's {@code not enough memory} (which pcall catches, as in Lua 5.1) and the engine
 * keeps running. Redis has no per-script bound (its scripts share the process's memory and
 * only {@code maxmemory} applies to the commands they call): with the default 0 a script is
 * bounded only by the heap, as a Redis script is by the machine.
 *
 * <p><b>What is measured.</b> The JVM does not count the live objects a thread holds, so the
 * bound is on the growth of the heap in use since the script started, confirmed by a full
 * collection before a script is failed (garbage never fails a script). It is approximate in
 * the script's favour: the baseline, taken without a collection, includes the garbage that was
 * waiting for the collector when the script started. To keep a script that holds nearly its
 * bound from making every check a full collection, a collection is asked for at most once per
 * quarter of the bound (or 5% of the heap) allocated since the previous one. Without a bound
 * no baseline is taken (reading the heap in use takes a lock: 60 ns a script call); a bound set
 * while a script runs counts from the first check after it.
 *
 * <p>Checked by the interrupt hook every 2^16 Lua instructions and every 64 KiB of encoder
 * output; {@code string.rep} refuses a result larger than the bound at once. Engine thread.
 */
final class ScriptMemory {
    private final Runtime rt = Runtime.getRuntime();
    /** Heap in use when the script started; -1 when it ran without a bound so far. */
    private long startUsed = -1;
    /** Heap in use after the last collection this run asked for; -1 when none yet. */
    private long lastLive = -1;

    /** A script starts under {@code limit} bytes (0: no bound). */
    void startRun(long limit) {
        startUsed = limit > 0 ? used() : -1;
        lastLive = -1;
    }

    /** True when the running script is past {@code limit} bytes (0: no bound) or the heap is nearly full. */
    boolean exceeded(long limit) {
        long max = rt.maxMemory();
        long used = used();
        if (limit > 0 && startUsed < 0) {
            startUsed = used;
        }
        boolean overBound = limit > 0 && used - startUsed > limit;
        boolean heapNearlyFull = used >= max / 100 * 85;
        if (!overBound && !heapNearlyFull) {
            return false;
        }
        long slack = limit > 0 ? Math.min(limit / 4, max / 20) : max / 20;
        if (lastLive >= 0 && used - lastLive < slack) {
            return false;
        }
        System.gc();
        long live = used();
        lastLive = live;
        return limit > 0 && live - startUsed > limit || live > max / 100 * 80;
    }

    private long used() {
        return rt.totalMemory() - rt.freeMemory();
    }
}
