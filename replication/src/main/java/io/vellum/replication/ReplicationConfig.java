package io.vellum.replication;

import io.vellum.core.config.ConfigParam;
import io.vellum.core.config.StoreConfig;

/** The replication directives (redis.conf's names), registered on a store's configuration before it opens. */
public final class ReplicationConfig {
    private ReplicationConfig() {
    }

    /** {@code replicaof <host> <port>} (alias slaveof): follow that primary from the start. */
    public static final String REPLICAOF = "replicaof";
    /** {@code masterauth <password>}: what a replica authenticates with on its primary. */
    public static final String MASTERAUTH = "masterauth";

    /** Adds the directives to {@code config} (once; a second call does nothing). */
    public static void register(StoreConfig config) {
        if (config.find(REPLICAOF) == null) {
            config.register(ConfigParam.Text.list(REPLICAOF, "", false, "slaveof"));
        }
        if (config.find(MASTERAUTH) == null) {
            config.register(new ConfigParam.Text(MASTERAUTH, "", true));
        }
    }

    static String masterauth(StoreConfig config) {
        ConfigParam<?> p = config.find(MASTERAUTH);
        return p == null ? "" : (String) p.get();
    }

    static String replicaof(StoreConfig config) {
        ConfigParam<?> p = config.find(REPLICAOF);
        return p == null ? "" : (String) p.get();
    }
}
