package io.vellum.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration directive Vellum has, typed. redis.conf files, {@code --name value}
 * on the command line, CONFIG GET/SET and the embedding builder all go through here.
 * A directive Vellum does not implement is not listed: CONFIG SET and the config file
 * refuse it rather than accept and ignore it.
 */
public final class StoreConfig {
    private static final long GB = 1024L * 1024 * 1024;
    private static final long MB = 1024L * 1024;

    private final Map<String, ConfigParam<?>> byName = new LinkedHashMap<>();
    private final List<ConfigParam<?>> params = new ArrayList<>();

    // server
    public final ConfigParam.Int port = add(new ConfigParam.Int("port", 6379, 0, 65535, false));
    public final ConfigParam.Text bind = add(ConfigParam.Text.list("bind", "127.0.0.1", false));
    public final ConfigParam.Text dir = add(new ConfigParam.Text("dir", "./data", false));
    public final ConfigParam.Text requirepass = add(new ConfigParam.Text("requirepass", "", true));
    public final ConfigParam.Int databases = add(new ConfigParam.Int("databases", 16, 1, Integer.MAX_VALUE, false));
    public final ConfigParam.Int maxclients = add(new ConfigParam.Int("maxclients", 10000, 1, Integer.MAX_VALUE, true));
    public final ConfigParam.Int timeout = add(new ConfigParam.Int("timeout", 0, 0, Integer.MAX_VALUE, true));
    public final ConfigParam.Int hz = add(new ConfigParam.Int("hz", 10, 0, Integer.MAX_VALUE, true).clamp(1, 500));
    public final ConfigParam.Enum loglevel = add(new ConfigParam.Enum("loglevel", "notice",
            List.of("debug", "verbose", "notice", "warning", "nothing"), true));
    public final ConfigParam.Text logfile = add(new ConfigParam.Text("logfile", "", false));
    public final ConfigParam.Int protoMaxBulkLen = add(ConfigParam.Int.memory("proto-max-bulk-len", 512 * MB, 1024 * 1024, Long.MAX_VALUE, true));
    public final ConfigParam.Int clientQueryBufferLimit = add(ConfigParam.Int.memory("client-query-buffer-limit", GB, 1024 * 1024, Long.MAX_VALUE, true));
    public final ConfigParam.Int busyReplyThreshold = add(new ConfigParam.Int("busy-reply-threshold", 5000, 0, Long.MAX_VALUE, true, "lua-time-limit"));
    public final ConfigParam.Int slowlogLogSlowerThan = add(new ConfigParam.Int("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true));
    public final ConfigParam.Int slowlogMaxLen = add(new ConfigParam.Int("slowlog-max-len", 128, 0, Long.MAX_VALUE, true));
    /** Vellum's own: the memory one script may take (0: bounded by the heap only); see the scripting module's ScriptMemory. */
    public final ConfigParam.Int scriptMaxMemory = add(ConfigParam.Int.memory("script-max-memory", 0, 0, Long.MAX_VALUE, true));

    // persistence (log)
    public final ConfigParam.Bool appendonly = add(new ConfigParam.Bool("appendonly", true, true));
    public final ConfigParam.Enum appendfsync = add(new ConfigParam.Enum("appendfsync", "everysec", List.of("everysec", "always", "no"), true));
    public final ConfigParam.Bool aofLoadTruncated = add(new ConfigParam.Bool("aof-load-truncated", true, true));
    public final ConfigParam.Int autoAofRewritePercentage = add(new ConfigParam.Int("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true));
    public final ConfigParam.Int autoAofRewriteMinSize = add(ConfigParam.Int.memory("auto-aof-rewrite-min-size", 64 * MB, 0, Long.MAX_VALUE, true));

    // persistence (snapshots)
    public final SavePoints save = add(new SavePoints());

    // encodings (OBJECT ENCODING and SCAN shapes follow Redis's thresholds)
    public final ConfigParam.Int hashMaxListpackEntries = add(new ConfigParam.Int("hash-max-listpack-entries", 512, 0, Long.MAX_VALUE, true, "hash-max-ziplist-entries"));
    public final ConfigParam.Int hashMaxListpackValue = add(new ConfigParam.Int("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true, "hash-max-ziplist-value"));
    public final ConfigParam.Int setMaxIntsetEntries = add(new ConfigParam.Int("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true));
    public final ConfigParam.Int setMaxListpackEntries = add(new ConfigParam.Int("set-max-listpack-entries", 128, 0, Long.MAX_VALUE, true));
    public final ConfigParam.Int setMaxListpackValue = add(new ConfigParam.Int("set-max-listpack-value", 64, 0, Long.MAX_VALUE, true));
    public final ConfigParam.Int zsetMaxListpackEntries = add(new ConfigParam.Int("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true, "zset-max-ziplist-entries"));
    public final ConfigParam.Int zsetMaxListpackValue = add(new ConfigParam.Int("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true, "zset-max-ziplist-value"));
    public final ConfigParam.Int listMaxListpackSize = add(new ConfigParam.Int("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true, "list-max-ziplist-size"));
    public final ConfigParam.Int listCompressDepth = add(new ConfigParam.Int("list-compress-depth", 0, 0, Integer.MAX_VALUE, true));
    public final ConfigParam.Int streamNodeMaxBytes = add(ConfigParam.Int.memory("stream-node-max-bytes", 4096, 0, Long.MAX_VALUE, true));
    public final ConfigParam.Int streamNodeMaxEntries = add(new ConfigParam.Int("stream-node-max-entries", 100, 0, Long.MAX_VALUE, true));
    public final ConfigParam.Int hllSparseMaxBytes = add(ConfigParam.Int.memory("hll-sparse-max-bytes", 3000, 0, Long.MAX_VALUE, true));

    private <P extends ConfigParam<?>> P add(P p) {
        params.add(p);
        byName.put(p.name(), p);
        for (String a : p.aliases()) {
            byName.put(a, p);
        }
        return p;
    }

    /** Registers a directive defined by another module (before the store opens). */
    public synchronized <P extends ConfigParam<?>> P register(P p) {
        if (byName.containsKey(p.name())) {
            throw new IllegalArgumentException("config directive registered twice: " + p.name());
        }
        return add(p);
    }

    /** The directive called {@code name} (or one of its aliases), case-insensitive; null if none. */
    public ConfigParam<?> find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every directive (aliases not repeated), in declaration order. */
    public List<ConfigParam<?>> params() {
        return Collections.unmodifiableList(params);
    }

    /** Every name and alias (CONFIG GET matches patterns against these). */
    public Map<String, ConfigParam<?>> names() {
        return Collections.unmodifiableMap(byName);
    }
}
