package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.PubSubRegistry;
import io.vellum.core.engine.PubSubRegistry.Kind;
import io.vellum.core.engine.Role;
import io.vellum.core.reply.ReplySink;
import java.util.List;

/**
 * Pub/Sub (Redis's pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
 * The state and delivery are {@link PubSubRegistry}'s.
 *
 * <p>Nothing here is state of the store: subscriptions belong to connections and messages are
 * not kept. So every reply goes outside the unit's effect digest
 * ({@link CommandContext#replyOutsideDigest()}): a follower replaying a PUBLISH has other
 * subscribers, and a logged MULTI holding a SUBSCRIBE replays on the engine's own session,
 * where subscribing would mean nothing (so replay skips it).
 */
public final class PubSubCommands implements CommandGroup {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("subscribe", PubSubCommands::subscribe)
                .bind("psubscribe", PubSubCommands::psubscribe)
                .bind("ssubscribe", PubSubCommands::ssubscribe)
                .bind("unsubscribe", PubSubCommands::unsubscribe)
                .bind("punsubscribe", PubSubCommands::punsubscribe)
                .bind("sunsubscribe", PubSubCommands::sunsubscribe)
                .bind("publish", PubSubCommands::publish)
                .bind("spublish", PubSubCommands::spublish)
                .bind("pubsub|channels", PubSubCommands::channels)
                .bind("pubsub|shardchannels", PubSubCommands::shardChannels)
                .bind("pubsub|numsub", PubSubCommands::numsub)
                .bind("pubsub|shardnumsub", PubSubCommands::shardNumsub)
                .bind("pubsub|numpat", PubSubCommands::numpat)
                .bind("pubsub|help", PubSubCommands::help);
    }

    /* SUBSCRIBE channel [channel ...] */
    static void subscribe(CommandContext ctx) {
        subscribeGeneric(ctx, Kind.CHANNEL);
    }

    /* PSUBSCRIBE pattern [pattern ...] */
    static void psubscribe(CommandContext ctx) {
        subscribeGeneric(ctx, Kind.PATTERN);
    }

    /* SSUBSCRIBE shardchannel [shardchannel ...] */
    static void ssubscribe(CommandContext ctx) {
        if (ctx.inExec()) {
            // Redis refuses it to a CLIENT_DENY_BLOCKING client, which EXEC makes its client;
            // SUBSCRIBE and PSUBSCRIBE make an exception for MULTI, SSUBSCRIBE does not
            ctx.replyOutsideDigest().error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        subscribeGeneric(ctx, Kind.SHARD);
    }

    /* UNSUBSCRIBE [channel [channel ...]] */
    static void unsubscribe(CommandContext ctx) {
        unsubscribeGeneric(ctx, Kind.CHANNEL);
    }

    /* PUNSUBSCRIBE [pattern [pattern ...]] */
    static void punsubscribe(CommandContext ctx) {
        unsubscribeGeneric(ctx, Kind.PATTERN);
    }

    /* SUNSUBSCRIBE [shardchannel [shardchannel ...]] */
    static void sunsubscribe(CommandContext ctx) {
        unsubscribeGeneric(ctx, Kind.SHARD);
    }

    private static void subscribeGeneric(CommandContext ctx, Kind kind) {
        if (ctx.isReplay()) {
            return; // see the class comment
        }
        ReplySink out = ctx.pushReply();
        PubSubRegistry registry = ctx.engine().pubSub();
        for (int i = 1; i < ctx.argc(); i++) {
            registry.subscribe(ctx.session(), kind, ctx.arg(i), out);
        }
    }

    private static void unsubscribeGeneric(CommandContext ctx, Kind kind) {
        if (ctx.isReplay()) {
            return;
        }
        ReplySink out = ctx.pushReply();
        PubSubRegistry registry = ctx.engine().pubSub();
        if (ctx.argc() == 1) {
            registry.unsubscribeAll(ctx.session(), kind, out);
            return;
        }
        for (int i = 1; i < ctx.argc(); i++) {
            registry.unsubscribe(ctx.session(), kind, ctx.arg(i), out);
        }
    }

    /* PUBLISH channel message */
    static void publish(CommandContext ctx) {
        publishGeneric(ctx, false);
    }

    /* SPUBLISH shardchannel message */
    static void spublish(CommandContext ctx) {
        publishGeneric(ctx, true);
    }

    /**
     * A PUBLISH is logged although it changes no key, so followers replay it and their
     * subscribers receive it. The store replaying its own log at startup delivers nothing: the
     * message went out when it was first published (and no client is connected yet anyway).
     * A replica does not log the PUBLISHes its own clients send: its log is its primary's.
     */
    private static void publishGeneric(CommandContext ctx, boolean shard) {
        int receivers = 0;
        if (!ctx.isOwnLogReplay()) {
            receivers = ctx.engine().pubSub().publish(ctx.session(), shard, ctx.arg(1), ctx.arg(2));
        }
        if (!ctx.isReplay() && ctx.engine().role() == Role.PRIMARY) {
            ctx.forceLog();
        }
        ctx.replyOutsideDigest().integer(receivers);
    }

    /* PUBSUB CHANNELS [pattern] */
    static void channels(CommandContext ctx) {
        channelList(ctx, false);
    }

    /* PUBSUB SHARDCHANNELS [pattern] */
    static void shardChannels(CommandContext ctx) {
        channelList(ctx, true);
    }

    private static void channelList(CommandContext ctx, boolean shard) {
        if (ctx.argc() > 3) {
            throw Help.subcommandSyntaxError(ctx);
        }
        List<byte[]> names = ctx.engine().pubSub().activeChannels(shard, ctx.argc() == 3 ? ctx.arg(2) : null);
        ReplySink out = ctx.replyOutsideDigest();
        out.array(names.size());
        for (byte[] n : names) {
            out.bulk(n);
        }
    }

    /* PUBSUB NUMSUB [channel [channel ...]] */
    static void numsub(CommandContext ctx) {
        numsubGeneric(ctx, false);
    }

    /* PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]] */
    static void shardNumsub(CommandContext ctx) {
        numsubGeneric(ctx, true);
    }

    private static void numsubGeneric(CommandContext ctx, boolean shard) {
        ReplySink out = ctx.replyOutsideDigest();
        PubSubRegistry registry = ctx.engine().pubSub();
        // Redis answers a flat array (addReplyArrayLen), not a map, in RESP3 too
        out.array((ctx.argc() - 2) * 2);
        for (int i = 2; i < ctx.argc(); i++) {
            out.bulk(ctx.arg(i));
            out.integer(registry.subscribers(shard, ctx.arg(i)));
        }
    }

    /* PUBSUB NUMPAT */
    static void numpat(CommandContext ctx) {
        ctx.replyOutsideDigest().integer(ctx.engine().pubSub().patternCount());
    }

    /* PUBSUB HELP */
    static void help(CommandContext ctx) {
        Help.reply(ctx,
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }
}
