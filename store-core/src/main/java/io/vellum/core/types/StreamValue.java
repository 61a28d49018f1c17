package io.vellum.core.types;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.types.proto.StreamConsumerData;
import io.vellum.core.types.proto.StreamData;
import io.vellum.core.types.proto.StreamEntryData;
import io.vellum.core.types.proto.StreamGroupData;
import io.vellum.core.types.proto.StreamNodeData;
import io.vellum.core.types.proto.StreamPendingData;
import io.vellum.core.types.stream.Consumer;
import io.vellum.core.types.stream.ConsumerGroup;
import io.vellum.core.types.stream.PendingEntry;
import io.vellum.core.types.stream.StreamEntries;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream value (Redis's t_stream.c stream type API): the entries ({@link StreamEntries},
 * laid out in Redis's nodes), the last generated ID, the recorded first ID, the maximal
 * deleted ID, the entries-added counter and the consumer groups (ordered by name as
 * Redis's radix tree orders them).
 *
 * <p>IDs are chosen by the caller: automatic IDs come from the unit's time
 * ({@link #nextId}), never from a clock read here. Not thread-safe: owned by the engine thread.
 */
public final class StreamValue extends Value {
    private final StreamEntries entries;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private final TreeMap<byte[], ConsumerGroup> groups = new TreeMap<>(Arrays::compareUnsigned);

    private StreamValue(StreamEntries entries) {
        this.entries = entries;
    }

    public static StreamValue create() {
        return new StreamValue(new StreamEntries());
    }

    // ------------------------------------------------------------------ reading

    public long length() {
        return entries.length();
    }

    public boolean isEmpty() {
        return entries.length() == 0;
    }

    public StreamEntries entries() {
        return entries;
    }

    public StreamId lastId() {
        return lastId;
    }

    /** The recorded first entry ID (0-0 when empty). */
    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** Live entries in {@code [start, end]}, ascending or descending. */
    public Iterator<StreamEntry> range(StreamId start, StreamId end, boolean rev) {
        return entries.range(start, end, rev);
    }

    /** streamLastValidID: the last live entry's ID, or null when empty. */
    public StreamId lastValidId() {
        StreamEntry e = entries.last();
        return e == null ? null : e.id();
    }

    public boolean exists(StreamId id) {
        return entries.get(id) != null;
    }

    // ------------------------------------------------------------------ adding

    /**
     * streamNextID: the automatic ID for time {@code nowMillis}; null when the stream has
     * used the last possible ID.
     */
    public StreamId nextId(long nowMillis) {
        if (Long.compareUnsigned(nowMillis, lastId.ms()) > 0) {
            return new StreamId(nowMillis, 0);
        }
        return lastId.next();
    }

    /** streamAppendItem with a chosen ID greater than {@link #lastId()}. */
    public void append(StreamId id, byte[][] fieldsAndValues, long nodeMaxBytes, long nodeMaxEntries) {
        if (id.compareTo(lastId) <= 0) {
            throw new IllegalArgumentException("stream ID " + id + " not above " + lastId);
        }
        entries.append(id, fieldsAndValues, nodeMaxBytes, nodeMaxEntries);
        entriesAdded++;
        lastId = id;
        if (entries.length() == 1) {
            firstId = id;
        }
    }

    // ------------------------------------------------------------------ removing

    /** XDEL of one ID: true when a live entry went. Keeps the first and max-deleted IDs. */
    public boolean delete(StreamId id) {
        if (!entries.delete(id)) {
            return false;
        }
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        return true;
    }

    /** After deletions: the recorded first ID follows the first live entry (as XDEL does). */
    public void refreshFirstId() {
        StreamEntry e = entries.first();
        firstId = e == null ? StreamId.MIN : e.id();
    }

    /** streamTrim (see {@link StreamEntries#trim}); updates the recorded first ID. */
    public long trim(long maxlen, StreamId minId, boolean approx, long limit) {
        long n = entries.trim(maxlen, minId, approx, limit);
        if (entries.length() == 0) {
            firstId = StreamId.MIN;
        } else if (n > 0) {
            refreshFirstId();
        }
        return n;
    }

    /** XSETID. */
    public void setId(StreamId last, long added, StreamId maxDeleted) {
        lastId = last;
        if (added != -1) {
            entriesAdded = added;
        }
        if (!maxDeleted.isZero()) {
            maxDeletedId = maxDeleted;
        }
    }

    // ------------------------------------------------------------------ groups

    public TreeMap<byte[], ConsumerGroup> groups() {
        return groups;
    }

    public ConsumerGroup group(byte[] name) {
        return groups.get(name);
    }

    /** streamCreateCG: null when a group has that name. */
    public ConsumerGroup createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        if (groups.containsKey(name)) {
            return null;
        }
        ConsumerGroup g = new ConsumerGroup(lastDelivered, entriesRead);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups.remove(name) != null;
    }

    /**
     * streamRangeHasTombstones: whether [start, end] (end null: to the end) may hold a
     * deleted entry.
     */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (entries.length() == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId e = end == null ? StreamId.MAX : end;
        return start.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry; {@link ConsumerGroup#INVALID_ENTRIES_READ} when unknown. */
    public long estimateDistanceFromFirstEverEntry(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (entries.length() == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ;
        }
        int cmpIdFirst = id.compareTo(firstId);
        int cmpXdelFirst = maxDeletedId.compareTo(firstId);
        if (maxDeletedId.isZero() || cmpXdelFirst < 0) {
            if (cmpIdFirst < 0) {
                return entriesAdded - entries.length();
            } else if (cmpIdFirst == 0) {
                return entriesAdded - entries.length() + 1;
            }
        }
        return ConsumerGroup.INVALID_ENTRIES_READ;
    }

    /** streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
    public Long lag(ConsumerGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistanceFromFirstEverEntry(g.lastId);
        return read == ConsumerGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    /** What delivering {@code id} beyond the group's last ID does to its counters (streamReplyWithRange). */
    public void advanceGroup(ConsumerGroup g, StreamId id) {
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = estimateDistanceFromFirstEverEntry(id);
        }
        g.lastId = id;
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public Value copy() {
        StreamValue c = new StreamValue(entries.copy());
        c.lastId = lastId;
        c.firstId = firstId;
        c.maxDeletedId = maxDeletedId;
        c.entriesAdded = entriesAdded;
        for (Map.Entry<byte[], ConsumerGroup> g : groups.entrySet()) {
            c.groups.put(g.getKey(), g.getValue().copy());
        }
        return c;
    }

    /** xorObjectDigest for streams: each live entry's "ms.seq", then its fields and values, chained. */
    @Override
    public void mixDigest(byte[] digest) {
        for (Iterator<StreamEntry> it = range(StreamId.MIN, StreamId.MAX, false); it.hasNext();) {
            StreamEntry e = it.next();
            RedisDigest.mix(digest, Text.latin1(Long.toUnsignedString(e.id().ms()) + "." + Long.toUnsignedString(e.id().seq())));
            for (byte[] b : e.fieldsAndValues()) {
                RedisDigest.mix(digest, b);
            }
        }
    }

    @Override
    public StoredValue toProto() {
        StreamData.Builder b = StreamData.newBuilder()
                .setLastMs(lastId.ms()).setLastSeq(lastId.seq())
                .setFirstMs(firstId.ms()).setFirstSeq(firstId.seq())
                .setMaxDeletedMs(maxDeletedId.ms()).setMaxDeletedSeq(maxDeletedId.seq())
                .setEntriesAdded(entriesAdded);
        for (StreamEntries.StreamNodeView n : entries.nodes()) {
            StreamNodeData.Builder nb = StreamNodeData.newBuilder();
            for (StreamEntry e : n.entries()) {
                StreamEntryData.Builder eb = StreamEntryData.newBuilder().setMs(e.id().ms()).setSeq(e.id().seq())
                        .setDeleted(e.isDeleted());
                for (byte[] x : e.fieldsAndValues()) {
                    eb.addFieldValue(UnsafeByteOperations.unsafeWrap(x));
                }
                nb.addEntry(eb);
            }
            b.addNode(nb);
        }
        for (Map.Entry<byte[], ConsumerGroup> ge : groups.entrySet()) {
            ConsumerGroup g = ge.getValue();
            StreamGroupData.Builder gb = StreamGroupData.newBuilder().setName(ByteString.copyFrom(ge.getKey()))
                    .setLastMs(g.lastId.ms()).setLastSeq(g.lastId.seq()).setEntriesRead(g.entriesRead);
            for (Consumer c : g.consumers().values()) {
                gb.addConsumer(StreamConsumerData.newBuilder().setName(ByteString.copyFrom(c.name()))
                        .setSeenTime(c.seenTime).setActiveTime(c.activeTime));
            }
            for (Map.Entry<StreamId, PendingEntry> pe : g.pending().entrySet()) {
                PendingEntry p = pe.getValue();
                gb.addPending(StreamPendingData.newBuilder().setMs(pe.getKey().ms()).setSeq(pe.getKey().seq())
                        .setDeliveryTime(p.deliveryTime).setDeliveryCount(p.deliveryCount)
                        .setConsumer(ByteString.copyFrom(p.consumer.name())));
            }
            b.addGroup(gb);
        }
        return StoredValue.newBuilder().setStream(b).build();
    }

    /** The stream a stored message holds; IllegalArgumentException when it is not a valid stream. */
    static StreamValue fromProto(StreamData d) {
        StreamValue s = create();
        for (StreamNodeData n : d.getNodeList()) {
            List<StreamId> ids = new ArrayList<>(n.getEntryCount());
            List<byte[][]> fvs = new ArrayList<>(n.getEntryCount());
            List<Boolean> deleted = new ArrayList<>(n.getEntryCount());
            for (StreamEntryData e : n.getEntryList()) {
                ids.add(new StreamId(e.getMs(), e.getSeq()));
                byte[][] fv = new byte[e.getFieldValueCount()][];
                for (int i = 0; i < fv.length; i++) {
                    fv[i] = e.getFieldValue(i).toByteArray();
                }
                fvs.add(fv);
                deleted.add(e.getDeleted());
            }
            s.entries.loadNode(ids, fvs, deleted);
        }
        s.lastId = new StreamId(d.getLastMs(), d.getLastSeq());
        s.firstId = new StreamId(d.getFirstMs(), d.getFirstSeq());
        s.maxDeletedId = new StreamId(d.getMaxDeletedMs(), d.getMaxDeletedSeq());
        s.entriesAdded = d.getEntriesAdded();
        StreamEntry last = s.entries.last();
        if (last != null && last.id().compareTo(s.lastId) > 0) {
            throw new IllegalArgumentException("stream entry " + last.id() + " above the last ID " + s.lastId);
        }
        for (StreamGroupData gd : d.getGroupList()) {
            ConsumerGroup g = s.createGroup(gd.getName().toByteArray(), new StreamId(gd.getLastMs(), gd.getLastSeq()),
                    gd.getEntriesRead());
            if (g == null) {
                throw new IllegalArgumentException("duplicate stream group");
            }
            for (StreamConsumerData cd : gd.getConsumerList()) {
                Consumer c = g.createConsumer(cd.getName().toByteArray(), cd.getSeenTime());
                if (c == null) {
                    throw new IllegalArgumentException("duplicate stream consumer");
                }
                c.activeTime = cd.getActiveTime();
            }
            for (StreamPendingData pd : gd.getPendingList()) {
                Consumer owner = g.consumer(pd.getConsumer().toByteArray());
                if (owner == null) {
                    throw new IllegalArgumentException("pending entry of an unknown consumer");
                }
                StreamId id = new StreamId(pd.getMs(), pd.getSeq());
                PendingEntry p = g.newUnowned(id, pd.getDeliveryTime());
                p.deliveryCount = pd.getDeliveryCount();
                g.assign(id, p, owner);
            }
        }
        return s;
    }
}
