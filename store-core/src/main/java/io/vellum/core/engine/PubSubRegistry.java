package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.GlobMatcher;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's pub/sub state (Redis's {@code server.pubsub_channels}, {@code pubsub_patterns}
 * and {@code pubsubshard_channels}) and each client's subscriptions (kept in
 * {@link Session#pubSubState()}), with message delivery (Redis's pubsub.c).
 *
 * <p>Names are byte strings held as ISO-8859-1 {@code String}s (one char per byte). Maps and
 * sets keep insertion order, so delivery order and unsubscribe-all order are a function of
 * the subscription history (Redis's follow its hash tables).
 *
 * <p><b>Delivery.</b> A message is written to each receiver's reply stream through
 * {@link Engine#output}, so it is released with the batch's replies, after the batch's log
 * commit. A message to the publishing client itself is held until the publishing unit's reply
 * is written ({@link #releaseDeferred}): Redis 7.2 (#12326) sends it after the reply, so it
 * never lands inside an EXEC array.
 *
 * <p>Engine thread only.
 */
public final class PubSubRegistry {
    /** The three subscription kinds and the words of their pushes. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final String subscribed;
        final String unsubscribed;
        final String message;

        Kind(String subscribed, String unsubscribed, String message) {
            this.subscribed = subscribed;
            this.unsubscribed = unsubscribed;
            this.message = message;
        }
    }

    /** A client's subscriptions; what CLIENT LIST's sub=, psub=, ssub= count. */
    static final class Subscriptions implements SubscriptionCounts {
        final Set<String> channels = new LinkedHashSet<>();
        final Set<String> patterns = new LinkedHashSet<>();
        final Set<String> shardChannels = new LinkedHashSet<>();

        Set<String> of(Kind kind) {
            return switch (kind) {
                case CHANNEL -> channels;
                case PATTERN -> patterns;
                case SHARD -> shardChannels;
            };
        }

        /** The count a confirmation reports: channels + patterns, or shard channels. */
        int countFor(Kind kind) {
            return kind == Kind.SHARD ? shardChannels.size() : channels.size() + patterns.size();
        }

        boolean isEmpty() {
            return channels.isEmpty() && patterns.isEmpty() && shardChannels.isEmpty();
        }

        @Override
        public int channels() {
            return channels.size();
        }

        @Override
        public int patterns() {
            return patterns.size();
        }

        @Override
        public int shardChannels() {
            return shardChannels.size();
        }
    }

    private record Deferred(Session to, Kind kind, String pattern, String channel, byte[] message) {
    }

    private final Engine engine;
    private final Map<String, Set<Session>> channels = new LinkedHashMap<>();
    private final Map<String, Set<Session>> patterns = new LinkedHashMap<>();
    private final Map<String, Set<Session>> shardChannels = new LinkedHashMap<>();
    private final List<Deferred> deferred = new ArrayList<>();

    PubSubRegistry(Engine engine) {
        this.engine = engine;
    }

    private Map<String, Set<Session>> server(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static Subscriptions subscriptions(Session s) {
        return s.pubSubState() instanceof Subscriptions subs ? subs : null;
    }

    /** True when the client has any channel, pattern or shard subscription (Redis's CLIENT_PUBSUB). */
    public static boolean subscribed(Session s) {
        Subscriptions subs = subscriptions(s);
        return subs != null && !subs.isEmpty();
    }

    // ------------------------------------------------------------------ subscribing

    /** (P|S)SUBSCRIBE of one name; writes the confirmation to {@code out}. */
    public void subscribe(Session s, Kind kind, byte[] name, ReplySink out) {
        Subscriptions subs = subscriptions(s);
        if (subs == null) {
            subs = new Subscriptions();
            s.setPubSubState(subs);
        }
        String n = Text.latin1(name);
        if (subs.of(kind).add(n)) {
            server(kind).computeIfAbsent(n, k -> new LinkedHashSet<>()).add(s);
        }
        confirm(out, kind.subscribed, name, subs.countFor(kind));
    }

    /** (P|S)UNSUBSCRIBE of one name; writes the confirmation to {@code out}. */
    public void unsubscribe(Session s, Kind kind, byte[] name, ReplySink out) {
        Subscriptions subs = subscriptions(s);
        remove(s, subs, kind, Text.latin1(name));
        confirm(out, kind.unsubscribed, name, subs == null ? 0 : subs.countFor(kind));
    }

    /**
     * (P|S)UNSUBSCRIBE without names: one confirmation per name the client had, or one with a
     * null name when it had none. With {@code out} null nothing is written (RESET, close).
     */
    public void unsubscribeAll(Session s, Kind kind, ReplySink out) {
        Subscriptions subs = subscriptions(s);
        List<String> names = subs == null ? List.of() : new ArrayList<>(subs.of(kind));
        for (String n : names) {
            remove(s, subs, kind, n);
            if (out != null) {
                confirm(out, kind.unsubscribed, Text.latin1(n), subs.countFor(kind));
            }
        }
        if (out != null && names.isEmpty()) {
            out.push(3);
            out.bulk(kind.unsubscribed);
            out.nullBulk();
            out.integer(subs == null ? 0 : subs.countFor(kind));
        }
    }

    /** Drops every subscription of a client without telling it (RESET, a closed connection). */
    public void forget(Session s) {
        for (Kind k : Kind.values()) {
            unsubscribeAll(s, k, null);
        }
        deferred.removeIf(d -> d.to() == s);
    }

    private void remove(Session s, Subscriptions subs, Kind kind, String name) {
        if (subs == null || !subs.of(kind).remove(name)) {
            return;
        }
        Map<String, Set<Session>> server = server(kind);
        Set<Session> clients = server.get(name);
        clients.remove(s);
        if (clients.isEmpty()) {
            // forget the name with its last subscriber, as Redis does
            server.remove(name);
        }
    }

    private static void confirm(ReplySink out, String word, byte[] name, int count) {
        out.push(3);
        out.bulk(word);
        out.bulk(name);
        out.integer(count);
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Delivers a message to the subscribers of {@code channel} (and, unless sharded, of the
     * patterns matching it) and returns how many received it. Messages to {@code publisher}
     * itself wait for {@link #releaseDeferred}.
     */
    public int publish(Session publisher, boolean shard, byte[] channel, byte[] message) {
        int receivers = 0;
        String ch = Text.latin1(channel);
        Kind kind = shard ? Kind.SHARD : Kind.CHANNEL;
        Set<Session> direct = server(kind).get(ch);
        if (direct != null) {
            for (Session s : direct) {
                deliver(publisher, new Deferred(s, kind, null, ch, message));
                receivers++;
            }
        }
        if (shard) {
            return receivers; // shard pub/sub ignores patterns
        }
        for (Map.Entry<String, Set<Session>> e : patterns.entrySet()) {
            if (!GlobMatcher.matches(Text.latin1(e.getKey()), channel, false)) {
                continue;
            }
            for (Session s : e.getValue()) {
                deliver(publisher, new Deferred(s, Kind.PATTERN, e.getKey(), ch, message));
                receivers++;
            }
        }
        return receivers;
    }

    private void deliver(Session publisher, Deferred m) {
        if (m.to() == publisher) {
            deferred.add(m);
        } else {
            write(m);
        }
    }

    /** Writes the messages held for their publishers; the engine calls it when a unit ends. */
    void releaseDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        List<Deferred> out = new ArrayList<>(deferred);
        deferred.clear();
        for (Deferred m : out) {
            if (!m.to().isClosed()) {
                write(m);
            }
        }
    }

    private void write(Deferred m) {
        ReplySink out = engine.output(m.to());
        if (m.kind() == Kind.PATTERN) {
            out.push(4);
            out.bulk(m.kind().message);
            out.bulk(m.pattern());
        } else {
            out.push(3);
            out.bulk(m.kind().message);
        }
        out.bulk(m.channel());
        out.bulk(m.message());
    }

    // ------------------------------------------------------------------ introspection

    /** PUBSUB CHANNELS / SHARDCHANNELS: the active names matching {@code pattern} (null: all). */
    public List<byte[]> activeChannels(boolean shard, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (String name : (shard ? shardChannels : channels).keySet()) {
            byte[] b = Text.latin1(name);
            if (pattern == null || GlobMatcher.matches(pattern, b, false)) {
                out.add(b);
            }
        }
        return out;
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one name, not counting pattern subscribers. */
    public int subscribers(boolean shard, byte[] channel) {
        Set<Session> s = (shard ? shardChannels : channels).get(Text.latin1(channel));
        return s == null ? 0 : s.size();
    }

    /** Distinct patterns with subscribers (PUBSUB NUMPAT, INFO pubsub_patterns). */
    public int patternCount() {
        return patterns.size();
    }

    /** Distinct channels with subscribers (INFO pubsub_channels). */
    public int channelCount() {
        return channels.size();
    }

    /** Distinct shard channels with subscribers (INFO pubsubshard_channels). */
    public int shardChannelCount() {
        return shardChannels.size();
    }
}
