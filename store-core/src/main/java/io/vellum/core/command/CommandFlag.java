package io.vellum.core.command;

/**
 * Command flags as Redis's COMMAND INFO names them (server.h, "Command flags"). Policy is
 * derived from these and nothing else: what is logged (WRITE), what a replica refuses
 * (WRITE), what a script may call (NOSCRIPT), what runs without AUTH (NO_AUTH), what
 * may run while loading (LOADING), what MULTI refuses (NO_MULTI), and so on.
 */
public enum CommandFlag {
    WRITE("write"),
    READONLY("readonly"),
    DENYOOM("denyoom"),
    MODULE("module"),
    ADMIN("admin"),
    PUBSUB("pubsub"),
    NOSCRIPT("noscript"),
    BLOCKING("blocking"),
    LOADING("loading"),
    STALE("stale"),
    SKIP_MONITOR("skip_monitor"),
    SKIP_SLOWLOG("skip_slowlog"),
    ASKING("asking"),
    FAST("fast"),
    NO_AUTH("no_auth"),
    MAY_REPLICATE("may_replicate", true),
    SENTINEL("sentinel", true),
    ONLY_SENTINEL("only_sentinel", true),
    NO_MANDATORY_KEYS("no_mandatory_keys"),
    PROTECTED("protected", true),
    NO_ASYNC_LOADING("no_async_loading"),
    NO_MULTI("no_multi"),
    MOVABLEKEYS("movablekeys"),
    ALLOW_BUSY("allow_busy"),
    MODULE_GETKEYS("module_getkeys", true),
    MODULE_NO_CLUSTER("module_no_cluster");

    private final String redisName;
    private final boolean hidden;

    CommandFlag(String redisName) {
        this(redisName, false);
    }

    CommandFlag(String redisName, boolean hidden) {
        this.redisName = redisName;
        this.hidden = hidden;
    }

    /**
     * A flag COMMAND INFO does not show ("Hidden on purpose" in Redis's addReplyCommandFlags):
     * the table holds it (may_replicate decides what read-only scripts refuse) but COMMAND
     * answers as Redis does.
     */
    public boolean hidden() {
        return hidden;
    }

    /** The name COMMAND INFO prints. */
    public String redisName() {
        return redisName;
    }

    public static CommandFlag byRedisName(String name) {
        for (CommandFlag f : values()) {
            if (f.redisName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown command flag in the command table: " + name);
    }
}
