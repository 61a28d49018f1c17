package io.vellum.replication;

import io.vellum.core.engine.InfoSection;

/**
 * INFO replication, with Redis's fields in Redis's order (replicationInfo in server.c). Offsets
 * are record serials (see {@link LogIdentity}), not bytes. A stopped replica adds
 * {@code vellum_replication_error} with the reason (a divergence names the record and the unit).
 */
final class ReplicationInfo {
    private ReplicationInfo() {
    }

    static void fill(Replication repl, InfoSection s) {
        s.fields().clear();
        Upstream u = repl.upstream();
        long now = System.currentTimeMillis();
        long offset = repl.offset();
        LogIdentity id = repl.identity();
        if (u == null) {
            s.put("role", "master");
        } else {
            long applied = u.applier().applied();
            FullResync.Progress sync = u.sync();
            s.put("role", "slave")
                    .put("master_host", u.host())
                    .put("master_port", u.port())
                    .put("master_link_status", u.up() ? "up" : "down")
                    .put("master_last_io_seconds_ago", u.lastIoMillis() == 0 ? -1 : (now - u.lastIoMillis()) / 1000)
                    .put("master_sync_in_progress", sync != null ? 1 : 0)
                    .put("slave_read_repl_offset", applied + u.applier().backlog())
                    .put("slave_repl_offset", applied);
            if (sync != null) {
                // Redis's fields while an RDB transfers (-1 total: the snapshot is still being prepared)
                long total = sync.total;
                long read = sync.read;
                s.put("master_sync_total_bytes", total)
                        .put("master_sync_read_bytes", read)
                        .put("master_sync_left_bytes", total < 0 ? -1 : total - read)
                        .put("master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f", total <= 0 ? 0.0 : 100.0 * read / total))
                        .put("master_sync_last_io_seconds_ago", (now - sync.lastIoMillis) / 1000);
            }
            if (!u.up()) {
                long since = repl.linkDownSinceMillis();
                s.put("master_link_down_since_seconds", since < 0 ? -1 : (now - since) / 1000);
            }
            s.put("slave_priority", 100)
                    .put("slave_read_only", 1)
                    .put("replica_announced", 1);
        }
        java.util.List<String> slaves = new java.util.ArrayList<>();
        for (ReplicaStream r : repl.replicas()) {
            slaves.add("ip=" + r.ip + ",port=" + r.listeningPort + ",state=" + r.state
                    + ",offset=" + r.ackApplied + ",lag=" + Math.max(0, (now - r.lastAckMillis) / 1000));
        }
        s.put("connected_slaves", slaves.size());
        for (int i = 0; i < slaves.size(); i++) {
            s.put("slave" + i, slaves.get(i));
        }
        s.put("master_failover_state", "no-failover")
                .put("master_replid", id.id())
                .put("master_replid2", id.previousEnd() >= 0 ? id.previousId() : LogIdentity.NONE)
                .put("master_repl_offset", offset)
                .put("second_repl_offset", id.previousEnd() >= 0 ? id.previousEnd() + 1 : -1)
                .put("repl_backlog_active", repl.log() != null ? 1 : 0)
                .put("repl_backlog_size", 1048576)
                .put("repl_backlog_first_byte_offset", repl.log() != null && offset > 0 ? 1 : 0)
                .put("repl_backlog_histlen", offset);
        String err = repl.lastError();
        if (err != null) {
            s.put("vellum_replication_error", err.replace('\r', ' ').replace('\n', ' '));
        }
    }
}
