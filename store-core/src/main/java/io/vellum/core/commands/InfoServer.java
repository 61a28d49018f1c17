package io.vellum.core.commands;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.InfoSection;
import io.vellum.core.engine.Role;
import io.vellum.core.engine.Session;
import io.vellum.core.spi.CommandLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The fields of INFO's server, clients, memory, persistence, stats, replication and cpu
 * sections, named and formatted as Redis 7.2 does. Figures Redis takes from its allocator,
 * forks or event loop come from the JVM where there is an equivalent and are 0 where there is
 * none; the modules that own persistence and replication replace theirs through
 * {@link io.vellum.core.engine.InfoContributor}s.
 */
final class InfoServer {
    private InfoServer() {
    }

    /** Vellum's own version (INFO vellum_version). */
    static final String VELLUM_VERSION = versionOf();

    /** The highest used_memory seen by this JVM (INFO used_memory_peak). */
    private static volatile long peakMemory;

    private static String versionOf() {
        String v = InfoServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }

    static void server(Engine engine, InfoSection s) {
        long nowMicros = engine.clock().source().currentMicros();
        long uptime = (nowMicros / 1000 - engine.startMillis()) / 1000;
        String arch = System.getProperty("os.arch", "");
        s.put("redis_version", ConnectionCommands.REDIS_VERSION)
                .put("redis_git_sha1", "00000000")
                .put("redis_git_dirty", 0)
                .put("redis_build_id", "0")
                .put("redis_mode", "standalone")
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + (arch.equals("amd64") ? "x86_64" : arch))
                .put("arch_bits", System.getProperty("sun.arch.data.model", "64"))
                .put("monotonic_clock", "JVM System.nanoTime")
                .put("multiplexing_api", "netty")
                .put("atomicvar_api", "java")
                .put("gcc_version", "0.0.0")
                .put("process_id", ProcessHandle.current().pid())
                .put("process_supervised", "no")
                .put("run_id", engine.runId())
                .put("tcp_port", engine.config().port.get())
                .put("server_time_usec", nowMicros)
                .put("uptime_in_seconds", uptime)
                .put("uptime_in_days", uptime / (3600 * 24))
                .put("hz", engine.config().hz.get())
                .put("configured_hz", engine.config().hz.get())
                .put("lru_clock", (nowMicros / 1_000_000) & ((1 << 24) - 1))
                .put("executable", ProcessHandle.current().info().command().orElse(""))
                .put("config_file", "")
                .put("io_threads_active", 0)
                .put("vellum_version", VELLUM_VERSION);
    }

    static void clients(Engine engine, InfoSection s) {
        int[] blockingKeys = engine.blockingKeys();
        int pubsub = 0;
        int watching = 0;
        for (Session c : engine.sessions()) {
            if (PubSubSupport.inSubscribedMode(c)) {
                pubsub++;
            }
            if (c.isWatching()) {
                watching++;
            }
        }
        s.put("connected_clients", engine.sessions().size())
                .put("cluster_connections", 0)
                .put("maxclients", engine.config().maxclients.get())
                .put("client_recent_max_input_buffer", 0)
                .put("client_recent_max_output_buffer", 0)
                .put("blocked_clients", engine.blockedClients())
                .put("tracking_clients", 0)
                .put("pubsub_clients", pubsub)
                .put("watching_clients", watching)
                .put("clients_in_timeout_table", engine.blockedClients())
                .put("total_watched_keys", engine.watches().watchedKeys())
                .put("total_blocking_keys", blockingKeys[0])
                .put("total_blocking_keys_on_nokey", blockingKeys[1]);
    }

    static void memory(Engine engine, InfoSection s) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long peak = Math.max(peakMemory, used);
        peakMemory = peak;
        long rss = residentBytes(rt.totalMemory());
        long system = systemMemory();
        long max = rt.maxMemory();
        s.put("used_memory", used)
                .put("used_memory_human", human(used))
                .put("used_memory_rss", rss)
                .put("used_memory_rss_human", human(rss))
                .put("used_memory_peak", peak)
                .put("used_memory_peak_human", human(peak))
                .put("used_memory_peak_perc", pct(used, peak))
                .put("used_memory_overhead", 0)
                .put("used_memory_startup", 0)
                .put("used_memory_dataset", used)
                .put("used_memory_dataset_perc", "100.00%")
                .put("allocator_allocated", used)
                .put("allocator_active", rt.totalMemory())
                .put("allocator_resident", rss)
                .put("total_system_memory", system)
                .put("total_system_memory_human", human(system))
                .put("used_memory_lua", 0)
                .put("used_memory_vm_eval", 0)
                .put("used_memory_lua_human", human(0))
                .put("used_memory_scripts_eval", 0)
                .put("number_of_cached_scripts", 0)
                .put("number_of_functions", 0)
                .put("number_of_libraries", 0)
                .put("used_memory_vm_functions", 0)
                .put("used_memory_vm_total", 0)
                .put("used_memory_vm_total_human", human(0))
                .put("used_memory_functions", 0)
                .put("used_memory_scripts", 0)
                .put("used_memory_scripts_human", human(0))
                .put("maxmemory", 0)
                .put("maxmemory_human", human(0))
                .put("maxmemory_policy", "noeviction")
                .put("allocator_frag_ratio", ratio(rt.totalMemory(), used))
                .put("allocator_frag_bytes", rt.totalMemory() - used)
                .put("allocator_rss_ratio", ratio(rss, rt.totalMemory()))
                .put("allocator_rss_bytes", rss - rt.totalMemory())
                .put("rss_overhead_ratio", "1.00")
                .put("rss_overhead_bytes", 0)
                .put("mem_fragmentation_ratio", ratio(rss, used))
                .put("mem_fragmentation_bytes", rss - used)
                .put("mem_not_counted_for_evict", 0)
                .put("mem_replication_backlog", 0)
                .put("mem_total_replication_buffers", 0)
                .put("mem_clients_slaves", 0)
                .put("mem_clients_normal", 0)
                .put("mem_cluster_links", 0)
                .put("mem_aof_buffer", 0)
                .put("mem_allocator", "jvm")
                .put("active_defrag_running", 0)
                .put("lazyfree_pending_objects", 0)
                .put("lazyfreed_objects", 0)
                .put("jvm_max_memory", max)
                .put("jvm_max_memory_human", human(max));
    }

    static void persistence(Engine engine, InfoSection s) {
        boolean aof = engine.log() != CommandLog.NONE;
        s.put("loading", engine.loading() ? 1 : 0)
                .put("async_loading", 0)
                .put("current_cow_peak", 0)
                .put("current_cow_size", 0)
                .put("current_cow_size_age", 0)
                .put("current_fork_perc", "0.00")
                .put("current_save_keys_processed", 0)
                .put("current_save_keys_total", 0)
                .put("rdb_changes_since_last_save", engine.dirty())
                .put("rdb_bgsave_in_progress", 0)
                .put("rdb_last_save_time", engine.startMillis() / 1000)
                .put("rdb_last_bgsave_status", "ok")
                .put("rdb_last_bgsave_time_sec", -1)
                .put("rdb_current_bgsave_time_sec", -1)
                .put("rdb_saves", 0)
                .put("rdb_last_cow_size", 0)
                .put("rdb_last_load_keys_expired", 0)
                .put("rdb_last_load_keys_loaded", 0)
                .put("aof_enabled", aof ? 1 : 0)
                .put("aof_rewrite_in_progress", 0)
                .put("aof_rewrite_scheduled", 0)
                .put("aof_last_rewrite_time_sec", -1)
                .put("aof_current_rewrite_time_sec", -1)
                .put("aof_last_bgrewrite_status", "ok")
                .put("aof_rewrites", 0)
                .put("aof_rewrites_consecutive_failures", 0)
                .put("aof_last_write_status", engine.log().failed() ? "err" : "ok")
                .put("aof_last_cow_size", 0)
                .put("module_fork_in_progress", 0)
                .put("module_fork_last_cow_size", 0);
    }

    static void stats(Engine engine, InfoSection s) {
        s.put("total_connections_received", engine.totalConnections())
                .put("total_commands_processed", engine.totalCommands())
                .put("instantaneous_ops_per_sec", 0)
                .put("total_net_input_bytes", 0)
                .put("total_net_output_bytes", 0)
                .put("total_net_repl_input_bytes", 0)
                .put("total_net_repl_output_bytes", 0)
                .put("instantaneous_input_kbps", "0.00")
                .put("instantaneous_output_kbps", "0.00")
                .put("instantaneous_input_repl_kbps", "0.00")
                .put("instantaneous_output_repl_kbps", "0.00")
                .put("rejected_connections", 0)
                .put("sync_full", 0)
                .put("sync_partial_ok", 0)
                .put("sync_partial_err", 0)
                .put("expired_keys", engine.keyspace().expiredKeys())
                .put("expired_stale_perc", "0.00")
                .put("expired_time_cap_reached_count", 0)
                .put("expire_cycle_cpu_milliseconds", 0)
                .put("evicted_keys", 0)
                .put("evicted_clients", 0)
                .put("total_eviction_exceeded_time", 0)
                .put("current_eviction_exceeded_time", 0)
                .put("keyspace_hits", 0)
                .put("keyspace_misses", 0)
                .put("pubsub_channels", engine.pubSub().channelCount())
                .put("pubsub_patterns", engine.pubSub().patternCount())
                .put("pubsubshard_channels", engine.pubSub().shardChannelCount())
                .put("latest_fork_usec", 0)
                .put("total_forks", 0)
                .put("migrate_cached_sockets", 0)
                .put("slave_expires_tracked_keys", 0)
                .put("active_defrag_hits", 0)
                .put("active_defrag_misses", 0)
                .put("active_defrag_key_hits", 0)
                .put("active_defrag_key_misses", 0)
                .put("total_active_defrag_time", 0)
                .put("current_active_defrag_time", 0)
                .put("tracking_total_keys", 0)
                .put("tracking_total_items", 0)
                .put("tracking_total_prefixes", 0)
                .put("unexpected_error_replies", 0)
                .put("total_error_replies", engine.totalErrorReplies())
                .put("dump_payload_sanitizations", 0)
                .put("total_reads_processed", engine.totalCommands())
                .put("total_writes_processed", engine.totalCommands())
                .put("io_threaded_reads_processed", 0)
                .put("io_threaded_writes_processed", 0)
                .put("reply_buffer_shrinks", 0)
                .put("reply_buffer_expands", 0)
                .put("eventloop_cycles", 0)
                .put("eventloop_duration_sum", 0)
                .put("eventloop_duration_cmd_sum", 0)
                .put("instantaneous_eventloop_cycles_per_sec", 0)
                .put("instantaneous_eventloop_duration_usec", 0)
                .put("acl_access_denied_auth", 0)
                .put("acl_access_denied_cmd", 0)
                .put("acl_access_denied_key", 0)
                .put("acl_access_denied_channel", 0);
    }

    static void replication(Engine engine, InfoSection s) {
        s.put("role", engine.role() == Role.PRIMARY ? "master" : "slave")
                .put("connected_slaves", 0)
                .put("master_failover_state", "no-failover")
                .put("master_replid", engine.runId())
                .put("master_replid2", "0000000000000000000000000000000000000000")
                .put("master_repl_offset", 0)
                .put("second_repl_offset", -1)
                .put("repl_backlog_active", 0)
                .put("repl_backlog_size", 1048576)
                .put("repl_backlog_first_byte_offset", 0)
                .put("repl_backlog_histlen", 0);
    }

    /** Process CPU (utime/stime from /proc where there is one) and the engine thread's. */
    static void cpu(InfoSection s) {
        long[] proc = procCpuMicros();
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long threadTotal = t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() / 1000 : 0;
        long threadUser = t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadUserTime() / 1000 : 0;
        s.put("used_cpu_sys", seconds(proc[1]))
                .put("used_cpu_user", seconds(proc[0]))
                .put("used_cpu_sys_children", "0.000000")
                .put("used_cpu_user_children", "0.000000")
                .put("used_cpu_sys_main_thread", seconds(Math.max(0, threadTotal - threadUser)))
                .put("used_cpu_user_main_thread", seconds(threadUser));
    }

    /** {user, system} CPU time of the process in µs. */
    private static long[] procCpuMicros() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long hz = 100; // USER_HZ
            return new long[] {Long.parseLong(f[11]) * 1_000_000 / hz, Long.parseLong(f[12]) * 1_000_000 / hz};
        } catch (IOException | RuntimeException e) {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            long total = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1000 : 0;
            return new long[] {total, 0};
        }
    }

    private static long residentBytes(long fallback) {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    private static long systemMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
    }

    private static String pct(long a, long b) {
        return String.format(Locale.ROOT, "%.2f%%", b == 0 ? 0.0 : 100.0 * a / b);
    }

    static String human(long n) {
        return io.vellum.core.util.HumanBytes.format(n);
    }
}
