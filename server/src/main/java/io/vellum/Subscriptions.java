package io.vellum;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An embedded connection's own view of its subscriptions, kept from the confirmations it
 * receives, so that it knows how many confirmations an unsubscribe-all without names will
 * bring (one per name it had, or one when it had none). Guarded by the connection's lock.
 */
final class Subscriptions {
    static final Set<String> KINDS = Set.of("subscribe", "psubscribe", "ssubscribe",
            "unsubscribe", "punsubscribe", "sunsubscribe");
    static final Set<String> MESSAGES = Set.of("message", "pmessage", "smessage");

    private final Set<String> channels = new HashSet<>();
    private final Set<String> patterns = new HashSet<>();
    private final Set<String> shardChannels = new HashSet<>();
    /** Sizes just before the confirmations of the command at the head started to arrive. */
    private int channelsBefore;
    private int patternsBefore;
    private int shardBefore;
    private boolean inCommand;

    /** The first word of a push ("message", "subscribe"...), or null for anything else. */
    static String pushWord(Reply r) {
        if (r instanceof Reply.Push p && !p.items().isEmpty() && p.items().get(0) instanceof Reply.Bulk b) {
            return new String(b.value(), StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    /** Records a confirmation. */
    void apply(String word, Reply.Push p) {
        if (!inCommand) {
            channelsBefore = channels.size();
            patternsBefore = patterns.size();
            shardBefore = shardChannels.size();
            inCommand = true;
        }
        List<Reply> items = p.items();
        String name = items.size() > 1 && items.get(1) instanceof Reply.Bulk b
                ? new String(b.value(), StandardCharsets.ISO_8859_1) : null;
        if (name == null) {
            return; // an unsubscribe-all that found nothing
        }
        switch (word) {
            case "subscribe" -> channels.add(name);
            case "unsubscribe" -> channels.remove(name);
            case "psubscribe" -> patterns.add(name);
            case "punsubscribe" -> patterns.remove(name);
            case "ssubscribe" -> shardChannels.add(name);
            case "sunsubscribe" -> shardChannels.remove(name);
            default -> {
            }
        }
    }

    /** How many names of the command's kind the connection had before the command ran. */
    int sizeBefore(String command) {
        return switch (command) {
            case "unsubscribe" -> channelsBefore;
            case "punsubscribe" -> patternsBefore;
            case "sunsubscribe" -> shardBefore;
            default -> 0;
        };
    }

    /** The command at the head got all its confirmations. */
    void commandDone() {
        inCommand = false;
    }

    /** RESET forgot everything without confirmations. */
    void clear() {
        channels.clear();
        patterns.clear();
        shardChannels.clear();
    }
}
