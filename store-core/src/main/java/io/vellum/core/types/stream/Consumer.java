package io.vellum.core.types.stream;

import java.util.TreeMap;

/** A consumer of a group (Redis's streamConsumer): its pending entries and its two times. */
public final class Consumer {
    private final byte[] name;
    final TreeMap<StreamId, PendingEntry> pending = new TreeMap<>();
    /** Unit time of its last attempted interaction (XREADGROUP, XCLAIM, XAUTOCLAIM). */
    public long seenTime;
    /** Unit time of its last successful interaction, -1 for none yet. */
    public long activeTime = -1;

    Consumer(byte[] name, long seenTime) {
        this.name = name;
        this.seenTime = seenTime;
    }

    public byte[] name() {
        return name;
    }

    /** Its pending entries in ID order. Change them through the group. */
    public TreeMap<StreamId, PendingEntry> pending() {
        return pending;
    }
}
