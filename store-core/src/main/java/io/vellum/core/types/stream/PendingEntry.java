package io.vellum.core.types.stream;

/**
 * A pending (delivered, not acknowledged) entry of a consumer group (Redis's streamNACK). The
 * same object sits in the group's PEL and in its consumer's.
 */
public final class PendingEntry {
    public long deliveryTime;
    public long deliveryCount;
    public Consumer consumer;

    public PendingEntry(Consumer consumer, long deliveryTime, long deliveryCount) {
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }
}
