package io.vellum.core.types.stream;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group (Redis's streamCG): the last delivered ID, the logical read counter, the
 * pending entries list (PEL) and the consumers, each ordered as Redis's radix trees order
 * them (IDs numerically, names bytewise).
 */
public final class ConsumerGroup {
    /** SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    public StreamId lastId;
    public long entriesRead;
    final TreeMap<StreamId, PendingEntry> pending = new TreeMap<>();
    final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    public ConsumerGroup(StreamId lastId, long entriesRead) {
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    /** The PEL in ID order. Change it through the methods below. */
    public TreeMap<StreamId, PendingEntry> pending() {
        return pending;
    }

    public TreeMap<byte[], Consumer> consumers() {
        return consumers;
    }

    public Consumer consumer(byte[] name) {
        return consumers.get(name);
    }

    /** streamCreateConsumer: a new consumer, or null when one has that name. */
    public Consumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        Consumer c = new Consumer(name, now);
        consumers.put(name, c);
        return c;
    }

    /** streamDelConsumer: removes it and its pending entries; returns how many it had. */
    public int deleteConsumer(Consumer c) {
        int n = c.pending.size();
        for (StreamId id : c.pending.keySet()) {
            pending.remove(id);
        }
        consumers.remove(c.name());
        return n;
    }

    /** Removes a pending entry from the group and its consumer (XACK); false if not pending. */
    public boolean acknowledge(StreamId id) {
        PendingEntry p = pending.remove(id);
        if (p == null) {
            return false;
        }
        p.consumer.pending.remove(id);
        return true;
    }

    /** Moves a pending entry to {@code to}'s PEL (it may have been in none: a new one from FORCE). */
    public void assign(StreamId id, PendingEntry p, Consumer to) {
        if (p.consumer != to) {
            if (p.consumer != null) {
                p.consumer.pending.remove(id);
            }
            to.pending.put(id, p);
            p.consumer = to;
        }
    }

    /** Adds a pending entry to the group's PEL only (FORCE, before assigning it). */
    void addUnowned(StreamId id, PendingEntry p) {
        pending.put(id, p);
    }

    public PendingEntry newUnowned(StreamId id, long now) {
        PendingEntry p = new PendingEntry(null, now, 1);
        addUnowned(id, p);
        return p;
    }

    public ConsumerGroup copy() {
        ConsumerGroup g = new ConsumerGroup(lastId, entriesRead);
        Map<Consumer, Consumer> map = new java.util.IdentityHashMap<>();
        for (Consumer c : consumers.values()) {
            Consumer d = new Consumer(c.name(), c.seenTime);
            d.activeTime = c.activeTime;
            g.consumers.put(c.name(), d);
            map.put(c, d);
        }
        for (Map.Entry<StreamId, PendingEntry> e : pending.entrySet()) {
            PendingEntry p = e.getValue();
            Consumer owner = map.get(p.consumer);
            PendingEntry q = new PendingEntry(owner, p.deliveryTime, p.deliveryCount);
            g.pending.put(e.getKey(), q);
            owner.pending.put(e.getKey(), q);
        }
        return g;
    }
}
