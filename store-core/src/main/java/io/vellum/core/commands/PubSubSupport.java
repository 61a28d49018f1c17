package io.vellum.core.commands;

import io.vellum.core.command.CommandSpec;
import io.vellum.core.engine.PubSubRegistry;
import io.vellum.core.engine.Session;

/** What the engine asks about a client's subscriptions (RESP2 subscribed-mode rules). */
public final class PubSubSupport {
    private PubSubSupport() {
    }

    /** True when the client has any channel, pattern or shard subscription. */
    public static boolean inSubscribedMode(Session s) {
        return PubSubRegistry.subscribed(s);
    }

    /** The commands a RESP2 client may send while subscribed. */
    public static boolean allowedWhileSubscribed(CommandSpec spec) {
        return switch (spec.fullName()) {
            case "subscribe", "ssubscribe", "psubscribe", "unsubscribe", "sunsubscribe", "punsubscribe",
                    "ping", "quit", "reset" -> true;
            default -> false;
        };
    }
}
