package io.vellum.core.types;

import com.google.protobuf.UnsafeByteOperations;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.proto.HashData;
import io.vellum.core.types.proto.StoredValue;

/**
 * A hash value (Redis's t_hash.c hash type API): fields to values in an {@link OrderedDict},
 * so iteration is insertion order — byte-identical with Redis's listpack order for small
 * hashes — and HSCAN cursors are sequence numbers that survive reload.
 *
 * <p>The encoding Redis would report follows 7.2's rules: a new hash is a listpack; it
 * becomes a hashtable, never to return, when a HSET-like command brings more pairs than
 * {@code hash-max-listpack-entries} or a field or value longer than
 * {@code hash-max-listpack-value} ({@link #beforeSet}, as hashTypeTryConversion), or when
 * {@link #set} is given such a field or value or grows the hash past the entry limit (as
 * hashTypeSet). Only OBJECT ENCODING and HSCAN's one-shot replies depend on it.
 *
 * <p>Field and value arrays are never modified after they are stored (callers hand over
 * ownership), so copies share them. Not thread-safe: owned by the engine thread.
 */
public final class HashValue extends Value {
    private final OrderedDict<byte[]> dict;
    private boolean hashtable;

    private HashValue(OrderedDict<byte[]> dict, boolean hashtable) {
        this.dict = dict;
        this.hashtable = hashtable;
    }

    /** An empty hash as HSET creates it (listpack-encoded). */
    public static HashValue create() {
        return new HashValue(new OrderedDict<>(), false);
    }

    // ------------------------------------------------------------------ reading

    public int size() {
        return dict.size();
    }

    public boolean isEmpty() {
        return dict.isEmpty();
    }

    /** The value of {@code field}, or null. */
    public byte[] get(byte[] field) {
        return dict.get(field);
    }

    public boolean contains(byte[] field) {
        return dict.containsKey(field);
    }

    /** The fields and values in iteration order, for reading (HGETALL, HSCAN, HRANDFIELD). Do not mutate. */
    public OrderedDict<byte[]> entries() {
        return dict;
    }

    /** True while Redis would hold this hash as a listpack (HSCAN answers in one reply). */
    public boolean isListpack() {
        return !hashtable;
    }

    // ------------------------------------------------------------------ changes

    /**
     * hashTypeTryConversion before the field/value pairs {@code argv[from..to]} are set:
     * too many pairs or a too long string makes the hash a hashtable.
     */
    public void beforeSet(byte[][] argv, int from, int to, long maxEntries, long maxValue) {
        if (hashtable) {
            return;
        }
        if ((to - from + 1L) / 2 > maxEntries) {
            hashtable = true;
            return;
        }
        for (int i = from; i <= to; i++) {
            if (argv[i].length > maxValue) {
                hashtable = true;
                return;
            }
        }
    }

    /** hashTypeSet: sets {@code field} to {@code value}; true when the field is new. */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (!hashtable && (field.length > maxValue || value.length > maxValue)) {
            hashtable = true;
        }
        int e = dict.indexOf(field);
        if (e >= 0) {
            dict.setValueAt(e, value);
            return false;
        }
        dict.put(field, value);
        if (!hashtable && dict.size() > maxEntries) {
            hashtable = true;
        }
        return true;
    }

    /** Removes {@code field}; true when it was there. */
    public boolean delete(byte[] field) {
        return dict.remove(field) != null;
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return hashtable ? "hashtable" : "listpack";
    }

    @Override
    public Value copy() {
        OrderedDict<byte[]> d = new OrderedDict<>(dict.size());
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            d.insertWithSeq(dict.keyAt(e), dict.valueAt(e), dict.seqAt(e));
        }
        d.advanceNextSeq(dict.nextSeq());
        return new HashValue(d, hashtable);
    }

    /** xorObjectDigest for hashes: per field, SHA1 of (field then value mixed), xor-ed. */
    @Override
    public void mixDigest(byte[] digest) {
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            byte[] ele = new byte[20];
            RedisDigest.mix(ele, dict.keyAt(e));
            RedisDigest.mix(ele, dict.valueAt(e));
            RedisDigest.xor(digest, ele);
        }
    }

    @Override
    public StoredValue toProto() {
        HashData.Builder b = HashData.newBuilder().setEncoding(encoding()).setNextSeq(dict.nextSeq());
        long prev = 0;
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            b.addField(UnsafeByteOperations.unsafeWrap(dict.keyAt(e)));
            b.addValue(UnsafeByteOperations.unsafeWrap(dict.valueAt(e)));
            long seq = dict.seqAt(e);
            b.addSeqDelta(seq - prev);
            prev = seq;
        }
        return StoredValue.newBuilder().setHash(b).build();
    }

    /** The hash a stored message holds; IllegalArgumentException when it is not a valid hash. */
    static HashValue fromProto(HashData d) {
        int n = d.getFieldCount();
        byte[][] fields = new byte[n][];
        for (int i = 0; i < n; i++) {
            fields[i] = d.getField(i).toByteArray();
        }
        byte[][] values = new byte[d.getValueCount()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = d.getValue(i).toByteArray();
        }
        long[] deltas = new long[d.getSeqDeltaCount()];
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = d.getSeqDelta(i);
        }
        return fromParts(fields, n, values, values.length, deltas, deltas.length, d.getNextSeq(), d.getEncoding());
    }

    /**
     * The hash HashData's fields describe (the first {@code n*} items of each array; the byte
     * arrays become the hash's own); IllegalArgumentException when it is not a valid hash.
     */
    static HashValue fromParts(byte[][] fields, int nFields, byte[][] values, int nValues, long[] seqDeltas, int nDeltas,
            long nextSeq, String encoding) {
        int n = nFields;
        if (n == 0 || nValues != n || nDeltas != n) {
            throw new IllegalArgumentException("hash with " + n + " fields, " + nValues + " values, "
                    + nDeltas + " sequence numbers");
        }
        boolean hashtable = switch (encoding) {
            case "hashtable" -> true;
            case "listpack", "" -> false;
            default -> throw new IllegalArgumentException("unknown hash encoding " + encoding);
        };
        OrderedDict<byte[]> dict = new OrderedDict<>(n);
        long seq = 0;
        for (int i = 0; i < n; i++) {
            long delta = seqDeltas[i];
            if (delta <= 0) {
                throw new IllegalArgumentException("hash sequence numbers must increase");
            }
            seq += delta;
            // insertWithSeq refuses duplicate fields
            dict.insertWithSeq(fields[i], values[i], seq);
        }
        dict.advanceNextSeq(nextSeq);
        return new HashValue(dict, hashtable);
    }
}
